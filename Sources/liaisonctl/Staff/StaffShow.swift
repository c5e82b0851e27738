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
            // Past and present, from the roster's events in the log.
            out += ["", "assignments (from the event log)"]
            if d.assignments.isEmpty {
                out.append("none: no class or student has named \(d.staff.id) as counselor or class teacher")
            } else {
                var t = TextTable(["as", "class", "by", "from", "set by", "to", "ended by"])
                for a in d.assignments {
                    let basis = a.basis == .class ? "classes.csv" : "students.csv (\(a.students) student\(a.students == 1 ? "" : "s"))"
                    t.add(["\(a.role.rawValue) \(a.role.chineseName)", a.className, basis, display.time(a.from), a.setBy,
                           a.to == nil ? "now" : display.time(a.to), a.endedBy ?? "—"])
                }
                out.append(t.render())
            }
            return out.joined(separator: "\n")
        }
    }
}
