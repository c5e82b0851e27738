import Foundation
import GRDB
import LiaisonCore

/// The tables that hold sealed columns, with their keys (for re-sealing in
/// keyset-paged batches).
struct SealedTable: Sendable {
    let name: String
    let key: [String]
    let columns: [SealedColumn]

    static let all: [SealedTable] = [
        SealedTable(name: "events", key: ["seq"], columns: [.eventPayload]),
        SealedTable(name: "students", key: ["id"], columns: [.studentPhone]),
        SealedTable(name: "guardians", key: ["id"], columns: [.guardianPhone, .guardianPhone2, .guardianWeChat, .guardianQQ]),
        SealedTable(name: "households", key: ["id"], columns: [.householdAddress]),
        SealedTable(name: "staff", key: ["id"], columns: [.staffPhone]),
        SealedTable(name: "cases", key: ["id"], columns: [.caseSummary, .caseResolution]),
        SealedTable(name: "contacts", key: ["id"], columns: [.contactSummary, .contactFeedback]),
        SealedTable(name: "student_records", key: ["key"], columns: [.recordReasons]),
        SealedTable(name: "outbox", key: ["id"], columns: [.messageBody, .messageFields, .messageRoutes, .messageNote]),
        SealedTable(name: "message_attempts", key: ["message_id", "n"], columns: [.attemptAddress, .attemptError]),
        SealedTable(name: "message_receipts", key: ["id"], columns: [.receiptDetail]),
        SealedTable(name: "replies", key: ["id"], columns: [.replyFrom, .replyText]),
        SealedTable(name: "tasks", key: ["id"], columns: [.taskText]),
    ]
}

extension SQLiteSession {
    /// A guardian's addresses as keyed hashes, replacing those held.
    func saveLookup(guardianID: String, addresses: [String]) throws {
        try exec("DELETE FROM guardian_lookup WHERE guardian_id = ?", [guardianID])
        for address in Set(addresses) where !address.isEmpty {
            try exec("INSERT OR IGNORE INTO guardian_lookup (hash, guardian_id) VALUES (?, ?)", [sealer.lookupHash(address), guardianID])
        }
    }

    /// Re-seals up to `limit` rows of `table` after `after` (its key, in
    /// order) whose values are plaintext or sealed under another key than
    /// the current one; the last key visited, nil when the table is done.
    func resealBatch(_ table: SealedTable, after: [DatabaseValue]?, limit: Int) throws -> (rows: Int, last: [DatabaseValue]?) {
        guard let current = sealer.keyring?.current else { return (0, nil) }
        let prefix = Sealer.prefix + current.id + ":"
        let keyList = table.key.joined(separator: ", ")
        let stale = table.columns.map { "(coalesce(\($0.column), '') <> '' AND substr(\($0.column), 1, \(prefix.utf8.count)) <> ?)" }
            .joined(separator: " OR ")
        var sql = "SELECT \(keyList), \(table.columns.map(\.column).joined(separator: ", ")) FROM \(table.name) WHERE "
        var args = StatementArguments()
        if let after {
            sql += "(\(keyList)) > (\(after.map { _ in "?" }.joined(separator: ", "))) AND "
            args += StatementArguments(after)
        }
        sql += "(\(stale)) ORDER BY \(keyList) LIMIT ?"
        args += StatementArguments(table.columns.map { _ in prefix })
        args += [limit]
        let rows = try Row.fetchAll(db, sql: sql, arguments: args)
        let update = "UPDATE \(table.name) SET \(table.columns.map { "\($0.column) = ?" }.joined(separator: ", ")) WHERE "
            + table.key.map { "\($0) = ?" }.joined(separator: " AND ")
        let work = {
            for r in rows {
                var values: [DatabaseValue] = []
                for (i, column) in table.columns.enumerated() {
                    let stored: String? = r[table.key.count + i]
                    values.append(try stored.map { self.seal(try self.open($0, column), column) }.databaseValue)
                }
                try self.exec(update, StatementArguments(values + table.key.indices.map { r[$0] as DatabaseValue }))
            }
        }
        if table.name == "events" { try withEventRewrite(work) } else { try work() }
        guard rows.count == limit, let last = rows.last else { return (rows.count, nil) }
        return (rows.count, table.key.indices.map { last[$0] as DatabaseValue })
    }

    /// Recomputes the keyed hashes of up to `limit` guardians after `after`
    /// under the current key; the last guardian done, nil at the end.
    func relookupBatch(after: String?, limit: Int) throws -> String? {
        let rows = try Row.fetchAll(db, sql: "SELECT id, phone, phone2, wechat, qq FROM guardians WHERE id > ? ORDER BY id LIMIT ?",
                                    arguments: [after ?? "", limit])
        for r in rows {
            try saveLookup(guardianID: r["id"], addresses: [try open(r, "phone", .guardianPhone), try open(r, "phone2", .guardianPhone2),
                                                          try open(r, "wechat", .guardianWeChat), try open(r, "qq", .guardianQQ)])
        }
        return rows.count == limit ? rows.last?["id"] : nil
    }

    /// How many values each key seals, and how many are plaintext ("").
    func sealedValueCounts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        let p = Sealer.prefix.utf8.count
        for table in SealedTable.all {
            for c in table.columns {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT CASE WHEN substr(\(c.column), 1, \(p)) = '\(Sealer.prefix)'
                                THEN substr(\(c.column), \(p + 1), instr(substr(\(c.column), \(p + 1)), ':') - 1) ELSE '' END AS k,
                           count(*) AS n
                    FROM \(table.name) WHERE coalesce(\(c.column), '') <> '' GROUP BY k
                    """)
                for r in rows { out[r["k"], default: 0] += r["n"] }
            }
        }
        return out
    }
}
