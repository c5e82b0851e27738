import Foundation
import LiaisonCore
import Logging

/// Runs the daily jobs on a thread of their own, so that a long first purge
/// never delays a deadline: the retention purge (`retention.daily_at`,
/// school time) and the counselors' obligation digests
/// (`obligations.digest_at`).
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
            do { try engine.sendDailyDigestsIfDue() } catch {
                logger.error("the obligation digests failed: \(error); trying again in \(Int(maxSleep)) s")
            }
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(wait)) }
            let done = stopped
            condition.unlock()
            if done { return }
        }
    }
}
