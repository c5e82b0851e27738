import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StudentList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Students, by class and by counselor, a page at a time (by id).")

    @Option(name: .customLong("class"), help: "Only this class, e.g. 旅游2301班.") var className: String?
    @Option(help: "Only students of this counselor (staff id).") var counselor: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Continue after this student id (the previous page's last).") var after: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = StudentListParams(className: className, counselor: counselor, limit: limit, after: after)
        try global.call(Method.studentList, params, as: StudentPage.self) { page, _ in
            var t = TextTable(["id", "name", "class", "college", "counselor", "tier"])
            for s in page.students { t.add([s.id, s.name, s.className, s.college, s.counselorID, s.tier.chineseName]) }
            return renderPage(t, shown: page.students.count, total: page.total, noun: "students", next: page.next)
        }
    }
}
