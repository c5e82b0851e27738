import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// A plugin in a crash loop (issue 12, item 13): after 5 unexpected host
/// exits in 10 minutes its channel is `failed`, in `plugin list`, the
/// systemd STATUS line and the log; its messages go to the guardian's next
/// channel instead of waiting; the host is tried again with back-off, and a
/// fixed plugin (reloaded, or found at the next try) runs the channel again.
@Suite(.serialized) struct CrashLoopTests {
    static func messages(_ d: Daemon, caseID: String) throws -> [Message] {
        try d.json([Message].self, "message", "list", "--case", caseID, "--limit", "100")
    }

    /// The datagrams liaisond sends to NOTIFY_SOCKET, collected on a thread.
    final class NotifyListener: @unchecked Sendable {
        let path: String
        private let fd: Int32
        private let lock = NSLock()
        private var seen: [String] = []
        private var closed = false

        init(path: String) {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            Thread { [self] in
                var buf = [UInt8](repeating: 0, count: 8192)
                while true {
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&p, 1, 100)
                    lock.lock(); let stop = closed; lock.unlock()
                    if stop { return }
                    guard ready > 0 else { continue }
                    let n = recv(fd, &buf, buf.count, 0)
                    if n > 0 { lock.lock(); seen.append(String(decoding: buf[0..<n], as: UTF8.self)); lock.unlock() }
                }
            }.start()
        }

        /// The STATUS= lines received so far.
        var statuses: [String] {
            lock.lock(); defer { lock.unlock() }
            return seen.flatMap { $0.split(separator: "\n") }.filter { $0.hasPrefix("STATUS=") }.map(String.init)
        }

        deinit {
            lock.lock(); closed = true; lock.unlock()
            usleep(200_000)
            close(fd)
            unlink(path)
        }
    }

    /// A daemon on a virtual clock whose WeChat channel is the test plugin
    /// built with `define` (it crashes); the outbox carries everything else.
    func daemonWithCrashingWeChat(_ define: String, _ settings: String) throws -> (d: Daemon, dir: String, plugin: String, sent: String) {
        let d = try Daemon(extra: "clock: virtual", channels: "")
        let dir = try d.pluginDirectory()
        let plugin = try TestPlugin.compile(into: dir, name: "libliaison-channel-wechat.so", defines: [define])
        let sent = d.dir.appendingPathComponent("wechat.out").path
        try d.configure(Daemon.outbox(d.outboxDirectory, extra: """
              wechat:
                plugin: \(plugin)
                serves: [wechat]
                config: {path: \(sent)}
            \(settings)
            """).replacingOccurrences(of: "serves: [sms, wechat, qq, letter, staff]", with: "serves: [sms, qq, letter, staff]"))
        return (d, dir, plugin, sent)
    }

    @Test func aCrashLoopFailsTheChannelItsMessagesFallBackAndAReloadRunsItAgain() throws {
        // A WeChat plugin that aborts in every send; the outbox carries the rest.
        let (d, dir, _, sent) = try daemonWithCrashingWeChat("ABORT_ON_SEND", "    retries: 50\n    backoff_seconds: 1")
        let notify = NotifyListener(path: d.dir.appendingPathComponent("notify.sock").path)
        try d.start(env: ["NOTIFY_SOCKET": notify.path])
        #expect(try d.pluginStatus("wechat").state == "running")

        // The demo roster's father prefers wechat, then sms.
        let father = try #require(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.first { $0.relation == "父亲" })
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let key = "notify:\(c.id):notify-parents:\(father.id)"
        // Each try on WeChat kills its host; the retry waits on the virtual
        // clock, which the test moves whenever the host is back.
        let failed = try Eventually.value("the wechat channel is failed after its host crashed 5 times") { () -> PluginStatus? in
            let s = try d.json(PluginStatus.self, "plugin", "status", "wechat")
            if s.state == "failed" { return s }
            let m = try Self.messages(d, caseID: c.id).first { $0.idempotencyKey == key }
            if s.state == "running", m?.state == .pending { _ = try d.ctl("clock", "advance", "1m") }
            return nil
        }
        #expect(failed.recentExits == 5 && failed.lastExit.contains("killed by signal 6"), "\(failed)")
        #expect(failed.reason.contains("crash loop") && failed.reason.contains("5 times") && failed.reason.contains("signal 6"), "\(failed.reason)")
        #expect(failed.reason.contains("next try in 1 min") && failed.retryAt != nil, "\(failed.reason)")
        let listed = try #require(try d.json([PluginStatus].self, "plugin", "list").first { $0.channel == "wechat" })
        #expect(listed.state == "failed" && listed.reason == failed.reason)
        #expect(try d.ctl("plugin", "list").out.contains("crash loop"))

        // The father's message, in flight when the fifth crash came, went on to SMS (the outbox plugin).
        let delivered = try Eventually.value("the father's notice is delivered by the outbox") {
            try Self.messages(d, caseID: c.id).first { $0.idempotencyKey == key && $0.state == .delivered }
        }
        #expect(delivered.channel == "outbox", "\(delivered)")
        let history = try d.json(MessageDetail.self, "message", "show", "\(delivered.id)").attempts
        #expect(history.map(\.channel) == ["wechat", "wechat", "wechat", "wechat", "wechat", "outbox"], "\(history.map { "\($0.channel) \($0.outcome)" })")
        #expect(history.dropLast().allSatisfy { $0.outcome == "unknown" } && history.last?.outcome == "ok")
        #expect(history.last?.address == father.phone)
        let file = "\(d.outboxDirectory)/\(key.replacingOccurrences(of: ":", with: "_")).txt"
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Topic: incident-notice"))

        // A new message for him does not wait for WeChat at all.
        let c2 = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010101", "--summary", "发烧")
        let key2 = "notify:\(c2.id):notify-parents:\(father.id)"
        let second = try Eventually.value("the father's second notice is delivered by the outbox") {
            try Self.messages(d, caseID: c2.id).first { $0.idempotencyKey == key2 && $0.state == .delivered }
        }
        #expect(try d.json(MessageDetail.self, "message", "show", "\(second.id)").attempts.map(\.channel) == ["outbox"])

        // STATUS says which channel failed; the log says so without personal data.
        _ = try Eventually.value("STATUS names the failed channel") { notify.statuses.first { $0.contains("wechat failed") } }
        #expect(notify.statuses.contains { $0.contains("wechat failed (its plugin host keeps crashing") }, "\(notify.statuses)")
        #expect(d.log.contains("channel wechat failed: crash loop"), "\(d.log)")
        for personal in [father.name, father.phone, "摔伤", "发烧"] { #expect(!d.log.contains(personal), "the log holds \(personal)") }

        // Ops install a fixed plugin and reload: running at once, and WeChat carries the father's messages again.
        try TestPlugin.compile(into: dir, name: "libliaison-channel-wechat.so")
        let reloaded = try d.json(PluginStatus.self, "plugin", "reload", "wechat")
        #expect(reloaded.state == "running" && reloaded.reason.isEmpty && reloaded.recentExits == 0 && reloaded.retryAt == nil, "\(reloaded)")
        #expect(try d.json([PluginStatus].self, "plugin", "list").first { $0.channel == "wechat" }?.state == "running")
        let c3 = try d.json(CaseRecord.self, "case", "open", "fraud-victim", "--student", "2023010101", "--summary", "电信诈骗")
        let third = try Eventually.value("a message goes by WeChat again") {
            try Self.messages(d, caseID: c3.id).first { $0.recipientID == father.id && $0.state == .sent }
        }
        #expect(third.channel == "wechat" && d.sentLines(sent).contains { $0[0] == third.idempotencyKey }, "\(third)")
        _ = try Eventually.value("STATUS shows the channel running again") { notify.statuses.last.flatMap { $0.contains("wechat running") ? $0 : nil } }
    }

    @Test func aFailedChannelIsTriedAgainWithBackOffAndRunsOnceItsPluginIsFixed() throws {
        // A plugin that aborts as soon as it is opened; tried again after 1 s, then 2 s, 4 s …
        let (d, dir, _, _) = try daemonWithCrashingWeChat("ABORT_ON_OPEN", "    failed_retry_seconds: 1")
        try d.start()
        let first = try Eventually.value("the wechat channel is failed") { () -> PluginStatus? in
            let s = try d.json(PluginStatus.self, "plugin", "status", "wechat")
            return s.state == "failed" ? s : nil
        }
        #expect(first.reason.contains("crash loop") && first.reason.contains("next try in 1 s"), "\(first.reason)")
        // Tried again: it crashes at once, and is failed again with twice the wait.
        let again = try Eventually.value("the failed channel is tried again and fails again") { () -> PluginStatus? in
            let s = try d.json(PluginStatus.self, "plugin", "status", "wechat")
            return s.state == "failed" && s.reason.contains("started again after a crash loop") ? s : nil
        }
        #expect(again.restarts >= 5 && again.reason.contains("next try in 2 s"), "\(again)")
        #expect(d.log.contains("starting its plugin host again after the crash loop"))

        // The fixed file is found at the next try, without ops doing anything more.
        try TestPlugin.compile(into: dir, name: "libliaison-channel-wechat.so")
        let running = try Eventually.value("the channel runs again") { () -> PluginStatus? in
            let s = try d.json(PluginStatus.self, "plugin", "status", "wechat")
            return s.state == "running" ? s : nil
        }
        #expect(running.reason.contains("tried again after a crash loop"), "on probation until it sends: \(running.reason)")
        // It sends the father's notice; that puts it fully back.
        let father = try #require(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.first { $0.relation == "父亲" })
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let m = try Eventually.value("the notice goes by WeChat") {
            try Self.messages(d, caseID: c.id).first { $0.recipientID == father.id && $0.state == .sent }
        }
        #expect(m.channel == "wechat")
        let back = try Eventually.value("the channel is off probation") { () -> PluginStatus? in
            let s = try d.json(PluginStatus.self, "plugin", "status", "wechat")
            return s.reason.isEmpty ? s : nil
        }
        #expect(back.state == "running" && back.retryAt == nil)
        #expect(d.log.contains("channel wechat: running again after its crash loop (it sent a message)"))
    }
}
