import CSystemd

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
}
