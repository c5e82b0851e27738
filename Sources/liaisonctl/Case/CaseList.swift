import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Cases, newest first.")

    @Flag(help: "Only cases of my students or that I opened.") var mine = false
    @Option(help: "open, closed or all (default all).") var state: String?
    @Option(help: "Only this kind.") var kind: String?
    @Option(help: "Only this student's cases.") var student: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.caseList, CaseListParams(mine: mine, state: state, kind: kind, student: student), as: [CaseRecord].self) { cases, display in
            var t = TextTable(["case", "state", "kind", "student", "counselor", "opened", "summary"])
            for c in cases {
                t.add([c.id, c.state.rawValue, display.kind(c.kind), c.studentID, c.counselorID, display.time(c.openedAt), String(c.summary.prefix(30))])
            }
            return t.render() + "\n\(cases.count) cases"
        }
    }
}
