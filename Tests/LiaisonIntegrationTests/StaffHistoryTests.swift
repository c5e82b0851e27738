import Foundation
import Testing
import LiaisonCore
import LiaisonProtocol

/// `staff show` lists a member of staff's assignments past and present,
/// from the roster events in the log (issue 14.1): a class handed to
/// another counselor ends one period and starts the other's.
@Suite struct StaffHistoryTests {
    @Test func aClassHandedOverIsAPastAssignmentOfItsFormerCounselor() throws {
        let d = try Daemon(demo: false)
        try d.start()
        // Each import is a directory holding some of the five files, as `roster export` writes them.
        func directory(_ name: String, _ files: [String: String]) throws -> String {
            let dir = d.dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (file, text) in files { try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8) }
            return dir.path
        }
        let first = try directory("first", [
            "staff.csv": """
                staff_id,name,role,college,unix_user,phone
                T0101,王丽,counselor,旅游管理学院,,13800000001
                T0102,赵敏,counselor,旅游管理学院,,13800000003
                B0101,和老师,teacher,旅游管理学院,,

                """,
            "classes.csv": "class,college,counselor_id,teacher_id\n旅游2301班,旅游管理学院,T0101,B0101\n旅游2302班,旅游管理学院,T0102,\n",
            "students.csv": Fixtures.students,
        ])
        let imported = try d.ctl("roster", "import", first)
        #expect(imported.status == 0, "\(imported.err)")
        let before = try d.json(StaffDetail.self, "staff", "show", "T0101")
        #expect(before.assignments.contains { $0.basis == .class && $0.className == "旅游2301班" && $0.to == nil && $0.setBy == "root" }, "\(before.assignments)")

        // The class goes to T0102 (and loses its class teacher).
        let handOver = try directory("hand-over", ["classes.csv": "class,college,counselor_id,teacher_id\n旅游2301班,旅游管理学院,T0102,\n"])
        let moved = try d.ctl("roster", "import", handOver)
        #expect(moved.status == 0, "\(moved.err)")
        let former = try d.json(StaffDetail.self, "staff", "show", "T0101")
        #expect(former.classes.isEmpty)
        let past = try #require(former.assignments.first { $0.basis == .class && $0.className == "旅游2301班" }, "\(former.assignments)")
        #expect(past.role == .counselor && past.isPast && past.endedBy == "root" && past.to! >= past.from)
        // students.csv still names T0101 for two of the class's students: counted, never named.
        #expect(former.assignments.contains { $0.basis == .students && $0.students == 2 && $0.to == nil })
        let now = try d.json(StaffDetail.self, "staff", "show", "T0102")
        #expect(now.assignments.contains { $0.basis == .class && $0.className == "旅游2301班" && $0.to == nil && $0.from == past.to })
        let teacher = try d.json(StaffDetail.self, "staff", "show", "B0101")
        #expect(teacher.assignments.map(\.role) == [.teacher] && teacher.assignments[0].isPast)

        let human = try d.ctl("staff", "show", "T0101")
        #expect(human.status == 0 && human.out.contains("assignments (from the event log)") && human.out.contains("旅游2301班")
                && human.out.contains("classes.csv") && human.out.contains("students.csv (2 students)") && !human.out.contains("2023010101"), "\(human.out)")
    }
}
