import Foundation
import GRDB
import Testing
import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore

/// More than 10,000 deadlines, fired through restarts and a clock that jumps
/// back and forth: each fires exactly once, never before it is due.
@Suite struct SchedulerStressTests {
    @Test func tenThousandDeadlinesFireExactlyOnce() throws {
        let (store, dir) = try temporaryStore()
        let path = dir.appendingPathComponent("liaison.db").path
        let start = SchoolCalendar().parse("2026-11-30 09:00")!
        let clock = ManualClock(start)
        let books = try RulebookLoader.load(directory: shippedRules)
        var engine = Engine(store: store, clock: clock)
        engine.setRulebooks(books, templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        // 3,400 accident cases: notify-parents (2 h) and meet-parents (72 h),
        // each escalating twice: 13,600 deadlines in all.
        let cases = 3400
        for i in 0..<cases {
            if i % 100 == 0 { clock.advance(1) }
            _ = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "stress \(i)", occurredAt: nil, by: .administrator)
        }
        var rng = SystemRandomNumberGenerator()
        let end = start.addingTimeInterval(6 * 86400)
        for round in 0..<40 {
            // Anywhere between the start and the end: forward and back.
            let t = start.addingTimeInterval(Double.random(in: 0...(end.timeIntervalSince(start)), using: &rng))
            clock.current.withLock { $0 = t }
            try engine.fireDueDeadlines()
            if round % 5 == 4 {
                try (engine.store as! SQLiteStore).close()
                engine = Engine(store: try SQLiteStore(path: path), clock: clock)
                engine.setRulebooks(books, templates: shippedTemplates)
            }
        }
        clock.current.withLock { $0 = end }
        try engine.fireDueDeadlines()
        #expect(try engine.nextDeadline() == nil)

        let check = try DatabaseQueue(path: path)
        func count(_ sql: String) throws -> Int { try check.read { try Int.fetchOne($0, sql: sql) ?? -1 } }
        #expect(try count("SELECT count(*) FROM deadlines") == cases * 4)
        #expect(try count("SELECT count(*) FROM deadlines WHERE fired_at IS NULL") == 0)
        #expect(try count("SELECT count(*) FROM events WHERE type = 'deadline.missed'") == cases * 2)
        #expect(try count("SELECT count(*) FROM events WHERE type = 'escalation.sent'") == cases * 4)
        // Exactly once per (case, step, level).
        #expect(try count("""
            SELECT count(*) FROM (SELECT case_id, json_extract(payload, '$.step') s, json_extract(payload, '$.level') l, count(*) n
            FROM events WHERE type = 'escalation.sent' GROUP BY 1, 2, 3 HAVING n > 1)
            """) == 0)
        // Never before it was due.
        #expect(try count("SELECT count(*) FROM deadlines WHERE fired_at < due_at") == 0)
        #expect(try count("SELECT count(*) FROM outbox WHERE topic = 'escalation'") == cases * 4)
    }
}
