import CSystemd
import Foundation
import Glibc
import Logging

/// The journal's native fields for one log event: MESSAGE, PRIORITY, the
/// caller's CODE_FILE/CODE_LINE/CODE_FUNC, SYSLOG_IDENTIFIER, and every
/// metadata key as an upper-case field (`case_id` → `CASE_ID`,
/// `message_id` → `MESSAGE_ID`). Pure, so the iovec contents are testable.
public enum JournalFields {
    public static func make(level: Logger.Level, message: String, metadata: Logger.Metadata,
                            file: String, function: String, line: UInt, identifier: String) -> [String] {
        var fields = [
            "MESSAGE=\(message)",
            "PRIORITY=\(priority(level))",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
            "SYSLOG_IDENTIFIER=\(identifier)",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(key) else { continue }
            fields.append("\(name)=\(value)")
        }
        return fields
    }

    /// syslog priorities: swift-log has no "alert" or "emergency".
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name: A–Z, 0–9 and `_`, not starting with `_` (those
    /// are trusted fields journald sets itself), at most 64 characters.
    public static func fieldName(_ key: String) -> String? {
        let name = String(key.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.prefix(64))
        guard let first = name.first, first != "_", !first.isNumber else { return nil }
        return name
    }
}

/// Logs to journald with structured fields. If the journal cannot take the
/// message (no journald, as outside systemd), the line goes to stderr
/// instead, so nothing is silently lost.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let identifier: String

    public init(identifier: String) { self.identifier = identifier }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = JournalFields.make(level: event.level, message: "\(event.message)", metadata: merged,
                                        file: event.file, function: event.function, line: event.line, identifier: identifier)
        if Self.send(fields) < 0 {
            PlainLogHandler.write(level: event.level, message: "\(event.message)", metadata: merged)
        }
    }

    /// sd_journal_sendv over the fields; its return value (negative errno on failure).
    static func send(_ fields: [String]) -> Int32 {
        // One allocation holding every field, and iovecs pointing into it:
        // no pointer outlives the memory it points to.
        let bytes = fields.map { Array($0.utf8) }
        let total = bytes.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var iov: [iovec] = []
        iov.reserveCapacity(bytes.count)
        var offset = 0
        for b in bytes {
            b.withUnsafeBytes { storage.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: b.count) }
            iov.append(iovec(iov_base: storage.advanced(by: offset), iov_len: b.count))
            offset += b.count
        }
        return sd_journal_sendv(&iov, Int32(iov.count))
    }

    /// True when stderr is connected to the journal (systemd sets
    /// JOURNAL_STREAM to its device:inode).
    public static func stderrIsJournal() -> Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        var st = stat()
        guard parts.count == 2, fstat(2, &st) == 0 else { return false }
        return UInt64(parts[0]) == UInt64(st.st_dev) && UInt64(parts[1]) == UInt64(st.st_ino)
    }
}

/// Plain readable lines on stderr: `2026-11-29T04:30:00Z notice case opened [case_id=C2026-0001]`.
public struct PlainLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        Self.write(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 })
    }

    static func write(level: Logger.Level, message: String, metadata: Logger.Metadata) {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        var buf = [CChar](repeating: 0, count: 32)
        strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%SZ", &tm)
        let stamp = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let meta = metadata.filter { $0.key != "message_id" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let line = "\(stamp) \(level) \(message)" + (meta.isEmpty ? "" : " [\(meta.joined(separator: " "))]") + "\n"
        _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}
