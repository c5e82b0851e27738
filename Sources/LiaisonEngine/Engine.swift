import Foundation
import LiaisonCore
import LiaisonStore
import Logging
import Synchronization

/// Does the work staff ask for: decides with the pure rules in Core, and
/// commits the resulting events and their projections in one transaction
/// before returning. Thread-safe; every method may be called concurrently
/// (concurrent writes are group-committed by the store).
public final class Engine: Sendable {
    public let store: any Store
    public let clock: any WallClock
    public let calendar: SchoolCalendar
    let logger: Logger
    let rulebooks = Mutex<[CaseKind: Rulebook]>([:])
    let schedulerBox = Mutex<DeadlineScheduler?>(nil)
    /// Rulebook versions known to be stored (pinning is then skipped).
    let pinnedVersions = Mutex<Set<String>>([])
    /// Pinned rulebooks decoded, by `kind#version` (immutable once pinned).
    let decodedRulebooks = Mutex<[String: Rulebook]>([:])
    var scheduler: DeadlineScheduler? { schedulerBox.withLock { $0 } }
    let templates = Mutex(TemplateLibrary())
    /// What parents' messages are signed with (`school:` in the config).
    let schoolName = Mutex(SchoolName())
    /// How often each tier's parents are owed a contact (issue 16.3).
    let contactIntervalsBox = Mutex(ContactIntervals())
    /// `obligations.digest_at`, and the school day whose digests went (issue 16.3).
    let digestAt = Mutex<DailyTime?>(nil)
    let digestDay = Mutex<String?>(nil)
    /// The channels the engine sends through (liaisond attaches the
    /// dispatcher); none: nothing carries messages, nothing can prove one.
    let channelPort = Mutex<(any ChannelPort)?>(nil)
    /// The retention policy and the one-purge-at-a-time lock (Engine+Retention).
    let retention = RetentionState()

    /// The channels to tell of every commit that may have queued messages.
    public func attach(channels: any ChannelPort) {
        channelPort.withLock { $0 = channels }
    }

    /// What the attached channels can prove; nothing without channels.
    var abilities: ChannelAbilities { channelPort.withLock { $0 }?.abilities ?? ChannelAbilities() }

    func committed() {
        scheduler?.wake()
        outboxChanged()
    }

    /// After the delivery port's own commits: the deadlines may have moved
    /// (a receipt completed a step), but the dispatcher that asked is not
    /// woken again by what it wrote itself: it reads the outbox next in the
    /// same turn, and a wake here made an idle daemon spin a core (one
    /// empty write a turn, every turn).
    func committedByDelivery() { scheduler?.wake() }

    func outboxChanged() {
        channelPort.withLock { $0 }?.outboxChanged()
    }

    /// The logger defaults to silence: a library should not write to stderr
    /// on its own; liaisond passes its journal logger.
    public init(store: any Store, clock: any WallClock = SystemClock(), calendar: SchoolCalendar = SchoolCalendar(),
                logger: Logger = Logger(label: "liaison.engine", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store
        self.clock = clock
        self.calendar = calendar
        self.logger = logger
    }

    /// Proves the store's writer is making progress; the watchdog pings
    /// systemd only after this returns.
    public func probe() throws { try store.probeWriter() }

    /// A copy of the whole database at `path`, recorded in the audit log as
    /// `server.backup` (the path and size) once it exists. If the row cannot
    /// be written the copy is removed: no copy exists unrecorded. The copy
    /// holds the log up to, not including, its own row.
    public func backup(to path: String, by actor: Staff) throws -> Int64 {
        let bytes = try store.backup(to: path)
        do {
            try audit(.serverBackup, by: actor, scope: .school, detail: "\(path) (\(bytes) bytes)")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return bytes
    }

    /// The staff record a Unix login name acts as, or nil. Root is always
    /// the administrator.
    public func staff(unixUser: String) throws -> Staff? {
        if unixUser == "root" { return Staff.administrator }
        return try store.read { try $0.staff(unixUser: unixUser) }
    }

    public func counts() throws -> StoreCounts {
        try store.read { try $0.counts() }
    }

    /// `system`, or `VIRTUAL — now …` in school time: said loudly wherever time is shown.
    public var clockDescription: String {
        clock is VirtualClock ? "VIRTUAL — now \(calendar.format(clock.now())) school time" : "system"
    }

    func requireStudent(_ id: String, _ tx: any StoreReader) throws -> Student {
        guard let s = try tx.student(id) else {
            throw LiaisonError.notFound("no student \(id); `liaisonctl student list` shows the students")
        }
        return s
    }
}
