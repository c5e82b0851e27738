import Foundation
import LiaisonCore
import LiaisonStore
import Logging
import Synchronization

/// The engine's retention state: the configured policy, and the lock that
/// lets one purge run at a time (the daily one, or one asked for).
public final class RetentionState: Sendable {
    /// nil until liaisond configures it (`retention:` of liaison.yaml): an
    /// engine that is not configured plans and purges on the defaults and
    /// runs no daily purge.
    let policy = Mutex<RetentionPolicy?>(nil)
    let purging = Mutex<Void>(())
    init() {}
}

/// Retention (issue 14.6; PIPL Art. 19, 47; docs/RETENTION.md): each class
/// of personal data is kept a configured period after the student leaves,
/// then cut out of the tables and the event log's payloads. What stays is
/// the skeleton: the case, its kind, dates and steps; the contact, when,
/// how and about what; the message and what became of it. Every purge,
/// asked for or daily, leaves one audit row with counts.
extension Engine {
    /// The largest number of events one purge transaction rewrites: the
    /// single writer is held for one batch at a time, never a whole purge.
    public static let retentionBatchEvents = 200

    /// Installs the policy (at start and on SIGHUP). The daily purge's
    /// schedule starts now if it never ran: the first runs at the next
    /// `daily_at`, not at this start.
    public func configureRetention(_ policy: RetentionPolicy) throws {
        retention.policy.withLock { $0 = policy }
        guard policy.dailyAt != nil else { return }
        let now = clock.now()
        try store.write { tx in
            if try tx.lastDailyPurge() == nil { try tx.setLastDailyPurge(now) }
        }
    }

    public var retentionPolicy: RetentionPolicy { retention.policy.withLock { $0 } ?? RetentionPolicy() }

    /// Every item a period can end, with its verdict at `now`, and when each
    /// student who left did. Read on one snapshot.
    func evaluateRetention(now: Date) throws -> (evaluations: [RetentionEvaluation], departures: [String: Departure]) {
        let policy = retentionPolicy
        return try store.read { tx in
            var departures: [String: Departure] = [:]
            for (student, records) in Dictionary(grouping: try tx.standingRecords(), by: \.studentID) {
                departures[student] = RetentionRule.departure(records, policy: policy, calendar: calendar)
            }
            // Nothing of a student is due before their shortest period has
            // run from their leaving (an item's own date only comes later).
            let shortest = RetentionClass.allCases.map { policy.period($0) }
            let candidates = departures.filter { _, d in
                shortest.contains { ($0.end(after: d.at, calendar: calendar) ?? .distantFuture) <= now }
            }.keys.sorted()
            let holdings = try candidates.map { (student: $0, items: try tx.retentionHoldings(studentID: $0)) }
            return (RetentionRule.evaluate(holdings, departures: departures, policy: policy, now: now, calendar: calendar), departures)
        }
    }

    /// `retention plan`: what a purge now would remove, a page of students.
    public func retentionPlan(after: String?, limit: Int) throws -> RetentionPlan {
        let now = clock.now()
        let (evaluations, departures) = try evaluateRetention(now: now)
        return RetentionPlan.make(evaluations, departures: departures, policy: retentionPolicy, now: now, after: after, limit: limit)
    }

    /// `retention purge`: removes now what is due, by `actor`.
    public func purgeRetention(by actor: Staff) throws -> RetentionPurgeResult {
        try retention.purging.withLock { _ in try purge(actor: actor.id, trigger: "manual", now: clock.now(), daily: nil) }
    }

    /// The daily purge, if one is due: the latest `daily_at` at or before
    /// now is after the last one that ran. A daemon that was down (or a
    /// virtual clock moved past several) runs one purge, for the latest.
    @discardableResult
    public func runDailyPurgeIfDue() throws -> RetentionPurgeResult? {
        guard let slot = try dueDailySlot(at: clock.now()) else { return nil }
        return try retention.purging.withLock { _ in
            // Looked at again under the lock: another thread may have run it.
            guard try dueDailySlot(at: clock.now()) == slot else { return nil }
            return try purge(actor: "system", trigger: "daily", now: clock.now(), daily: slot)
        }
    }

    /// The scheduled instant of a daily purge due at `now` and not yet run.
    func dueDailySlot(at now: Date) throws -> Date? {
        guard let at = retention.policy.withLock({ $0 })?.dailyAt else { return nil }
        let slot = at.latest(atOrBefore: now, calendar: calendar)
        guard let last = try store.read({ try $0.lastDailyPurge() }), slot > last else { return nil }
        return slot
    }

    /// When the next daily purge is due (nil: none configured).
    public func nextDailyPurge() throws -> Date? {
        guard let at = retention.policy.withLock({ $0 })?.dailyAt,
              let last = try store.read({ try $0.lastDailyPurge() }) else { return nil }
        return at.next(after: last, calendar: calendar)
    }

    /// Cuts every due item, in batches of at most `retentionBatchEvents`
    /// events (one write transaction each: other writers get the writer
    /// between batches), then records one audit row with the counts (and,
    /// for the daily purge, that its `slot` ran) and truncates the WAL, so
    /// that no old page image keeps what was emptied. A batch re-reads its
    /// events inside its own transaction before cutting them. If a batch
    /// fails, what was cut before it is still recorded.
    func purge(actor: String, trigger: String, now: Date, daily slot: Date?) throws -> RetentionPurgeResult {
        let due = try evaluateRetention(now: now).evaluations.filter { $0.verdict.state == .due }
        let day = String(calendar.format(now).prefix(10))
        var done: [RetentionEvaluation] = []
        var batches = 0
        var failure: (any Error)?
        for batch in Self.batches(due) {
            do {
                try store.write { tx in
                    try tx.secureDelete(true)
                    defer { try? tx.secureDelete(false) }
                    var payloads: [Int64: [String: String]] = [:]
                    for e in try tx.events(seqs: batch.events) {
                        if let seq = e.seq, let cut = RetentionCut.cut(e.payload, type: e.type, day: day) { payloads[seq] = cut }
                    }
                    try tx.rewritePayloads(payloads)
                    try tx.purgeRows(batch.rows.map(\.item))
                }
                batches += 1
                done += batch.finished
            } catch {
                failure = error
                break
            }
        }
        var result = RetentionPurgeResult(at: now, trigger: trigger, totals: RetentionPlan.totals(done),
                                          students: Set(done.map(\.owner)).count, batches: batches, auditSeq: 0)
        let detail = result.auditDetail + (failure.map { _ in "; stopped by an error, the rest waits for the next purge" } ?? "")
        let entry = try store.write { tx in
            if failure == nil, let slot { try tx.setLastDailyPurge(slot) }
            return try tx.appendAudit(AuditDraft(at: now, actor: actor, action: .retentionPurge, scope: .school,
                                                 reason: "retention periods of liaison.yaml (PIPL Art. 19, 47)", detail: detail))
        }
        result.auditSeq = entry.seq
        do { try store.checkpoint() } catch { logger.warning("retention purge: the WAL could not be truncated (\(error)); it is at the next checkpoint") }
        logger.notice("retention purge (\(trigger)): \(result.auditDetail); audit row \(entry.seq)")
        if let failure { throw failure }
        return result
    }

    /// One write transaction's share of a purge: the events it cuts, the
    /// items whose rows it empties (each item's rows with its last events),
    /// and the items it finishes.
    struct RetentionBatch {
        var events: [Int64] = []
        var rows: [RetentionEvaluation] = []
        var finished: [RetentionEvaluation] { rows }
    }

    static func batches(_ due: [RetentionEvaluation]) -> [RetentionBatch] {
        let most = retentionBatchEvents
        var out: [RetentionBatch] = []
        var current = RetentionBatch()
        for e in due {
            var events = e.item.events[...]
            while !events.isEmpty {
                if current.events.count >= most { out.append(current); current = RetentionBatch() }
                let room = most - current.events.count
                current.events += events.prefix(room)
                events = events.dropFirst(room)
            }
            current.rows.append(e)
            if current.events.count >= most || current.rows.count >= most { out.append(current); current = RetentionBatch() }
        }
        if !current.events.isEmpty || !current.rows.isEmpty { out.append(current) }
        return out
    }
}
