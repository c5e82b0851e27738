import Foundation
import LiaisonCore

/// The one narrow door to persistence. The engine reads and writes through
/// it and never sees SQL; SQLite (GRDB) is the first implementation.
public protocol Store: Sendable {
    /// Runs `body` inside a write transaction and commits before returning.
    /// Concurrent writers may share one transaction (group commit), each in
    /// its own savepoint: a body that throws rolls back only its own work.
    func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
    /// Takes the write lock and lets it go: proves the writer is not stuck
    /// (the watchdog's probe). Blocks while another writer holds the lock.
    func probeWriter() throws
    /// A consistent copy of the whole database, made while writers go on;
    /// returns its size in bytes.
    func backup(to path: String) throws -> Int64
    /// Bytes on disk, the write-ahead log included.
    func sizeOnDisk() -> Int64
    /// Copies the write-ahead log into the database and truncates it: what
    /// a retention purge emptied leaves no old page image behind.
    func checkpoint() throws
}

public struct CaseFilter: Sendable {
    public var state: CaseState?
    public var kind: CaseKind?
    /// Cases whose student this staff member counsels, or that they opened.
    public var involving: String?
    public var studentID: String?
    /// Only the cases of students the caller answers for (issue 14).
    public var scope: Responsibility
    /// A page: the cases after this one in the list's order (newest first).
    public var after: String?
    public var limit: Int

    public init(state: CaseState? = nil, kind: CaseKind? = nil, involving: String? = nil, studentID: String? = nil,
                scope: Responsibility = .school, after: String? = nil, limit: Int = 500) {
        self.state = state; self.kind = kind; self.involving = involving; self.studentID = studentID
        self.scope = scope; self.after = after; self.limit = limit
    }
}

public struct StoreCounts: Sendable, Codable, Equatable {
    public var students: Int
    public var guardians: Int
    public var staff: Int
    public var openCases: Int
    /// Steps of open cases whose deadline passed undone.
    public var overdueSteps: Int
    public var events: Int
}

public protocol StoreReader {
    func student(_ id: String) throws -> Student?
    /// A page of students by id (keyset: those after `after`), and how many match in all.
    func students(className: String?, counselorID: String?, scope: Responsibility, after: String?, limit: Int) throws -> (students: [Student], total: Int)
    /// A page of staff by id, and how many match in all.
    func staffPage(role: StaffRole?, college: String?, after: String?, limit: Int) throws -> (staff: [Staff], total: Int)
    /// The classes that name this staff member as counselor or class teacher.
    func classes(staffID: String) throws -> [ClassRecord]
    /// A page of cases (newest first) and how many match in all.
    func casePage(_ filter: CaseFilter) throws -> (cases: [CaseRecord], total: Int)
    func guardians(ofStudent id: String) throws -> [Guardian]
    /// The other students of this student's guardians, by id.
    func siblings(of studentID: String) throws -> [Student]
    func schoolClass(_ name: String) throws -> ClassRecord?
    /// A student's records, oldest first.
    func records(studentID: String) throws -> [StudentRecord]
    func staff(_ id: String) throws -> Staff?
    func staff(unixUser: String) throws -> Staff?
    func roster() throws -> Roster
    func caseRecord(_ id: String) throws -> CaseRecord?
    func cases(_ filter: CaseFilter) throws -> [CaseRecord]
    /// Open cases of a kind pinned to another version than `version` (what
    /// a new rulebook may move: restart and reload read only these).
    func openCases(kind: CaseKind, otherThanVersion version: Int) throws -> [CaseRecord]
    func events(caseID: String) throws -> [Event]
    /// Every event of these types, by seq (a scan of the log: for rare
    /// questions such as a member of staff's assignment history).
    func events(types: [EventType]) throws -> [Event]
    func contacts(studentID: String) throws -> [ContactRecord]
    /// Logged contacts and delivered case notices to guardians, by student, in [from, to) (issue 16.3);
    /// `students` nil: every student's.
    func contactEvidence(students: [String]?, from: Date, to: Date) throws -> [String: [ContactEvidence]]
    /// The last message to each guardian: id, state, when it last changed.
    func lastGuardianMessages() throws -> [String: (id: Int64, state: MessageState, at: Date)]
    func counts() throws -> StoreCounts
    /// The earliest deadline not yet fired.
    func nextDeadline() throws -> Deadline?
    /// Unfired deadlines due at or before `date`, earliest first.
    func dueDeadlines(upTo date: Date, limit: Int) throws -> [Deadline]
    /// Unfired step deadlines (level 0) and fired ones whose step is not done, soonest first.
    func deadlineRows(filter: DeadlineFilter) throws -> [DeadlineRow]
    func pinnedRulebook(kind: CaseKind, version: Int) throws -> Rulebook?
    func messages(_ filter: MessageFilter) throws -> [Message]
    func message(_ id: Int64) throws -> Message?
    func message(key: String) throws -> Message?
    func message(providerID: String, channel: String) throws -> Message?
    /// The message a receipt names: by idempotency key, else by the provider's id on that channel.
    func messageHead(key: String, providerID: String, channel: String) throws -> MessageHead?
    func attempts(messageID: Int64) throws -> [MessageAttempt]
    func receipts(messageID: Int64) throws -> [MessageReceipt]
    func replies(messageID: Int64) throws -> [InboundReply]
    func tasks(caseID: String?, scope: Responsibility) throws -> [PersonTask]
    /// Pending messages due by `date`, soonest first.
    func dueMessages(upTo date: Date, limit: Int) throws -> [Message]
    /// The earliest time a pending message is due.
    func nextMessageDue() throws -> Date?
    /// Guardians with this phone number, WeChat or QQ id (a reply's sender).
    func guardians(address: String) throws -> [Guardian]
    /// The latest messages to a guardian that reached them or may have,
    /// newest first; a household's letter (recipient `G1+G2`) is each one's.
    func recentMessages(toGuardian id: String, limit: Int) throws -> [Message]
    func reply(_ id: Int64) throws -> InboundReply?
    /// Replies, newest first: all, or only those placed on no case.
    func replies(unmatchedOnly: Bool, caseID: String?, scope: Responsibility, limit: Int, offset: Int) throws -> [InboundReply]
    func messageCounts() throws -> [MessageState: Int]
    /// 1 + the attempts a message has had on any channel.
    func nextAttemptNumber(messageID: Int64) throws -> Int
    /// Staff by role (and college), for escalation recipients.
    func staff(role: StaffRole, college: String?) throws -> [Staff]
    func virtualNow() throws -> Date?
    /// When the newest event in the log happened; nil for an empty log.
    func latestEventAt() throws -> Date?
    /// A page of the audit log by seq (those after `filter.after`), and how many rows match in all.
    func auditEntries(_ filter: AuditFilter) throws -> (entries: [AuditEntry], total: Int)
    /// Walks the whole audit log through `AuditChain.Verifier`: intact, or the first bad row.
    func verifyAudit() throws -> AuditVerification
    // Retention (issue 14.6): SQLiteSession+Retention.swift.
    /// Every student's status changes and sanctions: their leaving is read from them.
    func standingRecords() throws -> [StudentRecord]
    /// What the store still holds about a student that a retention period
    /// can end (ids, states, dates, the events not cut yet): never content.
    func retentionHoldings(studentID: String) throws -> [HeldItem]
    func events(seqs: [Int64]) throws -> [Event]
    /// When the daily purge last ran (its scheduled instant).
    func lastDailyPurge() throws -> Date?
}

/// Which audit rows `audit.list` wants.
public struct AuditFilter: Sendable, Equatable {
    public var studentID: String?
    /// A staff id (or `root`).
    public var actor: String?
    /// Rows at or after this instant.
    public var since: Date?
    /// Rows after this seq (keyset paging).
    public var after: Int64?
    public var limit: Int

    public init(studentID: String? = nil, actor: String? = nil, since: Date? = nil, after: Int64? = nil, limit: Int = 100) {
        self.studentID = studentID; self.actor = actor; self.since = since; self.after = after; self.limit = limit
    }
}

public struct DeadlineFilter: Sendable {
    public var college: String?
    public var overdueOnly: Bool
    public var dueBefore: Date?
    public var scope: Responsibility
    public init(college: String? = nil, overdueOnly: Bool = false, dueBefore: Date? = nil, scope: Responsibility = .school) {
        self.college = college; self.overdueOnly = overdueOnly; self.dueBefore = dueBefore; self.scope = scope
    }
}

public struct MessageFilter: Sendable {
    public var caseID: String?
    public var state: MessageState?
    public var scope: Responsibility
    public var limit: Int
    public init(caseID: String? = nil, state: MessageState? = nil, scope: Responsibility = .school, limit: Int = 500) {
        self.caseID = caseID; self.state = state; self.scope = scope; self.limit = limit
    }
}

public protocol StoreWriter: StoreReader {
    /// Appends to the event log; returns the event's sequence number.
    @discardableResult func append(_ event: Event) throws -> Int64
    /// Replaces the payloads of logged events (the rest of each event stays
    /// as it was): for a retention purge, which cuts personal data out of
    /// the log. Nothing else may change the log.
    func rewritePayloads(_ payloads: [Int64: [String: String]]) throws
    /// Empties the personal columns of these items' rows (retention; their
    /// events go through `rewritePayloads`).
    func purgeRows(_ items: [HeldItem]) throws
    /// While on, space freed in this connection's writes is overwritten with zeros.
    func secureDelete(_ on: Bool) throws
    func setLastDailyPurge(_ d: Date) throws
    /// Seals `draft` as the audit log's next row (after the last row, in
    /// this transaction: the single writer makes reading the last hash and
    /// appending one step) and appends it. Rolled back with the caller's work.
    @discardableResult func appendAudit(_ draft: AuditDraft) throws -> AuditEntry
    /// The next value of a named counter, starting at 1.
    func nextSequence(_ name: String) throws -> Int
    func save(_ record: CaseRecord) throws
    func save(_ student: Student) throws
    func save(_ guardian: RosterGuardian) throws
    func save(_ household: HouseholdRecord) throws
    func save(_ schoolClass: ClassRecord) throws
    func save(_ record: StudentRecord) throws
    func save(_ staff: Staff) throws
    func save(_ contact: ContactRecord) throws
    func pin(_ book: Rulebook) throws
    func schedule(_ d: Deadline) throws
    func cancelDeadlines(caseID: String, stepID: String) throws
    /// Marks a deadline fired; false if it already was (it fires once).
    func markFired(_ d: Deadline, at: Date) throws -> Bool
    /// Where a virtual clock stands, kept across restarts.
    func setVirtualNow(_ d: Date) throws
    /// Adds a message unless one with its idempotency key exists; its id, or nil if it existed.
    @discardableResult func enqueue(_ m: Message) throws -> Int64?
    /// A plugin took the message: `sending` becomes `sent` with `note` (a
    /// receipt that came first is kept); the provider id is set.
    func markSent(_ id: Int64, providerID: String, note: String, at: Date) throws
    func markDelivered(_ id: Int64, note: String, at: Date) throws
    /// Saves what changes on a message (state, route, attempts, times,
    /// provider id, note, and the body unless `body` is false: a claim
    /// whose text is the one stored does not seal it again).
    func update(_ m: Message, body: Bool) throws
    func record(_ a: MessageAttempt) throws
    /// How an attempt ended (outcome, time, provider id, error); its
    /// channel, address and start stay as recorded.
    func finish(_ a: MessageAttempt) throws
    func record(_ r: MessageReceipt) throws
    @discardableResult func record(_ r: InboundReply) throws -> Int64
    @discardableResult func record(_ t: PersonTask) throws -> Int64
    /// The open tasks of a step (of every step when stepID is nil) are done:
    /// the step completed or the case closed.
    func closeTasks(caseID: String, stepID: String?, at: Date) throws
    /// The tasks about one reply (to read it, to place it) are done, in every case.
    func closeReplyTasks(replyID: Int64, at: Date) throws
    /// A reply placed on a case by a person (`message place`).
    func placeReply(_ id: Int64, caseID: String, stepID: String, messageID: Int64?) throws
    /// At start: sends that were in flight when the daemon stopped have an
    /// unknown outcome; they go back to pending (at least once). Returns how many.
    func requeueInFlight(at: Date) throws -> Int
    /// Pending messages that wait for a later time become due at `at`: those
    /// in `ids`, and with `lastChannel` every one whose last attempt was on
    /// that channel (a retry). The dispatcher does this when a channel runs
    /// again or fails. Returns how many.
    @discardableResult func makeDue(ids: [Int64], lastChannel: String?, at: Date) throws -> Int
}

extension StoreReader {
    /// Every task (of a case, or every open one): the engine's own view.
    public func tasks(caseID: String?) throws -> [PersonTask] { try tasks(caseID: caseID, scope: .school) }
}

extension StoreWriter {
    /// Saves what changes on a message, its body included.
    public func update(_ m: Message) throws { try update(m, body: true) }
}
