import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct AuditList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Who read, copied or changed whose data, oldest first, a page at a time (office, administrator).",
        discussion: "Every row names who, when, what, the student and case, the scope (own, college, school, break-glass) and the reason. Listing is itself recorded (audit.read).")

    @Option(help: "Only rows about this student id.") var student: String?
    @Option(help: "Only rows by this staff id (root: the administrator).") var staff: String?
    @Option(help: "Only rows at or after this time, school time (2026-11-28 or 2026-11-28 22:40) or ISO 8601.") var since: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Continue after this row (the previous page's next).") var after: Int64?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = AuditListParams(student: student, staff: staff, since: since, limit: limit, after: after)
        try global.call(Method.auditList, params, as: AuditPage.self) { page, display in
            var t = TextTable(["seq", "time", "staff", "action", "student", "case", "scope", "reason / detail"])
            for e in page.entries {
                let why = [e.reason, e.detail].filter { !$0.isEmpty }.joined(separator: " — ")
                t.add(["\(e.seq)", display.time(e.at), e.actor, e.action.rawValue, e.studentID ?? "—", e.caseID ?? "—", e.scope.rawValue, why])
            }
            return renderPage(t, shown: page.entries.count, total: page.total, noun: "audit rows", next: page.next.map { "\($0)" })
        }
    }
}
