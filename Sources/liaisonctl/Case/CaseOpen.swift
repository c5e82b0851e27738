import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseOpen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open an incident case for a student.",
        discussion: "KIND: \(CaseKind.allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")).")

    @Argument(help: "The kind of incident.") var kind: String
    @Option(help: "Student id.") var student: String
    @Option(help: "What happened, in a sentence or two.") var summary: String
    @Option(help: "When it happened, school time (2026-11-28 22:40) or ISO 8601; default now.") var occurredAt: String?
    @Option(help: "A sanction's level: \(SanctionLevel.allCases.map(\.chineseName).joined(separator: ", ")) (or \(SanctionLevel.usageList)); only 开除学籍 brings the parents to campus (P2.2.3).")
    var level: String?
    @Option(help: "The date a suspension, withdrawal or expulsion takes effect (2026-12-03); the meeting is due before it when that is sooner.")
    var effective: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = CaseOpenParams(kind: kind, student: student, summary: summary, occurredAt: occurredAt, level: level, effective: effective)
        try global.call(Method.caseOpen, params, as: CaseRecord.self) { c, display in
            "opened \(c.id): \(display.kind(c.kind)) for student \(c.studentID), counselor \(c.counselorID)"
                + (c.facts.unreachable ? "\nwarning: no guardian of \(c.studentID) can be reached by any channel or phone; find a number now (`liaisonctl task list --case \(c.id)`)" : "")
                + (c.facts.proposedTier.map { "\nproposed tier: \($0.rawValue) \($0.chineseName) (P3.1); confirm with `liaisonctl student tier \(c.studentID) --set \($0.rawValue) --reason TEXT`" } ?? "")
        }
    }
}
