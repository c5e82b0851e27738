import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The cases of the students you answer for, newest first, a page at a time.")

    @Flag(help: "Only cases of my students or that I opened.") var mine = false
    @Option(help: "open, closed or all (default all).") var state: String?
    @Option(help: "Only this kind.") var kind: String?
    @Option(help: "Only this student's cases.") var student: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Continue after this case (the previous page's last).") var after: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = CaseListParams(mine: mine, state: state, kind: kind, student: student, limit: limit, after: after)
        try global.call(Method.caseList, params, as: CasePage.self) { page, display in
            var t = TextTable(["case", "state", "kind", "student", "counselor", "opened", "summary"])
            for c in page.cases {
                t.add([c.id, c.state.rawValue, display.kind(c.kind), c.studentID, c.counselorID, display.time(c.openedAt), String(c.summary.prefix(30))])
            }
            return renderPage(t, shown: page.cases.count, total: page.total, noun: "cases", next: page.next)
        }
    }
}
