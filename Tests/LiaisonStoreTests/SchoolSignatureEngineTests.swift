import Foundation
import Testing
import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore

/// The engine puts the school's names and an escalation's lateness into the
/// message rows it queues (issue 12, item 14).
@Suite struct SchoolSignatureEngineTests {
    @Test func rowsCarryTheSchoolsSignatureAndAnEscalationHowLateItIs() throws {
        let (store, _) = try temporaryStore()
        let clock = VirtualClock(start: SchoolCalendar().parse("2026-11-30 09:00")!)
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        engine.installSchool(SchoolName(name: "丽江文化旅游学院", shortName: "丽江文旅学院"))
        _ = try engine.loadDemoRosterIfEmpty()
        let staff = Staff(id: "T0101", name: "老师", role: .counselor)
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "右腿骨折", occurredAt: nil, by: staff)
        let student = try #require(try engine.store.read { try $0.student("2023010101") })

        let notices = try engine.outbox(caseID: c.id).filter { $0.topic == "incident-notice" }
        #expect(!notices.isEmpty)
        for m in notices {
            #expect(m.fields["school_short_name"] == "丽江文旅学院" && m.fields["school_name"] == "丽江文化旅游学院")
            #expect(m.fields["college"] == nil && m.fields["summary"] == nil, "the row keeps only the topic's fields: \(m.fields)")
            let sms = engine.templateLibrary["incident-notice"]!.render(channel: "sms", values: m.fields).body
            #expect(sms.hasSuffix("【丽江文旅学院】") && !sms.contains(student.college), "\(sms)")
        }

        // The daemon was down past the deadline: both escalations fire at
        // once, 2 h 5 min after notify-parents was due.
        let due = try #require(c.steps.first { $0.id == "notify-parents" }?.due)
        clock.set(due.addingTimeInterval(2 * 3600 + 5 * 60))
        try engine.fireDueDeadlines()
        let escalations = try engine.outbox(caseID: c.id).filter { $0.topic == "escalation" }
        #expect(escalations.count >= 2, "supervisor and office")
        for m in escalations {
            #expect(m.fields["overdue_by"] == "2小时5分钟", "\(m.fields)")
            for part in [student.name, student.id, student.className, "意外事故", "notify-parents", "已逾期 2小时5分钟", "liaisonctl case show \(c.id)"] {
                #expect(m.body.contains(part), "\(part) in \(m.body)")
            }
            #expect(!m.body.contains("骨折"))
        }
    }

    @Test func withoutASchoolNameMessagesAreSignedWithTheRostersCollege() throws {
        let (store, _) = try temporaryStore()
        let engine = Engine(store: store, clock: VirtualClock(start: SchoolCalendar().parse("2026-11-30 09:00")!))
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil,
                                    by: Staff(id: "T0101", name: "老师", role: .counselor))
        let college = try #require(try engine.store.read { try $0.student("2023010101") }).college
        let m = try #require(try engine.outbox(caseID: c.id).first { $0.topic == "incident-notice" })
        #expect(engine.templateLibrary["incident-notice"]!.render(channel: "sms", values: m.fields).body.hasSuffix("【\(college)】"))
    }
}
