import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonSystemd
import Logging

/// Every tick: prove the store's writer makes progress, then (only then)
/// ping the systemd watchdog and refresh STATUS. A stuck writer blocks the
/// probe, the pings stop, and systemd restarts the daemon.
final class Heartbeat: Sendable {
    let engine: Engine
    let interval: Double
    let watchdog: Bool
    let status: @Sendable () -> String
    let logger: Logger

    /// `watchdogInterval` is half of WatchdogSec when systemd watches us.
    init(engine: Engine, watchdogInterval: Double?, logger: Logger, status: @escaping @Sendable () -> String) {
        self.engine = engine
        self.watchdog = watchdogInterval != nil
        self.interval = min(watchdogInterval ?? 10, 10)
        self.logger = logger
        self.status = status
    }

    func start() {
        let t = Thread { [self] in run() }
        t.name = "liaison-heartbeat"
        t.start()
    }

    func run() {
        var stalled = false
        while true {
            Thread.sleep(forTimeInterval: interval)
            do {
                try engine.probe()
                if stalled {
                    logger.notice("the store's writer makes progress again; watchdog pings resume")
                    stalled = false
                }
                if watchdog { Notifier.watchdog() }
                Notifier.status(status())
            } catch {
                if !stalled {
                    logger.error("the store's writer is not making progress (\(error)); withholding watchdog pings",
                                 metadata: ["message_id": "\(MessageID.watchdogStalled)"])
                    stalled = true
                }
            }
        }
    }
}
