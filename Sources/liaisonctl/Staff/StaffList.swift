import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StaffList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Staff, their roles and colleges, a page at a time (the office and the administrator).")

    @Option(help: "Only this role (counselor, teacher, supervisor, office, ops, admin).") var role: String?
    @Option(help: "Only this college.") var college: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Continue after this staff id (the previous page's last).") var after: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.staffList, StaffListParams(role: role, college: college, limit: limit, after: after), as: StaffPage.self) { page, _ in
            var t = TextTable(["id", "name", "role", "college", "unix user"])
            for s in page.staff { t.add([s.id, s.name, "\(s.role.rawValue) \(s.role.chineseName)", s.college, s.unixUser]) }
            return renderPage(t, shown: page.staff.count, total: page.total, noun: "staff", next: page.next)
        }
    }
}
