import Foundation
import Testing
import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore

@Suite struct RulebookMigrationTests {
    let books = try! RulebookLoader.load(directory: shippedRules)
    let staff = Staff(id: "T0101", name: "老师", role: .counselor)

    func world() throws -> (Engine, VirtualClock) {
        let (store, _) = try temporaryStore()
        let clock = VirtualClock(start: SchoolCalendar().parse("2026-11-30 09:00")!)
        let engine = Engine(store: store, clock: clock)
        try engine.installRulebooks(books)
        try engine.installTemplates(shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        return (engine, clock)
    }

    /// The accident rulebook changed by `edit`, as the next version ("v2" below).
    func accidentV2(_ edit: (inout Rulebook) -> Void) -> [Rulebook] {
        books.map { b in
            guard b.kind == .accident else { return b }
            var v2 = b
            v2.version = b.version + 1
            edit(&v2)
            return v2
        }
    }

    @Test func aMigrationDoesExactlyWhatThePlanSaid() throws {
        let (engine, clock) = try world()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: staff)
        let v2 = accidentV2 { b in
            b.steps[0].due = DeadlineRule(afterStep: nil, span: .hours(4))
            b.steps.append(StepRule(id: "office-report", title: "报学生工作处", mandatory: true, notifiesParents: false, evidence: .attempted,
                                    due: DeadlineRule(afterStep: nil, span: .hours(24)), escalate: [.office], policy: [Policy.incidents], source: "t"))
        }
        let plan = try engine.planRulebooks(v2)
        #expect(plan.count == 1 && plan[0].action == .migrate && plan[0].fromVersion == 3 && plan[0].toVersion == 4)
        let opened = c.openedAt
        #expect(plan[0].changes == [
            .init(step: "notify-parents", change: "moved", oldDue: opened.addingTimeInterval(7200), newDue: opened.addingTimeInterval(14400)),
            .init(step: "office-report", change: "added", oldDue: nil, newDue: opened.addingTimeInterval(86400)),
        ])
        #expect(try engine.installRulebooks(v2) == plan)
        let after = try engine.caseDetail(c.id, by: .administrator).record
        #expect(after.rulebookVersion == 4)
        #expect(after.steps.first { $0.id == "notify-parents" }?.due == opened.addingTimeInterval(14400))
        #expect(after.steps.first { $0.id == "office-report" }?.status == .pending)
        // The old 2-hour deadline is gone; the new 4-hour one fires.
        _ = try engine.moveClock(to: opened.addingTimeInterval(3 * 3600))
        #expect(try engine.caseDetail(c.id, by: .administrator).events.filter { $0.type == .deadlineMissed }.isEmpty)
        _ = try engine.moveClock(to: opened.addingTimeInterval(4 * 3600))
        #expect(try engine.caseDetail(c.id, by: .administrator).events.filter { $0.type == .deadlineMissed }.map { $0.payload["step"] } == ["notify-parents"])
        // Rebuilding the case from its log gives the stored row.
        let detail = try engine.caseDetail(c.id, by: .administrator)
        #expect(detail.events.reduce(nil as CaseRecord?) { CaseMachine.apply($1, to: $0) } == detail.record)
        _ = clock
    }

    @Test func noCaseSilentlyLosesAMandatoryStep() throws {
        let (engine, _) = try world()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: staff)
        let v2 = accidentV2 { b in b.steps.removeAll { $0.id == "meet-parents" } }
        let plan = try engine.planRulebooks(v2)
        #expect(plan.map(\.action) == [.stay])
        #expect(plan[0].reason?.contains("meet-parents") == true)
        try engine.installRulebooks(v2)
        let kept = try engine.caseDetail(c.id, by: .administrator).record
        #expect(kept.rulebookVersion == 3 && kept.steps.contains { $0.id == "meet-parents" && $0.status == .pending })
        // New cases follow the new version.
        let fresh = try engine.openCase(kind: .accident, studentID: "2023010102", summary: "x", occurredAt: nil, by: staff)
        #expect(fresh.rulebookVersion == 4 && !fresh.steps.contains { $0.id == "meet-parents" })
        // The kept case still completes its step under its pinned version.
        let done = try engine.recordEvidence(caseID: c.id, stepID: "meet-parents", level: .inPerson, channel: "visit", note: "", by: staff)
        #expect(done.steps.first { $0.id == "meet-parents" }?.status == .done)
    }

    @Test func aChangedRulebookMustRaiseItsVersion() throws {
        let (engine, _) = try world()
        _ = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: staff)
        let sneaky = books.map { b -> Rulebook in
            guard b.kind == .accident else { return b }
            var e = b
            e.steps[0].due = DeadlineRule(afterStep: nil, span: .hours(8))
            return e
        }
        let err = #expect(throws: LiaisonError.self) { try engine.installRulebooks(sneaky) }
        #expect(err?.message.contains("changed but kept version 3") == true)
        #expect(try engine.rulebook(.accident).steps[0].due?.span == .hours(2), "the old set stays")
    }
}
