import Foundation
import LiaisonCore
import Logging

/// Runs the daily retention purge (`retention.daily_at`, school time) on a
/// thread of its own, so that a long first purge never delays a deadline.
/// It looks at the clock at least every `maxSleep`; a purge missed while the
/// daemon was down runs at start, once. On a virtual clock time moves only
/// by `clock advance/set`, which runs the purge itself (`Engine.moveClock`):
/// this thread then has nothing to do.
public final class RetentionScheduler: @unchecked Sendable {
    let engine: Engine
    let logger: Logger
    let condition = NSCondition()
    var stopped = false
    public var maxSleep: TimeInterval = 30
    /// After a failure, the pause before trying again.
    public var retryAfterFailure: TimeInterval = 300

    public init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    public func start() {
        guard !(engine.clock is VirtualClock) else { return }
        let t = Thread { [self] in run() }
        t.name = "liaison-retention"
        t.start()
    }

    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    func run() {
        while true {
            var wait = maxSleep
            do {
                try engine.runDailyPurgeIfDue()
            } catch {
                wait = retryAfterFailure
                logger.error("the daily retention purge failed: \(error); trying again in \(Int(wait)) s")
            }
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(wait)) }
            let done = stopped
            condition.unlock()
            if done { return }
        }
    }
}
