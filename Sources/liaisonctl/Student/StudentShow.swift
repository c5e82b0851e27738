import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StudentShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A student, their guardians with channel addresses and preference order, counselor, class teacher, tier, siblings and records.")

    @Argument(help: "Student id.") var id: String
    @Option(help: ArgumentHelp("Why you read this outside the students you answer for (break-glass, the office and administrators only).",
                                discussion: "A few words: who asked and why. Recorded in the audit log with scope break-glass, and the student's counselor and college supervisors are told who read what and why. For a student you answer for it is only recorded."))
    var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.studentShow, ReadParams(id: id, reason: reason), as: StudentDetail.self) { d, display in
            let s = d.student
            var out = [display.fields([
                ("学号 id", s.id), ("姓名 name", "\(s.name) \(s.gender)"), ("学院 college", s.college), ("专业 major", s.major),
                ("班级 class", s.className), ("关注 tier", "\(s.tier.rawValue) \(s.tier.chineseName)"),
                ("辅导员 counselor", d.counselor.map { "\($0.id) \($0.name)" } ?? s.counselorID),
                ("班主任 teacher", d.teacher.map { "\($0.id) \($0.name)" } ?? d.schoolClass?.teacherID ?? ""), ("手机 phone", PhoneNumber.display(s.phone)),
                ("本学期联系 contacts", "\(d.contactsThisTerm) in term \(d.term)"),
            ]), ""]
            var t = TextTable(["guardian", "name", "relation", "preference", "phone", "wechat", "qq", "household", "address"])
            for g in d.guardians {
                t.add([g.id, g.name, g.relation, g.preference.map(\.rawValue).joined(separator: ">"), [g.phone, g.phone2].filter { !$0.isEmpty }.map(PhoneNumber.display).joined(separator: " / "),
                       g.wechat, g.qq, g.householdID, g.address.replacingOccurrences(of: "\n", with: " ")])
            }
            out.append(d.guardians.isEmpty ? "no guardians on record" : t.render())
            if !d.siblings.isEmpty {
                out.append("same guardians as: " + d.siblings.map { "\($0.id) \($0.name) (\($0.className))" }.joined(separator: ", "))
            }
            if !d.records.isEmpty {
                var r = TextTable(["date", "kind", "title", "level", "reasons", "document"])
                for x in d.records { r.add([x.date, x.kind.chineseName, x.title, x.levelName, x.reasons, x.document]) }
                out += ["", r.render()]
            }
            if !d.openCases.isEmpty {
                out.append("")
                out.append("open cases: " + d.openCases.map { "\($0.id) \(display.kind($0.kind))" }.joined(separator: ", "))
            }
            return out.joined(separator: "\n")
        }
    }
}
