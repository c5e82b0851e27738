import Foundation

/// A value that is a string from an open set: written as a literal, stored
/// and hashed as its raw value, read back whatever it holds.
public protocol OpenString: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible
    where RawValue == String {
    init(rawValue: String)
}

extension OpenString {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// What an audit row records someone doing (PIPL Art. 51, 56): reading a
/// case or a student's guardians and contacts, copying data out, changing
/// it. An open set of strings, not an enum: a database written by a newer
/// liaisond still reads, and verifying the chain never depends on knowing
/// every action. The raw values are stored and hashed; never rename one.
public struct AuditAction: OpenString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    // Reads of personal data.
    /// A case's content: summary, steps, timeline (`case.show`).
    public static let caseRead: AuditAction = "case.read"
    /// A student's file with guardians, addresses and numbers (`student.show`).
    public static let studentRead: AuditAction = "student.read"
    /// A student's contact records with their parents (`contact.list`).
    public static let contactRead: AuditAction = "contact.read"
    /// One message with its routes (a guardian's numbers and addresses) and
    /// what was sent (`message.show`).
    public static let messageRead: AuditAction = "message.read"
    /// The audit log itself, which says whose data was looked at (`audit.list`).
    public static let auditRead: AuditAction = "audit.read"
    /// A page of a list that shows personal data (students' numbers, case
    /// summaries, messages, parents' replies, tasks): which list and how many rows.
    public static let listRead: AuditAction = "list.read"

    // Copies that leave the daemon.
    public static let rosterExport: AuditAction = "roster.export"
    public static let serverBackup: AuditAction = "server.backup"
    /// Everything held about one student and their guardians (`student.export`, the data subject's copy).
    public static let studentExport: AuditAction = "student.export"
    /// A request refused as `forbidden`: the method in the detail, the refusal as the reason.
    public static let refused: AuditAction = "refused"

    // Changes made by staff (the event log holds what changed; the audit
    // row names the events, see docs/AUDIT.md).
    public static let rosterImport: AuditAction = "roster.import"
    public static let rulesApply: AuditAction = "rules.apply"
    /// Personal data re-sealed under a new data key (`key rotate`): the keys, never the data.
    public static let keyRotate: AuditAction = "key.rotate"
    public static let caseOpen: AuditAction = "case.open"
    public static let caseNote: AuditAction = "case.note"
    public static let caseStep: AuditAction = "case.step"
    public static let caseMeeting: AuditAction = "case.meeting"
    public static let caseClose: AuditAction = "case.close"
    public static let contactLog: AuditAction = "contact.log"
    /// A student's tier set with its reasons (issue 16.2).
    public static let tierSet: AuditAction = "student.tier"
}

/// Under what entitlement it was done: the student is the actor's own
/// (they counsel or teach the class), in the actor's college, anywhere in
/// the school, or outside the actor's scope on purpose with a stated
/// reason (`break-glass`). Open strings, like `AuditAction`.
public struct AuditScope: OpenString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let own: AuditScope = "own"
    public static let college: AuditScope = "college"
    public static let school: AuditScope = "school"
    public static let breakGlass: AuditScope = "break-glass"
}

/// What a caller asks to have recorded; the store seals it into the chain
/// (`AuditChain.seal`) inside its write transaction.
public struct AuditDraft: Sendable, Equatable {
    public var at: Date
    /// A staff id, or `root`.
    public var actor: String
    public var action: AuditAction
    public var studentID: String?
    public var caseID: String?
    public var scope: AuditScope
    /// Why, in the actor's words: required for break-glass; empty otherwise.
    public var reason: String
    /// What else identifies the act, never personal data: event seqs, counts,
    /// a backup's path, a plan id, a list's filter.
    public var detail: String

    public init(at: Date, actor: String, action: AuditAction, studentID: String? = nil, caseID: String? = nil,
                scope: AuditScope, reason: String = "", detail: String = "") {
        self.at = at; self.actor = actor; self.action = action; self.studentID = studentID; self.caseID = caseID
        self.scope = scope; self.reason = reason; self.detail = detail
    }
}

/// One row of the append-only, hash-chained audit log: who, when, what,
/// about whom, under which scope and why, and the chain: the previous
/// row's hash and this row's (`AuditChain.hash`).
public struct AuditEntry: Codable, Sendable, Equatable {
    /// 1, 2, 3…: no gaps, in the order the rows were committed.
    public var seq: Int64
    /// Millisecond precision, as stored and hashed.
    public var at: Date
    public var actor: String
    public var action: AuditAction
    public var studentID: String?
    public var caseID: String?
    public var scope: AuditScope
    public var reason: String
    public var detail: String
    /// The hash of row `seq - 1`; 64 zeros for row 1.
    public var prevHash: String
    /// SHA-256, lowercase hex, of this row's fields and `prevHash`.
    public var hash: String

    public init(seq: Int64, at: Date, actor: String, action: AuditAction, studentID: String? = nil, caseID: String? = nil,
                scope: AuditScope, reason: String = "", detail: String = "", prevHash: String, hash: String) {
        self.seq = seq; self.at = at; self.actor = actor; self.action = action; self.studentID = studentID; self.caseID = caseID
        self.scope = scope; self.reason = reason; self.detail = detail; self.prevHash = prevHash; self.hash = hash
    }

    /// `at` in milliseconds since the epoch: what the store keeps and the hash covers.
    public var atMillis: Int64 { AuditChain.millis(at) }
}

/// Where the chain first fails, and why (never the row's contents: the
/// reason may be logged).
public struct AuditBreak: Codable, Sendable, Equatable, Error {
    public var seq: Int64
    public var reason: String
    public init(seq: Int64, reason: String) { self.seq = seq; self.reason = reason }
}

/// `audit.verify`: the chain holds, or the first row where it does not.
public struct AuditVerification: Codable, Sendable, Equatable {
    public var ok: Bool
    /// Rows in the log.
    public var rows: Int
    /// The last row's seq and hash (the head): note them somewhere else
    /// to detect a cut later, which no chain can show by itself.
    public var lastSeq: Int64?
    public var head: String
    /// The first bad row, when the chain is broken.
    public var firstBad: Int64?
    public var reason: String?

    public init(rows: Int, lastSeq: Int64?, head: String, broken: AuditBreak?) {
        ok = broken == nil; self.rows = rows; self.lastSeq = lastSeq; self.head = head
        firstBad = broken?.seq; reason = broken?.reason
    }
}

/// One page of `audit.list`: rows by seq after `after`, how many match in
/// all, and the seq to continue after (nil on the last page).
public struct AuditPage: Codable, Sendable, Equatable {
    public var entries: [AuditEntry]
    public var total: Int
    public var next: Int64?
    public init(entries: [AuditEntry], total: Int, next: Int64?) { self.entries = entries; self.total = total; self.next = next }
}
