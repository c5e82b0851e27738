import Foundation
import GRDB
import Synchronization
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// The audit log in the store and the engine (issue 14.3): rows for reads,
/// copies and changes, written with the change or in a small write of their
/// own; append-only; a chain that stays whole under concurrent writers and
/// rolled-back ones; tampering found.
@Suite struct AuditStoreTests {
    let clock = ManualClock(SchoolCalendar().parse("2026-11-29 09:00")!)
    let counselor = Staff(id: "T0101", name: "老师", role: .counselor, college: "旅游管理学院")
    /// The college's supervisor: the student is theirs by college (issue 14: a
    /// fellow counselor no longer reads another's students at all).
    let colleague = Staff(id: "S0100", name: "分管领导", role: .supervisor, college: "旅游管理学院")
    let stranger = Staff(id: "T0201", name: "外院", role: .counselor, college: "文化传媒学院")

    func engine() throws -> (Engine, SQLiteStore) {
        let (store, _) = try temporaryStore()
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        #expect(try engine.loadDemoRosterIfEmpty() == 320)
        return (engine, store)
    }

    func all(_ store: SQLiteStore) throws -> [AuditEntry] {
        try store.read { try $0.auditEntries(AuditFilter(limit: 100_000)).entries }
    }

    @Test func readsCopiesAndChangesLeaveRows() throws {
        let (engine, store) = try engine()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "摔伤", occurredAt: nil, by: counselor)
        _ = try engine.noteCase(c.id, text: "已联系", by: counselor)
        _ = try engine.caseDetail(c.id, by: colleague)
        _ = try engine.studentDetail("2023010101", by: stranger)
        _ = try engine.contacts(studentID: "2023010101", by: counselor, scope: .breakGlass, reason: "家长来电")
        _ = try engine.logContact(studentID: "2023010101", guardian: "父亲", channel: .phone, topics: [.study], summary: "成绩",
                                  feedback: "", contactedAt: nil, by: counselor)
        _ = try engine.closeCase(c.id, resolution: "已处理", waive: ["notify-parents", "meet-parents"], reason: "家长已到医院", by: .administrator)
        _ = try engine.exportRoster(by: .administrator)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try engine.backup(to: dir.appendingPathComponent("copy.db").path, by: .administrator)

        let rows = try all(store)
        #expect(rows.map(\.action) == [.caseOpen, .caseNote, .caseRead, .studentRead, .contactRead, .contactLog, .caseClose, .rosterExport, .serverBackup])
        #expect(rows.map(\.seq) == Array(1...9))
        #expect(rows.map(\.actor) == ["T0101", "T0101", "S0100", "T0201", "T0101", "T0101", "root", "root", "root"])
        // The scope recorded is the actor's relation to the student, or what the caller decided.
        #expect(rows.map(\.scope) == [.own, .own, .college, .school, .breakGlass, .own, .school, .school, .school])
        #expect(rows[4].reason == "家长来电")
        #expect(rows[2].studentID == "2023010101" && rows[2].caseID == c.id)
        #expect(rows[3].caseID == nil && rows[7].studentID == nil)
        // A change names the events that hold what changed.
        let events = try store.read { try $0.events(caseID: c.id) }
        #expect(rows[0].detail == "event \(events[0].seq!)")
        #expect(rows[6].detail == "events \(events[2].seq!)-\(events.last!.seq!)", "\(rows[6].detail)")
        #expect(rows[8].detail.hasPrefix(dir.path + "/copy.db (") && rows[8].detail.hasSuffix(" bytes)"))
        #expect(try store.read { try $0.verifyAudit() } == AuditVerification(rows: 9, lastSeq: 9, head: rows[8].hash, broken: nil))

        // Filters and keyset pages, with the total.
        let theirs = try store.read { try $0.auditEntries(AuditFilter(studentID: "2023010101", limit: 2)) }
        #expect(theirs.total == 7 && theirs.entries.map(\.seq) == [1, 2])
        let page = try engine.auditLog(AuditFilter(studentID: "2023010101", after: 2, limit: 3), by: .administrator)
        #expect(page.entries.map(\.seq) == [3, 4, 5] && page.total == 7 && page.next == 5)
        #expect(try engine.auditLog(AuditFilter(actor: "root", since: clock.now(), after: 5, limit: 10), by: .administrator).next == nil)
        // Reading the log is itself in it.
        let last = try all(store).last!
        #expect(last.action == .auditRead && last.detail == "staff=root since=2026-11-29T01:00:00.000Z after=5 limit=10")
    }

    @Test func theLogIsAppendOnly() throws {
        let (engine, store) = try engine()
        try engine.audit(.caseRead, by: counselor, student: "2023010101", scope: .own)
        try engine.audit(.caseRead, by: counselor, student: "2023010101", scope: .own)
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "UPDATE audit SET actor = 'x'") } }
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "DELETE FROM audit WHERE seq = 2") } }
        #expect(throws: (any Error).self) {
            try store.pool.write { try $0.execute(sql: "INSERT INTO audit SELECT 1, at, actor, action, student_id, case_id, scope, reason, detail, prev_hash, hash FROM audit WHERE seq = 2") }
        }
        #expect(try store.read { try $0.verifyAudit() }.ok)
    }

    /// Writers in one group commit each read the last hash after the one
    /// before them: the chain stays whole, and a writer that rolls back
    /// takes its row with it.
    @Test func concurrentWritersAndRollbacksKeepOneChain() throws {
        let (engine, store) = try engine()
        let group = DispatchGroup()
        let failed = Mutex(0)
        for i in 0..<48 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    if i % 6 == 0 {
                        // Appends, then fails: the savepoint rolls back.
                        try engine.store.write { tx in
                            try engine.audit(.caseClose, by: self.counselor, student: "2023010101", scope: .own, in: tx)
                            throw LiaisonError.conflict("no")
                        }
                    } else {
                        try engine.audit(.caseRead, by: self.counselor, student: "2023010101", scope: .own, detail: "\(i)")
                    }
                } catch { failed.withLock { $0 += 1 } }
            }.start()
        }
        group.wait()
        #expect(failed.withLock { $0 } == 8)
        let rows = try all(store)
        #expect(rows.count == 40 && rows.map(\.seq) == Array(1...40))
        #expect(!rows.contains { $0.action == .caseClose })
        #expect(AuditChain.verify(rows) == nil)
        #expect(try store.read { try $0.verifyAudit() }.ok)
    }

    @Test func tamperingIsNamed() throws {
        let (engine, store) = try engine()
        for _ in 0..<5 { try engine.audit(.studentRead, by: counselor, student: "2023010101", scope: .own) }
        func verify() throws -> AuditVerification { try store.read { try $0.verifyAudit() } }
        // Someone with the file drops the triggers, as sqlite3 could.
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete") }

        try store.pool.write { try $0.execute(sql: "UPDATE audit SET scope = 'school' WHERE seq = 3") }
        #expect(try verify().firstBad == 3)
        #expect(try verify().reason == "row 3 was changed: its fields do not match its hash")
        try store.pool.write { try $0.execute(sql: "UPDATE audit SET scope = 'own' WHERE seq = 3") }
        #expect(try verify().ok)

        // A column of another type is reported, not a crash.
        try store.pool.write { try $0.execute(sql: "UPDATE audit SET at = 'yesterday' WHERE seq = 2") }
        #expect(try verify().firstBad == 2 && verify().reason == "row 2 was changed: its at is not of its type")
        #expect(throws: LiaisonError.self) { try store.read { try $0.auditEntries(AuditFilter()) } }
        try store.pool.write { try $0.execute(sql: "DELETE FROM audit WHERE seq = 2") }
        #expect(try verify().reason == "row 2 is missing: row 3 follows row 1")

        // A cut end: the chain left is whole, the counter is not fooled,
        // and the next row leaves the gap in sight.
        try store.pool.write { try $0.execute(sql: "DELETE FROM audit WHERE seq >= 2") }
        #expect(try verify().firstBad == 2 && verify().reason == "rows 2–5 are missing: 5 rows were written, the log ends at row 1")
        let next = try engine.audit(.caseRead, by: counselor, scope: .school)
        #expect(next.seq == 6)
        #expect(try verify().reason == "rows 2–5 are missing: row 6 follows row 1")
    }
}
