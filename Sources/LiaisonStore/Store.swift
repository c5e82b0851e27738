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
}

public struct CaseFilter: Sendable {
    public var state: CaseState?
    public var kind: CaseKind?
    /// Cases whose student this staff member counsels, or that they opened.
    public var involving: String?
    public var studentID: String?
    public var limit: Int

    public init(state: CaseState? = nil, kind: CaseKind? = nil, involving: String? = nil, studentID: String? = nil, limit: Int = 500) {
        self.state = state; self.kind = kind; self.involving = involving; self.studentID = studentID; self.limit = limit
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
    func students(className: String?, counselorID: String?) throws -> [Student]
    func guardian(_ id: String) throws -> Guardian?
    func guardians(ofStudent id: String) throws -> [Guardian]
    func staff(_ id: String) throws -> Staff?
    func staff(unixUser: String) throws -> Staff?
    func roster() throws -> Roster
    func caseRecord(_ id: String) throws -> CaseRecord?
    func cases(_ filter: CaseFilter) throws -> [CaseRecord]
    func events(caseID: String) throws -> [Event]
    func contacts(studentID: String) throws -> [ContactRecord]
    func counts() throws -> StoreCounts
    /// The earliest deadline not yet fired.
    func nextDeadline() throws -> Deadline?
    /// Unfired deadlines due at or before `date`, earliest first.
    func dueDeadlines(upTo date: Date, limit: Int) throws -> [Deadline]
    /// Unfired step deadlines (level 0) and fired ones whose step is not done, soonest first.
    func deadlineRows(filter: DeadlineFilter) throws -> [DeadlineRow]
    func pinnedRulebook(kind: CaseKind, version: Int) throws -> Rulebook?
    func outbox(caseID: String) throws -> [OutboxRow]
    /// Staff by role (and college), for escalation recipients.
    func staff(role: StaffRole, college: String?) throws -> [Staff]
    func virtualNow() throws -> Date?
}

public struct DeadlineFilter: Sendable {
    public var college: String?
    public var overdueOnly: Bool
    public var dueBefore: Date?
    public init(college: String? = nil, overdueOnly: Bool = false, dueBefore: Date? = nil) {
        self.college = college; self.overdueOnly = overdueOnly; self.dueBefore = dueBefore
    }
}

public struct OutboxRow: Codable, Sendable, Equatable {
    public var id: Int64
    public var caseID: String
    public var stepID: String
    public var recipientRole: String
    public var recipientID: String
    public var body: String
    public var idempotencyKey: String
    public var createdAt: Date
    public var state: String
}

public protocol StoreWriter: StoreReader {
    /// Appends to the event log; returns the event's sequence number.
    @discardableResult func append(_ event: Event) throws -> Int64
    /// The next value of a named counter, starting at 1.
    func nextSequence(_ name: String) throws -> Int
    func save(_ record: CaseRecord) throws
    func save(_ student: Student) throws
    func save(_ guardian: Guardian) throws
    func save(_ staff: Staff) throws
    func save(_ contact: ContactRecord) throws
    func pin(_ book: Rulebook) throws
    func schedule(_ d: Deadline) throws
    func cancelDeadlines(caseID: String, stepID: String) throws
    /// Marks a deadline fired; false if it already was (it fires once).
    func markFired(_ d: Deadline, at: Date) throws -> Bool
    /// Where a virtual clock stands, kept across restarts.
    func setVirtualNow(_ d: Date) throws
    func enqueue(caseID: String, stepID: String, role: String, recipient: String, body: String, key: String, at: Date) throws
}
