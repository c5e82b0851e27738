import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// server.status reads kept counts (issue 15.5): open cases, overdue steps
/// and events are kept by triggers in the writer's transactions. After
/// opening, missing deadlines, closing and a failed write they must equal
/// what counting the rows says.
@Suite struct KeptCountsTests {
    @Test func theKeptCountsAreWhatCountingTheRowsSays() throws {
        let clock = VirtualClock(start: SchoolCalendar().parse("2026-11-29 09:00")!)
        let (store, dir) = try temporaryStore()
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        let office = Staff(id: "S9001", name: "学生处", role: .office)
        func counted() throws -> (open: Int, overdue: Int, events: Int) {
            let q = try DatabaseQueue(path: dir.appendingPathComponent("liaison.db").path)
            defer { try? q.close() }
            return try q.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM cases WHERE state = 'open'")!,
                 try Int.fetchOne(db, sql: """
                     SELECT count(*) FROM cases c, json_each(c.steps) s
                     WHERE c.state = 'open' AND json_extract(s.value, '$.status') = 'overdue'
                     """)!,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM events")!)
            }
        }
        func agree(_ what: String) throws {
            let kept = try engine.counts(), rows = try counted()
            #expect(kept.openCases == rows.open && kept.overdueSteps == rows.overdue && kept.events == rows.events,
                    "\(what): kept \(kept.openCases) open, \(kept.overdueSteps) overdue, \(kept.events) events; rows say \(rows)")
        }
        try agree("the demo roster")
        var ids: [String] = []
        for (i, kind) in [CaseKind.accident, .psychologicalCrisis, .suddenIllness, .accident].enumerated() {
            ids.append(try engine.openCase(kind: kind, studentID: "2023010101", summary: "第\(i)件", occurredAt: nil, by: .administrator).id)
        }
        try agree("four cases opened")
        #expect(try engine.counts().openCases == 4)
        // Deadlines pass: steps turn overdue, and the count follows.
        _ = try engine.moveClock(to: clock.now().addingTimeInterval(3 * 86400))
        try agree("three days later")
        #expect(try engine.counts().overdueSteps > 0)
        // A closed case (its overdue steps waived) leaves both counts.
        let detail = try engine.caseDetail(ids[0], by: .administrator)
        let open = detail.record.steps.filter { $0.status != .done && $0.status != .notApplicable }.map(\.id)
        _ = try engine.closeCase(ids[0], resolution: "已处理", waive: open, reason: "家长已到校当面沟通", by: office)
        try agree("one case closed")
        #expect(try engine.counts().openCases == 3)
        // A write that fails changes no count.
        #expect(throws: LiaisonError.self) { try engine.openCase(kind: .accident, studentID: "nobody", summary: "x", occurredAt: nil, by: .administrator) }
        try agree("a failed open")
    }
}
