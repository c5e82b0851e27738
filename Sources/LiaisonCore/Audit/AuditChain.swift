import Foundation

/// The audit log's hash chain, pure: how a row is sealed and how a run of
/// rows is checked. Each row's hash covers its own fields and the previous
/// row's hash, so changing, removing or reordering a row breaks the chain
/// at that row (or at the next, when the changed row's hash was recomputed
/// too). What a chain cannot show by itself is a cut at the end: the store
/// keeps a counter beside it, and `audit verify` prints the head to note.
///
/// The rule is part of the stored data: rows written today must verify in
/// every later version. Change it only with a new version tag, keeping the
/// old rule for the rows that carry the old tag.
public enum AuditChain {
    /// `prevHash` of row 1.
    public static let genesis = String(repeating: "0", count: 64)

    /// Milliseconds since the epoch, as stored and hashed.
    public static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }

    /// The bytes a row's hash covers: a version tag, then every field as
    /// `LENGTH:VALUE\n` (length in UTF-8 bytes, so no value can pose as two
    /// fields), an absent student or case as `-\n` (distinct from empty),
    /// and last the previous row's hash.
    public static func canonical(seq: Int64, atMillis: Int64, actor: String, action: String, studentID: String?, caseID: String?,
                                 scope: String, reason: String, detail: String, prevHash: String) -> [UInt8] {
        var out = Array("liaison-audit-1\n".utf8)
        func field(_ s: String) {
            out += Array("\(s.utf8.count):".utf8)
            out += Array(s.utf8)
            out.append(0x0A)
        }
        func optional(_ s: String?) {
            if let s { field(s) } else { out += Array("-\n".utf8) }
        }
        field(String(seq)); field(String(atMillis)); field(actor); field(action)
        optional(studentID); optional(caseID)
        field(scope); field(reason); field(detail); field(prevHash)
        return out
    }

    /// The hash a row must carry, from its fields and `prevHash`.
    public static func hash(of e: AuditEntry) -> String {
        SHA256.hex(canonical(seq: e.seq, atMillis: e.atMillis, actor: e.actor, action: e.action.rawValue, studentID: e.studentID,
                             caseID: e.caseID, scope: e.scope.rawValue, reason: e.reason, detail: e.detail, prevHash: e.prevHash))
    }

    /// The row `draft` becomes as row `seq` after a row whose hash is `prevHash`.
    public static func seal(_ draft: AuditDraft, seq: Int64, after prevHash: String) -> AuditEntry {
        var e = AuditEntry(seq: seq, at: Date(timeIntervalSince1970: Double(millis(draft.at)) / 1000), actor: draft.actor,
                           action: draft.action, studentID: draft.studentID, caseID: draft.caseID, scope: draft.scope,
                           reason: draft.reason, detail: draft.detail, prevHash: prevHash, hash: "")
        e.hash = hash(of: e)
        return e
    }

    /// The first row, in seq order, where `entries` (the whole log, from
    /// row 1) stop being a chain; nil when they are one.
    public static func verify<S: Sequence>(_ entries: S) -> AuditBreak? where S.Element == AuditEntry {
        var v = Verifier()
        for e in entries {
            if let broken = v.check(e) { return broken }
        }
        return nil
    }

    /// Checks rows one at a time, so a store can stream a long log through
    /// it without holding it in memory.
    public struct Verifier: Sendable {
        /// The last row that checked out.
        public private(set) var lastSeq: Int64 = 0
        public private(set) var head: String = AuditChain.genesis
        public private(set) var count = 0

        public init() {}

        /// nil if `e` continues the chain; otherwise the break, naming the
        /// first bad row. Feed rows in seq order, starting at the first.
        public mutating func check(_ e: AuditEntry) -> AuditBreak? {
            let expected = lastSeq + 1
            if e.seq < expected {
                return AuditBreak(seq: e.seq, reason: "row \(e.seq) is out of order: it comes after row \(lastSeq)")
            }
            if e.seq > expected {
                let missing = e.seq - 1 == expected ? "row \(expected) is missing" : "rows \(expected)–\(e.seq - 1) are missing"
                return AuditBreak(seq: expected, reason: "\(missing): row \(e.seq) follows " + (lastSeq == 0 ? "nothing" : "row \(lastSeq)"))
            }
            if e.hash != AuditChain.hash(of: e) {
                return AuditBreak(seq: e.seq, reason: "row \(e.seq) was changed: its fields do not match its hash")
            }
            if e.prevHash != head {
                let before = lastSeq == 0 ? "the start of the log" : "row \(lastSeq)'s hash"
                return AuditBreak(seq: e.seq, reason: "row \(e.seq) does not follow \(before): the previous hash it holds is another; "
                    + (lastSeq == 0 ? "the log's first rows were replaced" : "row \(lastSeq) was rewritten with a recomputed hash, or row \(e.seq)'s link was"))
            }
            lastSeq = e.seq
            head = e.hash
            count += 1
            return nil
        }

        /// After the last row: the store's counter says how many rows were
        /// ever written; fewer left means the end was cut off.
        public func finish(written: Int64) -> AuditBreak? {
            guard written > lastSeq else { return nil }
            let missing = written == lastSeq + 1 ? "row \(written) is missing" : "rows \(lastSeq + 1)–\(written) are missing"
            return AuditBreak(seq: lastSeq + 1, reason: "\(missing): \(written) rows were written, the log ends at row \(lastSeq)")
        }
    }
}
