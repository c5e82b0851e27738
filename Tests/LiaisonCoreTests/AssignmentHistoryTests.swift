import Foundation
import Testing
@testable import LiaisonCore

/// A member of staff's assignments from the roster events (issue 14.1).
@Suite struct AssignmentHistoryTests {
    func at(_ day: Int) -> Date { Date(timeIntervalSince1970: 1_788_000_000 + Double(day) * 86_400) }
    func classEvent(_ seq: Int64, _ day: Int, _ type: EventType, counselor: String, teacher: String = "", by: String = "root") -> Event {
        Event(seq: seq, at: at(day), actor: by, type: type, policy: [],
              payload: ClassRecord(name: "旅游2301班", college: "旅游管理学院", counselorID: counselor, teacherID: teacher).fields)
    }
    func studentEvent(_ seq: Int64, _ day: Int, _ type: EventType, _ id: String, counselor: String, by: String = "root") -> Event {
        Event(seq: seq, at: at(day), actor: by, type: type, studentID: id, policy: [],
              payload: Student(id: id, name: "学生\(id)", college: "旅游管理学院", className: "旅游2301班", counselorID: counselor, tier: .general).fields)
    }

    @Test func aClassHandedOverEndsOnePeriodAndStartsAnother() {
        let events = [
            classEvent(1, 0, .classAdded, counselor: "T0101", teacher: "B0101", by: "system"),
            studentEvent(2, 0, .studentAdded, "1", counselor: "T0101", by: "system"),
            studentEvent(3, 0, .studentAdded, "2", counselor: "T0101", by: "system"),
            classEvent(4, 10, .classChanged, counselor: "T0102", teacher: "B0101", by: "S9001"),
            studentEvent(5, 12, .studentChanged, "1", counselor: "T0102", by: "S9001"),
            studentEvent(6, 12, .studentChanged, "2", counselor: "T0102", by: "S9001"),
            classEvent(7, 20, .classChanged, counselor: "T0101", teacher: "", by: "root"),
        ]
        let t0101 = AssignmentHistory.of("T0101", in: events.reversed())
        #expect(t0101 == [
            StaffAssignment(role: .counselor, className: "旅游2301班", basis: .class, from: at(0), setBy: "system", to: at(10), endedBy: "S9001"),
            StaffAssignment(role: .counselor, className: "旅游2301班", basis: .students, students: 2, from: at(0), setBy: "system", to: at(12), endedBy: "S9001"),
            StaffAssignment(role: .counselor, className: "旅游2301班", basis: .class, from: at(20), setBy: "root"),
        ], "\(t0101)")
        let t0102 = AssignmentHistory.of("T0102", in: events)
        #expect(t0102.map(\.basis) == [.class, .students] && t0102[0].to == at(20) && t0102[1].to == nil && t0102[1].students == 2)
        // The class teacher's period ends when classes.csv leaves the cell empty.
        #expect(AssignmentHistory.of("B0101", in: events) == [
            StaffAssignment(role: .teacher, className: "旅游2301班", basis: .class, from: at(0), setBy: "system", to: at(20), endedBy: "root"),
        ])
        #expect(AssignmentHistory.of("T0999", in: events).isEmpty)
    }
}
