import CSystemd
import Glibc

/// Tells the service manager how the daemon is doing (sd_notify). Outside
/// systemd, with no NOTIFY_SOCKET, every call is a cheap no-op.
public enum Notifier {
    /// Sends `state` (newline-separated assignments such as `READY=1`).
    /// Returns true when a manager received it.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    public static func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public static func stopping() { notify("STOPPING=1\nSTATUS=stopping") }
    public static func status(_ text: String) { notify("STATUS=\(text)") }
    public static func watchdog() { notify("WATCHDOG=1") }

    /// RELOADING=1 with the CLOCK_MONOTONIC time systemd 253+ wants, so a
    /// `systemctl reload` waits for the READY=1 that ends it.
    public static func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=reloading")
    }

    /// How often to send WATCHDOG=1: half of WatchdogSec, or nil when the
    /// manager does not watch this process.
    public static func watchdogInterval() -> Double? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Double(usec) / 2_000_000
    }
}
