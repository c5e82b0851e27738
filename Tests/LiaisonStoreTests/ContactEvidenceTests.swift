import Foundation
import Testing
import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore

/// The term's evidence read both ways (issue 16.3): by the students asked
/// about (a counselor's) and in one pass for the school; the same rows.
@Suite struct ContactEvidenceTests {
    @Test func byStudentAndForTheSchoolReadTheSameRows() throws {
        let (store, _) = try temporaryStore()
        let clock = ManualClock(SchoolCalendar().parse("2026-12-08 09:00")!)
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        let guardian = try store.read { try $0.guardians(ofStudent: "2023010101") }[0]
        _ = try engine.logContact(studentID: "2023010101", guardian: guardian.id, channel: .phone, topics: [.study], summary: "期中",
                                  feedback: "", contactedAt: nil, by: .administrator)
        let (from, to) = (SchoolCalendar().parse("2026-08-01")!, SchoolCalendar().parse("2027-02-01")!)
        let all = try store.read { try $0.contactEvidence(students: nil, from: from, to: to) }
        let some = try store.read { try $0.contactEvidence(students: ["2023010101", "2023010102"], from: from, to: to) }
        #expect(all["2023010101"]?.count == 1 && all["2023010101"] == some["2023010101"] && some["2023010102"] == nil)
        #expect(try store.read { try $0.contactEvidence(students: [], from: from, to: to) }.isEmpty)
        // Outside the window: none.
        #expect(try store.read { try $0.contactEvidence(students: nil, from: to, to: to.addingTimeInterval(86400)) }.isEmpty)
    }
}
