import Foundation
import GRDB
import LiaisonCore

/// A data key that does not fit the database: liaisond refuses to start
/// (exit 78), never falling back to plaintext (issue 14.4).
public struct DataKeyRefusal: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension SQLiteStore {
    /// The ids of the keys a database file was sealed with, read without
    /// opening it for writing; empty for a new file or one never sealed.
    public static func sealedKeyIDs(path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        var config = Configuration()
        config.readonly = true
        let q = try DatabaseQueue(path: path, configuration: config)
        defer { try? q.close() }
        return try q.read { db in
            guard try db.tableExists("data_keys") else { return [] }
            return try String.fetchAll(db, sql: "SELECT id FROM data_keys WHERE retired_at IS NULL ORDER BY added_at, id")
        }
    }

    struct KeyRow { var id: String; var check: String; var retired: Bool; var lookups: Bool }

    func keyRows() throws -> [KeyRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, check_value, retired_at, lookups FROM data_keys ORDER BY added_at, id").map {
                KeyRow(id: $0["id"], check: $0["check_value"], retired: ($0["retired_at"] as Int64?) != nil, lookups: ($0["lookups"] as Int) == 1)
            }
        }
    }

    /// At open: the keyring must open every key the database still uses;
    /// keys new to it are recorded; a database never sealed is sealed now.
    func openKeys() throws {
        let rows = try keyRows()
        guard let keyring = sealer.keyring else {
            if let live = rows.first(where: { !$0.retired }) {
                throw DataKeyRefusal("\(path) is sealed under data key \(live.id); `data_key: none` cannot open it. Give liaisond its key (docs/DEPLOY.md, \"The data key\")")
            }
            // Plaintext: the lookup holds the addresses themselves.
            if try pool.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM guardian_lookup") ?? 0 }) == 0 { try relookupAll() }
            return
        }
        let held = Dictionary(uniqueKeysWithValues: keyring.keys.map { ($0.id, $0) })
        for row in rows {
            if let key = held[row.id] {
                guard (try? sealer.open(row.check, .keyCheck)) == Sealer.checkText,
                      Sealer.keyID(of: row.check).map(String.init) == key.id else {
                    throw DataKeyRefusal("data key \(row.id) is not the key \(path) was sealed with (its check value does not open). Restore the right key file; a wrong key never opens the data (docs/DEPLOY.md)")
                }
            } else if !row.retired {
                throw DataKeyRefusal("\(path) holds values sealed under data key \(row.id), which the key file does not hold (it holds \(keyring.keys.map(\.id).joined(separator: ", "))). Put key \(row.id) back into the key file; remove a key only after `liaisonctl key rotate` has retired it")
            }
        }
        try recordKeys()
        if rows.isEmpty {
            // A database from before sealing (or a new one): seal what it
            // holds, then rebuild the file so no plaintext page is left behind.
            let resealed = try resealAll()
            if resealed > 0 { try compact() }
        }
        if !(try keyRows().first { $0.id == keyring.current.id }?.lookups ?? false) { try relookupAll() }
    }

    /// The keys of the keyring the database has not seen get their check values.
    public func recordKeys() throws {
        guard let keyring = sealer.keyring else { return }
        let known = Set(try keyRows().map(\.id))
        let now = SQLiteSession.ms(Date())
        try committer.submit { db in
            for key in keyring.keys where !known.contains(key.id) {
                try db.execute(sql: "INSERT INTO data_keys (id, check_value, added_at) VALUES (?, ?, ?)",
                               arguments: [key.id, Sealer.seal(Sealer.checkText, .keyCheck, key), now])
            }
        }
    }

    /// Re-seals, batch by batch, every value not under the current key
    /// (plaintext included); the writer is let go between batches, so the
    /// daemon serves meanwhile. Afterwards the older keys are retired.
    /// Returns how many rows were re-sealed.
    @discardableResult
    public func resealAll(batch: Int = 500) throws -> Int {
        guard let current = sealer.keyring?.current else { return 0 }
        var total = 0
        for table in SealedTable.all {
            var after: [DatabaseValue]?
            repeat {
                var result: (rows: Int, last: [DatabaseValue]?) = (0, nil)
                try committer.submit { db in result = try SQLiteSession(db: db, sealer: self.sealer).resealBatch(table, after: after, limit: batch) }
                total += result.rows
                after = result.last
            } while after != nil
        }
        try relookupAll()
        // Every value now opens under the current key: the others are retired.
        try committer.submit { db in
            try db.execute(sql: "UPDATE data_keys SET retired_at = ? WHERE id <> ? AND retired_at IS NULL",
                           arguments: [SQLiteSession.ms(Date()), current.id])
        }
        return total
    }

    /// The guardians' keyed hashes recomputed under the current key.
    func relookupAll(batch: Int = 1000) throws {
        var after: String?
        repeat {
            var last: String?
            try committer.submit { db in last = try SQLiteSession(db: db, sealer: self.sealer).relookupBatch(after: after, limit: batch) }
            after = last
        } while after != nil
        if let current = sealer.keyring?.current {
            try committer.submit { db in
                try db.execute(sql: "UPDATE data_keys SET lookups = (id = ?)", arguments: [current.id])
            }
        }
    }

    /// Rewrites the file (VACUUM) and empties the write-ahead log, so that
    /// pages that held plaintext are gone from both.
    public func compact() throws {
        try translate {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
    }

    public func keyStatus() throws -> KeyStatus {
        let counts = try pool.read { try SQLiteSession(db: $0, sealer: sealer).sealedValueCounts() }
        let rows = try pool.read { db in try Row.fetchAll(db, sql: "SELECT id, added_at, retired_at FROM data_keys ORDER BY added_at, id") }
        let held = Set(sealer.keyring?.keys.map(\.id) ?? [])
        let current = sealer.keyring?.current.id
        return KeyStatus(sealing: sealer.isSealing, keys: rows.map { r in
            let id: String = r["id"]
            return KeyStatus.Key(id: id, addedAt: SQLiteSession.date(r["added_at"] as Int64), retiredAt: SQLiteSession.date(r["retired_at"] as Int64?),
                                 values: counts[id] ?? 0, current: id == current, inKeyFile: held.contains(id))
        }, plaintextValues: counts[""] ?? 0)
    }
}
