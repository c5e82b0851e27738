import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct Obligations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obligations",
        abstract: "Whose parents you owe an individual contact this term, most urgent first (P2.2.1, P3.1).",
        discussion: """
            Every parent is owed an individual contact each term; key and special students more often (obligations.intervals \
            in the daemon config). A logged contact (call, meeting, home visit, chat, a letter sent) or a case notice that was \
            delivered meets it; a campaign to many parents does not. Counselors and class teachers see their own students, \
            supervisors their college, the office the school.
            """)
    @Option(help: "The term, e.g. 2026-2027-1 (default: today's).") var term: String?
    @Option(help: "Only those owed within this long, e.g. 7d, 2w (and the overdue).") var dueWithin: String?
    @Flag(help: "Only the overdue.") var overdue = false
    @Flag(help: "Instead: the guardians no message can reach (no usable route, or every route of their last message failed), to fix their details.")
    var unreachable = false
    @Option(help: "Only this tier: special, key or general.") var tier: String?
    @Option(name: .customLong("class"), help: "Only this class.") var className: String?
    @Option(help: "Only this counselor's students (supervisors, the office).") var counselor: String?
    @Option(help: "Only this college (the office).") var college: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Continue after this student (the previous page's last).") var after: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if unreachable { return try listUnreachable() }
        let params = ObligationsParams(term: term, dueWithin: dueWithin, overdue: overdue ? true : nil, tier: tier, className: className,
                                       counselor: counselor, college: college, limit: limit, after: after)
        try global.call(Method.obligations, params, as: ObligationPage.self) { page, display in
            var t = TextTable(["student", "name", "class", "tier", "status", "due by", "last contact", "missed"])
            for o in page.obligations {
                let last = o.lastContact.map { "\(display.calendar.day(of: $0.at)) \($0.channel)" } ?? "none this term"
                let due = o.status == .done ? (o.nextDue.map { "next \($0)" } ?? "—") : o.dueBy
                t.add([o.studentID, o.studentName, o.className, "\(o.tier.rawValue) \(o.tier.chineseName)",
                       "\(o.status.rawValue) \(o.status.chineseName)", due, last, o.missedPeriods == 0 ? "" : String(o.missedPeriods)])
            }
            let head = "term \(page.term), today \(page.today): \(page.overdue) overdue, \(page.due) due, \(page.done) done"
            return head + "\n\n" + renderPage(t, shown: page.obligations.count, total: page.total, noun: "students", next: page.next)
        }
    }

    func listUnreachable() throws {
        let params = ObligationsParams(className: className, counselor: counselor, college: college, limit: limit, after: after)
        try global.call(Method.obligationsUnreachable, params, as: UnreachablePage.self) { page, display in
            var t = TextTable(["student", "name", "class", "guardian", "relation", "why", "message"])
            for g in page.guardians {
                t.add([g.studentID, g.studentName, g.className, "\(g.guardianID) \(g.guardianName)", g.relation, g.reason.text,
                       g.messageID.map { "#\($0) \(display.time(g.failedAt))" } ?? ""])
            }
            return renderPage(t, shown: page.guardians.count, total: page.total, noun: "unreachable guardians", next: page.next)
                + (page.guardians.isEmpty ? "" : "\nfix the roster's details (phone, wechat, qq, address) and import it; `liaisonctl message show ID` says what failed")
        }
    }
}
