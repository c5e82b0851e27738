import Foundation
import Glibc
import GRDB
import LiaisonCore

/// The SQLite store: WAL mode, `synchronous=FULL` on the writer, readers on
/// snapshots beside it, and group commit for concurrent writers.
public final class SQLiteStore: Store, @unchecked Sendable {
    let pool: DatabasePool
    let committer: GroupCommitter
    public let path: String
    /// Seals personal data under the data key (issue 14.4).
    public let sealer: Sealer

    /// Opens (creating if needed) and migrates the database at `path`;
    /// with a keyring, checks it against the keys the database was sealed
    /// with (`DataKeyRefusal`) and seals what an older database holds in
    /// plaintext before anyone reads it.
    public init(path: String, sealer: Sealer = .plaintext) throws {
        self.path = path
        self.sealer = sealer
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.label = "liaison"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB's pool sets synchronous=NORMAL on the writer after
            // prepareDatabase runs; an acknowledged case must survive power
            // loss, so set FULL afterwards and check it took.
            let level = try pool.writeWithoutTransaction { db -> Int in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            }
            guard level == 2 else {
                throw LiaisonError(.internal, "\(path): SQLite refused synchronous=FULL (got \(level))")
            }
            try Migrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw LiaisonError(.unavailable, "\(path): cannot open the database: \(error.message ?? "\(error)") (SQLite code \(error.resultCode.rawValue))")
        }
        committer = GroupCommitter(pool: pool)
        try openKeys()
    }

    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var result: T?
            try withoutActuallyEscaping({ (db: Database) throws in result = try body(SQLiteSession(db: db, sealer: self.sealer)) }) { work in
                try committer.submit(work)
            }
            return result!
        }
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try translate { try pool.read { db in try body(SQLiteSession(db: db, sealer: self.sealer)) } }
    }

    public func probeWriter() throws {
        try committer.submit { db in _ = try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }
    }

    public func backup(to destination: String) throws -> Int64 {
        guard destination.hasPrefix("/") else {
            throw LiaisonError.invalid("backup path \(destination) must be absolute (the daemon writes it, in its own working directory)")
        }
        let fm = FileManager.default
        guard !fm.fileExists(atPath: destination) else {
            throw LiaisonError.conflict("\(destination) already exists; name a new file (a backup never overwrites)")
        }
        let dir = (destination as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw LiaisonError.invalid("\(dir) is not a directory the daemon can see; create it first")
        }
        // Write beside the target and rename: a reader never sees half a backup.
        let partial = destination + ".partial"
        try? fm.removeItem(atPath: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try pool.backup(to: copy)
            try copy.close()
        } catch {
            try? fm.removeItem(atPath: partial)
            throw LiaisonError(.unavailable, "backup to \(destination) failed: \(error)")
        }
        guard rename(partial, destination) == 0 else {
            throw LiaisonError(.unavailable, "cannot move the backup into place at \(destination): \(String(cString: strerror(errno)))")
        }
        return (try? fm.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
    }

    public func sizeOnDisk() -> Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { sum, p in
            sum + ((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The synchronous level the writer runs with (2 = FULL); for tests.
    public func writerSynchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func close() throws {
        try pool.close()
    }
}

/// GRDB's errors become `LiaisonError`s a person can act on.
func translate<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DatabaseError {
        if error.resultCode == .SQLITE_FULL {
            throw LiaisonError(.unavailable, "the disk holding the database is full; nothing was saved. Free space and retry")
        }
        throw LiaisonError(.internal, "database error: \(error.message ?? "\(error)")")
    }
}
