import Foundation
import GRDB
import LiaisonCore

/// The audit log (migration "2026-12-02 audit log, hash-chained"). Rows are
/// read value by value without GRDB's converting subscripts: someone who
/// edited the file may have put any type in any column, and verifying must
/// report that row, not crash the daemon.
extension SQLiteSession {
    /// The counter of rows ever written (`sequences`).
    static let auditCounter = "audit-rows"

    func appendAudit(_ draft: AuditDraft) throws -> AuditEntry {
        // Inside the writer's transaction: nobody else can append between
        // reading the last row and inserting after it. Not cached in memory:
        // a savepoint rolled back takes its row with it.
        let last = try one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [])
        let lastSeq = last.flatMap { Self.integer($0, "seq") } ?? 0
        let prevHash = last.map { Self.text($0, "hash") ?? "" } ?? AuditChain.genesis
        let written = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM sequences WHERE name = ?"),
                                         arguments: [Self.auditCounter]) ?? 0
        // After a cut end, the next row leaves the gap visible instead of
        // reusing the lost numbers.
        let entry = AuditChain.seal(draft, seq: max(lastSeq, written) + 1, after: prevHash)
        try exec("""
            INSERT INTO audit (seq, at, actor, action, student_id, case_id, scope, reason, detail, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [entry.seq, entry.atMillis, entry.actor, entry.action.rawValue, entry.studentID, entry.caseID,
                  entry.scope.rawValue, entry.reason, entry.detail, entry.prevHash, entry.hash])
        try exec("INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                 [Self.auditCounter, entry.seq])
        return entry
    }

    func auditEntries(_ f: AuditFilter) throws -> (entries: [AuditEntry], total: Int) {
        var filter = ""
        var args: StatementArguments = []
        if let s = f.studentID { filter += " AND student_id = ?"; args += [s] }
        if let a = f.actor { filter += " AND actor = ?"; args += [a] }
        if let since = f.since { filter += " AND at >= ?"; args += [Self.ms(since)] }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE 1" + filter, arguments: args) ?? 0
        if let after = f.after { filter += " AND seq > ?"; args += [after] }
        args += [f.limit]
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE 1" + filter + " ORDER BY seq LIMIT ?", arguments: args)
        return (try rows.map { r in
            switch Self.auditEntry(r) {
            case let .success(e): return e
            case let .failure(b):
                throw LiaisonError(.internal, "\(b.reason); the audit log was edited outside liaisond: `liaisonctl audit verify` names the first bad row")
            }
        }, total)
    }

    func verifyAudit() throws -> AuditVerification {
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0
        var verifier = AuditChain.Verifier()
        var broken: AuditBreak?
        // A cursor: the log is walked, never held in memory.
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while broken == nil, let r = try cursor.next() {
            switch Self.auditEntry(r) {
            case let .success(e): broken = verifier.check(e)
            case let .failure(b): broken = b
            }
        }
        if broken == nil {
            let written = try Int64.fetchOne(db, sql: "SELECT value FROM sequences WHERE name = ?", arguments: [Self.auditCounter]) ?? 0
            broken = verifier.finish(written: written)
        }
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return AuditVerification(rows: rows, lastSeq: last.flatMap { Self.integer($0, "seq") },
                                 head: last.flatMap { Self.text($0, "hash") } ?? AuditChain.genesis, broken: broken)
    }

    /// A row as stored, or why it cannot be one (a column of the wrong type).
    static func auditEntry(_ r: Row) -> Result<AuditEntry, AuditBreak> {
        // seq is the rowid: always an integer.
        let seq = integer(r, "seq") ?? 0
        func need<T>(_ value: T?, _ column: String) throws(AuditBreak) -> T {
            guard let value else { throw AuditBreak(seq: seq, reason: "row \(seq) was changed: its \(column) is not of its type") }
            return value
        }
        do throws(AuditBreak) {
            let e = AuditEntry(
                seq: seq, at: date(try need(integer(r, "at"), "at")), actor: try need(text(r, "actor"), "actor"),
                action: AuditAction(rawValue: try need(text(r, "action"), "action")),
                studentID: try optionalText(r, "student_id", seq), caseID: try optionalText(r, "case_id", seq),
                scope: AuditScope(rawValue: try need(text(r, "scope"), "scope")), reason: try need(text(r, "reason"), "reason"),
                detail: try need(text(r, "detail"), "detail"), prevHash: try need(text(r, "prev_hash"), "prev_hash"),
                hash: try need(text(r, "hash"), "hash"))
            return .success(e)
        } catch {
            return .failure(error)
        }
    }

    static func value(_ r: Row, _ column: String) -> DatabaseValue {
        (r[column] as DatabaseValue?) ?? .null
    }

    static func integer(_ r: Row, _ column: String) -> Int64? {
        if case let .int64(v) = value(r, column).storage { return v }
        return nil
    }

    static func text(_ r: Row, _ column: String) -> String? {
        if case let .string(s) = value(r, column).storage { return s }
        return nil
    }

    /// NULL is absent; text is the value; anything else is a tampered row.
    static func optionalText(_ r: Row, _ column: String, _ seq: Int64) throws(AuditBreak) -> String? {
        switch value(r, column).storage {
        case .null: return nil
        case let .string(s): return s
        default: throw AuditBreak(seq: seq, reason: "row \(seq) was changed: its \(column) is not of its type")
        }
    }
}
