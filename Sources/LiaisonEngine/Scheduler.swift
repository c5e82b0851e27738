import Foundation
import LiaisonCore
import Logging

/// The durable deadline scheduler: the deadlines live in the store; this
/// thread sleeps until the earliest one (or until woken by a new one or a
/// clock change), fires what is due, and sleeps again. Deadlines that passed
/// while the daemon was down fire at start. A wall-clock jump is noticed
/// within `maxSleep`.
public final class DeadlineScheduler: @unchecked Sendable {
    let engine: Engine
    let condition = NSCondition()
    var woken = false
    var stopped = false
    let logger: Logger
    /// The longest it sleeps without looking at the clock again.
    public var maxSleep: TimeInterval = 30

    public init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        engine.schedulerBox.withLock { $0 = self }
    }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "liaison-scheduler"
        t.start()
    }

    public func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// After a failure, the pause before trying again (a deadline that cannot
    /// fire must not turn the scheduler into a busy loop).
    public var retryAfterFailure: TimeInterval = 5

    func run() {
        while true {
            var failed = false
            do {
                try engine.fireDueDeadlines()
            } catch {
                failed = true
                logger.error("the scheduler could not fire due deadlines: \(error); trying again in \(Int(retryAfterFailure)) s")
            }
            let next = try? engine.nextDeadline()
            // A virtual clock moves only when told; then it wakes us.
            var wait = maxSleep
            if let next, !(engine.clock is VirtualClock) { wait = min(maxSleep, max(0, next.due.timeIntervalSince(engine.clock.now()))) }
            if failed { wait = max(wait, retryAfterFailure) }
            condition.lock()
            if !woken && !stopped { _ = condition.wait(until: Date().addingTimeInterval(wait)) }
            woken = false
            let done = stopped
            condition.unlock()
            if done { return }
        }
    }
}
