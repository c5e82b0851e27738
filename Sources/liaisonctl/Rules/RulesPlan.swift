import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonConfig
import LiaisonCore
import LiaisonProtocol

struct RulesPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "What a reload with these rulebooks would do to each open case; the reload applies exactly this.",
        discussion: "A case moves to a new version unless that would drop a mandatory step still open; then it keeps its version, and this says so.")

    @Argument(help: "The candidate rulebook directory.") var directory: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let books: [Rulebook]
        do { books = try RulebookLoader.load(directory: directory) } catch let e as LiaisonError {
            throw global.fail(e)
        }
        try global.call(Method.rulesPlan, RulesPlanParams(rulebooks: books), as: [CasePlan].self) { plans, display in
            if plans.isEmpty { return "no open case changes: the reload only affects new cases" }
            var t = TextTable(["case", "kind", "version", "action", "changes"])
            for p in plans {
                let changes = p.action == .stay ? (p.reason ?? "") : p.changes.map { c in
                    switch c.change {
                    case "moved": return "\(c.step) due \(display.time(c.oldDue)) → \(display.time(c.newDue))"
                    case "added": return "+\(c.step)" + (c.newDue.map { " due \(display.time($0))" } ?? "")
                    case "removed": return "−\(c.step)"
                    default: return "+\(c.step) (not applicable)"
                    }
                }.joined(separator: "; ")
                t.add([p.caseID, p.kind.rawValue, "\(p.fromVersion) → \(p.toVersion)", p.action.rawValue, changes])
            }
            return t.render()
        }
    }
}
