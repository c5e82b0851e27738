import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// Moves a virtual clock to `target`, firing every deadline due on the
    /// way at its own instant, in order, exactly as they would have fired.
    public func moveClock(to target: Date) throws -> Date {
        guard let clock = clock as? VirtualClock else {
            throw LiaisonError.conflict("liaisond runs on the system clock; clock advance and clock set need `clock: virtual` in its config (tests and rehearsals only)")
        }
        guard target >= clock.now() else {
            throw LiaisonError.invalid("the clock only moves forward (it is \(Event.timestamp(clock.now()))); deadlines already fired cannot be unfired")
        }
        // The daily retention purge runs once on the way, at the latest of
        // its times passed, as a daemon that was down catches up once.
        var purgeAt = try dueDailySlot(at: target)
        while let next = try nextDeadline(), next.due <= target {
            if let p = purgeAt, p < next.due { runDailyPurge(at: p, clock); purgeAt = nil }
            if next.due > clock.now() { clock.set(next.due) }
            try fireDueDeadlines()
        }
        if let p = purgeAt { runDailyPurge(at: p, clock) }
        clock.set(target)
        try store.write { try $0.setVirtualNow(target) }
        // The day's obligation digests, if the clock passed their time today.
        do { try sendDailyDigestsIfDue() } catch { logger.error("the obligation digests failed: \(error); they are tried again at the next move of the clock") }
        outboxChanged()  // messages waiting for this time (retries, quiet hours)
        return target
    }

    func runDailyPurge(at slot: Date, _ clock: VirtualClock) {
        if slot > clock.now() { clock.set(slot) }
        do { try runDailyPurgeIfDue() } catch { logger.error("the daily retention purge failed: \(error); it runs again at the next move of the clock") }
    }
}

extension VirtualClock {
    /// Where a resumed virtual clock's time came from, for the start-up log.
    public enum Origin: Sendable, Equatable {
        /// The time saved in the database by an earlier run.
        case saved
        /// `clock.start` in the config: the database had no virtual time yet.
        case configured
        /// The system time at the first start (no `start:` configured).
        case systemTime
    }

    /// The virtual clock of a daemon on `store`. Its time survives restarts
    /// (every move is saved), so a configured `start` applies only to a
    /// database whose virtual clock has never run; the time it starts at is
    /// saved at once, so a restart before the first `clock advance` resumes
    /// there too instead of jumping to the system time. A start before the
    /// newest event already in the log is refused: time would run backwards.
    public static func resume(_ store: any Store, start: Date?, calendar: SchoolCalendar) throws -> (VirtualClock, Origin) {
        if let saved = try store.read({ try $0.virtualNow() }) { return (VirtualClock(start: saved), .saved) }
        let clock = VirtualClock(start: start ?? Date())
        if start != nil, let newest = try store.read({ try $0.latestEventAt() }), newest > clock.now() {
            throw LiaisonError.invalid("clock.start \(calendar.format(clock.now())) is before the newest event in this database (\(calendar.format(newest))); a virtual clock cannot run backwards. Start the rehearsal on a new database, or give a start after that")
        }
        try store.write { try $0.setVirtualNow(clock.now()) }
        return (clock, start == nil ? .systemTime : .configured)
    }
}
