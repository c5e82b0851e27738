import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StaffShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A member of staff: role, classes and whose data they see (the office and the administrator).")

    @Argument(help: "Staff id.") var id: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.staffShow, IDParams(id: id), as: StaffDetail.self) { d, display in
            var out = [display.fields([
                ("工号 staff", "\(d.staff.id) \(d.staff.name)"), ("角色 role", "\(d.staff.role.rawValue) \(d.staff.role.chineseName)"),
                ("学院 college", d.staff.college), ("系统账号 unix user", d.staff.unixUser), ("范围 scope", d.responsibility),
            ])]
            if !d.classes.isEmpty {
                var t = TextTable(["class", "college", "grade", "counselor", "teacher"])
                for c in d.classes { t.add([c.name, c.college, c.grade, c.counselorID, c.teacherID]) }
                out += ["", t.render()]
            }
            return out.joined(separator: "\n")
        }
    }
}
