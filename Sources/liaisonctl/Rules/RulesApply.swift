import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RulesApply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Install the rulebooks in the daemon's rules directory, only if they still do what plan PLAN showed.",
        discussion: """
            The daemon reads its rules directory (as a reload does), plans again and installs only if the plan id is \
            still PLAN, in the same transaction. Otherwise nothing is installed and it refuses (exit 1, code conflict) \
            with the new plan: its id in the message, each case in the details. For the Student Affairs Office and the administrator.
            Example: liaisonctl rules plan; liaisonctl rules apply 3fa29c01b2de
            """)

    @Argument(help: "The plan id `liaisonctl rules plan` printed (12 hex digits).") var plan: String
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard plan.count == 12, plan.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw ValidationError("\"\(plan)\" is not a plan id; `liaisonctl rules plan` prints one, 12 hex digits such as 3fa29c01b2de")
        }
    }

    func run() throws {
        try global.call(Method.rulesApply, RulesApplyParams(plan: plan), as: RulesPlanResult.self) { r, display in
            "applied: \(r.rulesDirectory) is installed\n" + RulesPlan.render(r, display)
        }
    }
}
