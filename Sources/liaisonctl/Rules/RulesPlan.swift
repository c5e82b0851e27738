import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonConfig
import LiaisonCore
import LiaisonProtocol

struct RulesPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "What installing a rule set would do to each open case, and the plan id to apply it with.",
        discussion: """
            Without DIRECTORY the daemon plans the set in its own rules directory as it is now: what `rules apply PLAN` \
            or a reload would install. With DIRECTORY the set is read here and planned as a candidate; the same rules \
            give the same plan id once they are in the daemon's directory.
            A case moves to a new version unless that would drop a mandatory step still open; then it keeps its version, and this says so.
            The plan id is a digest of the set and of each affected case's id, pinned version and planned outcome: \
            `rules apply PLAN` installs only while the plan is still the one shown.
            """)

    @Argument(help: "A candidate rulebook directory (default: the daemon's own rules directory).") var directory: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var books: [Rulebook]?
        if let directory {
            do { books = try RulebookLoader.load(directory: directory) } catch let e as LiaisonError {
                throw global.fail(e)
            }
        }
        try global.call(Method.rulesPlan, RulesPlanParams(rulebooks: books), as: RulesPlanResult.self) { r, display in
            var out = Self.render(r, display)
            if r.fromRulesDirectory {
                out += "\nto install exactly this: liaisonctl rules apply \(r.plan)   (refused if the plan has changed by then)"
            } else {
                out += "\nthis is a candidate read from \(directory ?? "here"); liaisond installs from its rules directory \(r.rulesDirectory):"
                    + "\nput the set there, then: liaisonctl rules apply \(r.plan)   (the same rules give the same plan id)"
            }
            return out
        }
    }

    /// The plan as a person reads it (rules apply prints it the same way).
    static func render(_ r: RulesPlanResult, _ display: Display) -> String {
        var out = "plan \(r.plan) — \(r.rulebooks.joined(separator: ", "))\n"
        if r.cases.isEmpty { return out + "no open case changes: the set only affects new cases" }
        var t = TextTable(["case", "kind", "version", "action", "changes"])
        for p in r.cases {
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
        return out + t.render()
    }
}
