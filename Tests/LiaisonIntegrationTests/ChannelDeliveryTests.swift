import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// Delivery policy through the real daemon and hosts, on a virtual clock
/// where time matters: retries, fallback, the person task, quiet hours, rate
/// limits; then replies, a reload under load and a leaking plugin.
@Suite(.serialized) struct ChannelDeliveryTests {
    @Test func retriesThenTheNextChannelThenAPhoneCallTaskForTheCounselor() throws {
        let d = try Daemon(extra: "clock: virtual", channels: "")
        let dir = try d.pluginDirectory()
        let plugin = try TestPlugin.compile(into: dir, name: "libliaison-channel-test.so")
        let out = d.dir.appendingPathComponent("sms.out").path
        // The demo roster's father prefers wechat>phone>sms>letter, the mother phone>sms>qq>letter.
        try d.start()
        let family = try d.json(StudentDetail.self, "student", "show", "2023010101").guardians
        d.stop()
        let (fatherID, mother) = (family[0].id, family[1])
        #expect(family.map(\.relation) == ["父亲", "母亲"])
        // WeChat is down (temporary failures); SMS works, except that the
        // mother's number is refused for good; nothing serves qq or letters.
        try d.configure("""
            channels:
              wechat:
                plugin: \(plugin)
                serves: [wechat]
                config: {fail: temporary}
                retries: 3
                backoff_seconds: 60
              sms:
                plugin: \(plugin)
                serves: [sms]
                config: {path: \(out), fail: permanent, fail_to: "\(mother.phone)"}
            """)
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        func notices() throws -> [Message] {
            try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state != .sending } }
                .filter { $0.stepID == "notify-parents" }
        }
        // The father waits for his first retry; the clock does not move by itself.
        var father = try #require(try notices().first { $0.recipientID == fatherID })
        #expect(father.state == .pending && father.attempts == 1 && father.note.contains("attempt 1 on wechat failed"), "\(father)")
        usleep(300_000)
        #expect(try d.json(MessageDetail.self, "message", "show", "\(father.id)").attempts.count == 1)

        // The mother: no channel serves phone, qq or letters, SMS refuses her number: a task.
        let toMother = try #require(try notices().first { $0.recipientID == mother.id })
        #expect(toMother.state == .failed && toMother.note.contains("phone-call task"), "\(toMother)")
        #expect(toMother.note.contains("no channel serves qq") && toMother.note.contains("no channel serves letter"), "\(toMother.note)")
        let tasks = try d.json([PersonTask].self, "task", "list", "--case", c.id)
        let task = try #require(tasks.first { $0.messageID == toMother.id })
        #expect(task.assignee == c.counselorID && task.kind == "phone-call" && task.stepID == "notify-parents" && task.doneAt == nil)
        // The number as the counselor dials it (stored in E.164).
        #expect(task.text.contains(PhoneNumber.display(mother.phone)) && !task.text.contains("+86") && task.text.contains(mother.name), "\(task.text)")
        #expect(try d.ctl("task", "list").out.contains(PhoneNumber.display(mother.phone)))

        // Two retries later WeChat has had its three attempts; SMS takes over.
        #expect(try d.ctl("clock", "advance", "2m").status == 0)
        father = try #require(try d.messages(["--case", c.id]) { ms in ms.contains { $0.id == father.id && $0.attempts == 2 && $0.state == .pending } }
            .first { $0.id == father.id && $0.attempts == 2 })
        #expect(try d.ctl("clock", "advance", "3m").status == 0)
        father = try #require(try d.messages(["--case", c.id]) { ms in ms.contains { $0.id == father.id && $0.state == .sent } }.first { $0.id == father.id })
        #expect(father.state == .sent && father.channel == "sms", "\(father)")
        let history = try d.json(MessageDetail.self, "message", "show", "\(father.id)").attempts
        #expect(history.map(\.channel) == ["wechat", "wechat", "wechat", "sms"] && history.map(\.outcome) == ["temporary", "temporary", "temporary", "ok"],
                "\(history.map { "\($0.channel) \($0.outcome)" })")
        #expect(history[3].address == family[0].phone)
        #expect(d.sentLines(out).filter { $0[0] == father.idempotencyKey }.count == 1)

        // The counselor phones and records it: the step is done, and so is the task.
        _ = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", mother.id, "--outcome", "spoke", "--channel", "phone")
        let after = try d.json([PersonTask].self, "task", "list", "--case", c.id).filter { $0.stepID == "notify-parents" }
        #expect(!after.isEmpty && after.allSatisfy { $0.doneAt != nil })
        #expect(try d.json([PersonTask].self, "task", "list").allSatisfy { $0.stepID != "notify-parents" || $0.caseID != c.id })
    }

    /// Urgency is the case kind's (rulebook `urgent:`, issue 12): at 23:00 an
    /// accident's messages go at once, a study-aversion case's wait for 07:00.
    @Test func quietHoursHoldRoutineCasesMessagesAndARateLimitPacesAChannel() throws {
        let d = try Daemon(extra: "clock: virtual", channels: "")
        let plugin = try TestPlugin.compile(into: try d.pluginDirectory(), name: "libliaison-channel-test.so")
        let out = d.dir.appendingPathComponent("sent.out").path
        try d.configure("""
            channels:
              all:
                plugin: \(plugin)
                serves: [sms, wechat, qq, letter]
                config: {path: \(out)}
                rate_per_minute: 2
            """)
        try d.start()
        #expect(try d.ctl("clock", "set", Daemon.schoolTime(daysFromNow: 1, "23:00")).status == 0)

        // 23:00, a routine kind: every message to the parents waits for 07:00.
        // (2023010102 has one guardian on the demo roster, 2023010101 two.)
        let routine = try d.json(CaseRecord.self, "case", "open", "study-aversion", "--student", "2023010102", "--summary", "连续旷课两周")
        var ms = try d.messages(["--case", routine.id]) { ms in ms.count == 2 && ms.allSatisfy { $0.note.contains("quiet hours") } }
        #expect(ms.count == 2 && ms.allSatisfy { $0.state == .pending && !$0.urgent && $0.note.contains("22:00-07:00") && $0.note.contains("07:00") },
                "\(ms.map { "\($0.topic) \($0.state) \($0.note)" })")

        // An urgent kind goes at once, two messages a minute: the rest wait for a token.
        let urgent = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        ms = try d.messages(["--case", urgent.id]) { ms in
            ms.count == 4 && ms.filter { $0.state == .sent }.count == 2 && ms.filter { $0.note.contains("rate limit 2/min") }.count == 2
        }
        #expect(ms.allSatisfy(\.urgent) && ms.filter { $0.state == .sent }.count == 2, "\(ms.map { "\($0.topic) \($0.state) \($0.note)" })")
        let limited = ms.filter { $0.state != .sent }
        #expect(limited.count == 2 && limited.allSatisfy { $0.state == .pending && $0.note.contains("rate limit 2/min on all") }, "\(limited)")
        #expect(d.sentLines(out).count == 2)
        #expect(try d.ctl("clock", "advance", "1m").status == 0)
        ms = try d.messages(["--case", urgent.id]) { ms in ms.filter { $0.recipientRole == "guardian" }.allSatisfy { $0.state == .sent } }
        #expect(ms.filter { $0.recipientRole == "guardian" }.allSatisfy { $0.state == .sent })
        #expect(d.sentLines(out).count == 4)

        // At 07:00 the routine case's messages go.
        #expect(try d.ctl("clock", "set", Daemon.schoolTime(daysFromNow: 2, "07:00")).status == 0)
        ms = try d.messages(["--case", routine.id]) { ms in ms.filter { $0.recipientRole == "guardian" }.allSatisfy { $0.state == .sent } }
            .filter { $0.recipientRole == "guardian" }
        #expect(ms.count == 2 && ms.allSatisfy { $0.state == .sent }, "\(ms.map { "\($0.topic) \($0.state) \($0.note)" })")
        let cases = d.sentLines(out).map { $0[0].split(separator: ":")[1] }
        #expect(cases.prefix(4).allSatisfy { $0 == urgent.id } && cases.suffix(from: 4).allSatisfy { $0 == routine.id }, "\(cases)")
    }

    @Test func aParentsReplyFromTheirNumberIsAcknowledgement() throws {
        let d = try Daemon(channels: "")
        let plugin = try TestPlugin.compile(into: try d.pluginDirectory(), name: "libliaison-channel-test.so")
        try d.configure("""
            channels:
              sms:
                plugin: \(plugin)
                serves: [sms]
                config: {path: \(d.dir.path)/sms.out, reply: 收到，马上联系辅导员}
            """)
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let detail = try d.caseDetail(c.id) { $0.record.steps.first { $0.id == "notify-parents" }?.status == .done }
        // The SMS gave no receipt; the reply from +86 139… (the stored E.164 the SMS went to) is the parent's own.
        let step = try #require(detail.record.steps.first { $0.id == "notify-parents" })
        #expect(step.status == .done && step.evidence == .acknowledged, "\(step)")
        #expect(detail.events.contains { $0.type == .stepEvidence && $0.actor == "system" && ($0.payload["note"] ?? "").contains("收到，马上联系辅导员") })
        // Filed under one of the messages of the send it answers (the notice
        // and the invitation went together), as the guardian's.
        let notice = try #require(try d.messages(["--case", c.id]) { !$0.isEmpty }.first { $0.stepID == "notify-parents" })
        let replies = try d.json([InboundReply].self, "message", "replies", "--case", c.id).filter { $0.guardianID == notice.recipientID }
        #expect(!replies.isEmpty && replies.allSatisfy { $0.from.hasPrefix("+861") && $0.messageID != nil }, "\(replies)")
    }

    @Test func aReloadUnderAStreamOfSendsDeliversEveryMessageExactlyOnce() throws {
        let d = try Daemon(channels: "")
        let dir = try d.pluginDirectory()
        let plugin = try TestPlugin.compile(into: dir, name: "libliaison-channel-stream.so", defines: ["VERSION=\"1.0\""])
        let out = d.dir.appendingPathComponent("stream.out").path
        // Each send takes 50 ms on a thread of its own: sends are in flight when the switch comes.
        try d.configure("""
            channels:
              stream:
                plugin: \(plugin)
                serves: [sms, wechat, qq, letter, staff]
                config: {path: \(out), delay_ms: 50}
            """)
        try d.start()
        let students = ["2023010101", "2023010102", "2023010201"]
        let opened = Counter()
        let opener = Thread {
            for i in 0..<24 {
                if (try? d.ctl("case", "open", "accident", "--student", students[i % 3], "--summary", "x").status) == 0 { opened.add() }
            }
        }
        opener.start()
        #expect(eventually { opened.value >= 8 || opener.isFinished })
        try TestPlugin.compile(into: dir, name: "libliaison-channel-stream.so", defines: ["VERSION=\"2.0\""])
        let reloaded = try d.json(PluginStatus.self, "plugin", "reload", "stream")
        #expect(reloaded.state == "running" && reloaded.pluginVersion == "2.0" && reloaded.generation == 2, "\(reloaded)")
        #expect(eventually { opener.isFinished })
        #expect(opened.value == 24)

        let ms = try d.messages { ms in ms.count >= 24 * 2 && ms.allSatisfy { $0.state == .sent } }
        #expect(ms.allSatisfy { $0.state == .sent }, "\(ms.filter { $0.state != .sent }.map { "\($0.id) \($0.state) \($0.note)" })")
        let lines = d.sentLines(out)
        let keys = lines.map { $0[0] }
        #expect(keys.count == ms.count && Set(keys) == Set(ms.map(\.idempotencyKey)), "\(keys.count) lines for \(ms.count) messages")
        #expect(Set(lines.map { $0[2] }) == ["1.0", "2.0"], "both versions sent")
        let attempts = try ms.map { try d.json(MessageDetail.self, "message", "show", "\($0.id)").attempts.count }
        #expect(attempts.allSatisfy { $0 == 1 }, "no message needed a second attempt")
        #expect(d.log.contains("reloaded; plugin testplugin 2.0"))
    }

    @Test func aLeakingPluginsHostIsReplacedAndNothingIsLost() throws {
        let d = try Daemon(channels: "")
        let plugin = try TestPlugin.compile(into: try d.pluginDirectory(), name: "libliaison-channel-leaky.so")
        let out = d.dir.appendingPathComponent("leaky.out").path
        try d.configure("""
            channels:
              leaky:
                plugin: \(plugin)
                serves: [sms, wechat, qq, letter, staff]
                config: {path: \(out), leak_mb: 24}
                max_rss_mb: 64
            """)
        try d.start()
        let fresh = try d.pluginStatus("leaky")
        #expect(fresh.pid != 0, "\(fresh)")
        var cases: [String] = []
        for _ in 0..<3 { cases.append(try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x").id) }
        let ms = try d.messages { ms in ms.count == 12 && ms.allSatisfy { $0.state == .sent } }
        #expect(ms.count == 12 && ms.allSatisfy { $0.state == .sent })
        // (Until the replacement host runs: a recycle is counted when it starts.)
        let status = try d.pluginStatus("leaky") { $0.recycles > 0 && $0.state == "running" && $0.pid != 0 && $0.pid != fresh.pid }
        #expect(status.recycles >= 1 && status.restarts == 0 && status.generation >= 2 && status.pid != fresh.pid, "\(status)")
        #expect(d.log.contains("over max_rss_mb 64"))
        let keys = d.sentLines(out).map { $0[0] }
        #expect(keys.count == 12 && Set(keys).count == 12)
    }

    /// Once every message is delivered, the daemon rests: the dispatcher's
    /// own writes do not wake it again. (They did: each turn's empty write
    /// woke the next turn, and an idle liaisond spun a core for good.) CPU
    /// time, not wall time: a spinning daemon uses a large share of the
    /// interval even on a busy machine, a resting one almost none.
    @Test func anIdleDaemonRests() throws {
        let d = try Daemon(channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .delivered } }
        #expect(ms.count == 4 && ms.allSatisfy { $0.state == .delivered }, "\(ms.map { "\($0.state) \($0.note)" })")
        let pid = try #require(d.process?.processIdentifier)
        func cpu() throws -> Double {
            let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
            return (Double(fields[11])! + Double(fields[12])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        let (cpu0, t0) = (try cpu(), Date())
        var interval: TimeInterval = 0
        while interval < 3 { usleep(100_000); interval = Date().timeIntervalSince(t0) }
        let used = try cpu() - cpu0
        #expect(used < interval / 10, "liaisond used \(used) s of CPU in \(interval) s with nothing to do")
    }
}

/// A count shared with a thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
