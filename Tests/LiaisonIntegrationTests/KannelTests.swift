import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import LiaisonTestSupport
import Testing

/// The kannel channel against a real Kannel (bearerbox, smsbox, fakesmsc
/// from Debian's kannel and kannel-extras) on loopback, with the real
/// daemon and plugin host (POLICY P2.1.2, P2.2.3).
@Suite(.serialized, .enabled(if: KannelStack.installed, "Kannel is not installed: run Deploy/deps.sh"))
struct KannelTests {
    /// A gateway for this daemon and a `sms` channel through it; `config`
    /// adds or overrides keys of the channel's plugin configuration. The
    /// channel's `test_recipients` is the one number `channel test` sends to here.
    static func gateway(for d: Daemon, config: [String: String] = [:], channel: String = "") throws -> KannelStack {
        let secret = "cb-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let k = try KannelStack(dir: d.dir.appendingPathComponent("kannel").path, replySecret: secret)
        let port = k.callbackPort
        let keys = ["sendsms_url": k.sendsmsURL, "username": k.username, "password": k.password,
                    "callback_listen": "127.0.0.1:\(port)", "callback_secret": secret].merging(config) { $1 }
        try d.configure("""
            channels:
              sms:
                plugin: kannel
                serves: [sms]
                config: {\(keys.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", "))}
                test_recipients: ["13800138000"]
            \(channel)
            """)
        return k
    }

    @Test func chineseTextArrivesExactlyAndTheDeliveryReportCompletesTheStep() throws {
        let d = try Daemon(channels: "")
        let k = try Self.gateway(for: d)
        try k.start()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.filter { $0.stepID == "notify-parents" }.allSatisfy { $0.state == .delivered } }
        // Both parents by SMS (no channel serves WeChat here), notice and invitation each.
        #expect(ms.count == 4 && ms.allSatisfy { $0.channel == "sms" }, "\(ms.map { "\($0.channel) \($0.state) \($0.note)" })")
        let notices = ms.filter { $0.stepID == "notify-parents" }
        #expect(notices.count == 2 && notices.allSatisfy { $0.state == .delivered }, "\(notices.map { "\($0.state) \($0.note)" })")

        // What the phones got is exactly what was rendered, Chinese intact, once each.
        let got = poll({ k.received() }) { $0.count >= 4 }
        #expect(got.count == 4, "\(got)")
        for m in ms {
            let to = try #require(m.route?.address)
            #expect(got.filter { $0.to == to && $0.text == m.body }.count == 1, "\(m.body) to \(to) not among \(got)")
            #expect(m.body.contains(m.recipientName) && m.body.unicodeScalars.contains { $0.value > 0x4E00 })
        }

        // The delivery report is the step's evidence.
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        let step = try #require(detail.record.steps.first { $0.id == "notify-parents" })
        #expect(step.status == .done && step.evidence == .delivered, "\(step)")
        let shown = try d.json(MessageDetail.self, "message", "show", "\(notices[0].id)")
        // Kannel's DLR 1, with the SMSC's message id.
        #expect(shown.receipts.contains { $0.receipt == "delivered" && $0.detail.contains("Kannel DLR 1") && !$0.providerID.isEmpty }, "\(shown.receipts)")

        // A parent answers from their own number: recorded as theirs, as acknowledgement.
        let parent = try #require(ms.first { $0.stepID == "notify-parents" && $0.route?.address != nil })
        try k.reply(from: parent.route!.address, text: "收到，明天上午到校。")
        // (The notice is done already: the reply is filed under the invitation, whose step is open.)
        let replies = try poll({
            try ms.filter { $0.recipientID == parent.recipientID }.flatMap { try d.json(MessageDetail.self, "message", "show", "\($0.id)").replies }
        }) { !$0.isEmpty }
        #expect(replies.count == 1 && replies.first?.text == "收到，明天上午到校。" && replies.first?.guardianID == parent.recipientID, "\(replies)")
        let events = try d.json(CaseDetail.self, "case", "show", c.id).events
        #expect(events.contains { $0.type == .stepEvidence && ($0.payload["note"] ?? "").contains("收到，明天上午到校。") }, "\(events.map(\.payload))")
        k.stop()
    }

    @Test func withoutDeliveryReportsAParentsReplyCompletesTheNoticeAsAcknowledged() throws {
        let d = try Daemon(channels: "")
        let k = try Self.gateway(for: d, config: ["dlr_mask": "0"])
        try k.start()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010102", "--summary", "高烧")
        let ms = try d.messages(["--case", c.id]) { ms in !ms.isEmpty && ms.allSatisfy { $0.state == .sent } }
        let father = try #require(ms.first { $0.stepID == "notify-parents" && $0.recipientName.count > 0 })
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).record.steps.first { $0.id == "notify-parents" }?.status != .done)
        // Kannel hands the number over as the SMSC gives it: here without the
        // country code the SMS went out with (+86…, E.164); one number all the same.
        // (Its UTF-16 holds the bytes 0x20, 0x2B and 0x25, which URL encoding must carry exactly.)
        #expect(father.route!.address.hasPrefix("+861"))
        try k.reply(from: PhoneNumber.display(father.route!.address), text: "好的 A+B 100%，我马上给辅导员回电话")
        let step = try d.step(c.id, "notify-parents") { $0?.status == .done }
        #expect(step?.status == .done && step?.evidence == .acknowledged, "\(String(describing: step))")
        let notes = try d.json(CaseDetail.self, "case", "show", c.id).events.compactMap { $0.payload["note"] }
        #expect(notes.contains { $0.contains("好的 A+B 100%，我马上给辅导员回电话") }, "\(notes)")
        k.stop()
    }

    @Test func wrongCredentialsArePermanentAndSaySo() throws {
        let d = try Daemon(channels: "")
        let k = try Self.gateway(for: d, config: ["password": "not-the-password"])
        try k.start()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .failed } }
        #expect(ms.count == 4 && ms.allSatisfy { $0.state == .failed }, "\(ms.map { "\($0.state) \($0.note)" })")
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(ms[0].id)").attempts
        // One attempt: a refusal of the credentials is not retried.
        #expect(attempts.count == 1 && attempts[0].outcome == "permanent", "\(attempts)")
        #expect(attempts[0].error.contains("HTTP 403") && attempts[0].error.contains("\"username\"/\"password\""), "\(attempts[0].error)")
        // Nothing reached a phone; the counselor has phone calls to make instead.
        #expect(k.received().isEmpty)
        #expect(try d.json([PersonTask].self, "task", "list", "--case", c.id).count == 4)
        k.stop()
    }

    @Test func aGatewayDownForAWhileMeansRetriesThenDeliveryNothingLostNothingDoubled() throws {
        // A virtual clock: retries happen when the test moves time, not by chance.
        let d = try Daemon(extra: "clock: virtual", channels: "")
        let k = try Self.gateway(for: d, channel: "    retries: 10\n    backoff_seconds: 10")
        try d.start()
        // The gateway is down when the case opens, and stays down for two retries.
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "骑车摔伤")
        for tries in 1...3 {
            let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.attempts == tries && $0.state == .pending } }
            #expect(ms.count == 4 && ms.allSatisfy { $0.attempts == tries && $0.note.contains("smsbox: cannot reach 127.0.0.1") }, "\(ms.map { "\($0.attempts) \($0.note)" })")
            if tries < 3 { #expect(try d.ctl("clock", "advance", "2m").status == 0) }
        }
        // It comes back: at the next retry each message goes, once.
        try k.start()
        #expect(try d.ctl("clock", "advance", "2m").status == 0)
        // Each delivery report back means Kannel has handed that message to the phone.
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .delivered } }
        #expect(ms.count == 4 && ms.allSatisfy { $0.state == .delivered }, "\(ms.map { "\($0.state) \($0.note)" })")
        let got = poll({ k.received() }) { $0.count >= 4 }
        #expect(got.count == 4 && Set(ms.map(\.body)) == Set(got.map(\.text)), "\(got)")
        let history = try d.json(MessageDetail.self, "message", "show", "\(ms[0].id)").attempts
        #expect(history.map(\.outcome) == ["temporary", "temporary", "temporary", "ok"] && history[0].error.contains("Connection refused"),
                "\(history.map { "\($0.outcome) \($0.error)" })")
        k.stop()
    }

    @Test func channelTestSendsALongChineseTextAndReportsItsDeliveryReport() throws {
        let d = try Daemon(channels: "")
        let k = try Self.gateway(for: d)
        try k.start()
        try d.start()
        // 146 UTF-16 units (𠮷 is two): three concatenated parts at the phone, one text here.
        let text = String(repeating: "家校联系通道测试：短信网关工作正常。", count: 8) + "𠮷"
        #expect(text.utf16.count > 134)
        // A number not in test_recipients is refused before anything reaches Kannel.
        let refused = try d.ctl("channel", "test", "sms", "--to", "13900139000", "--text", text, "--wait", "0")
        #expect(refused.status == 1 && refused.err.contains("not among channel sms's test_recipients"), "\(refused.out)\(refused.err)")
        let o = try d.ctl("channel", "test", "sms", "--to", "13800138000", "--text", text, "--wait", "\(Int(Patience.seconds))", "--json")
        #expect(o.status == 0, "\(o.err)")
        let r = try Wire.decoder().decode(ChannelTestResult.self, from: Data(o.out.utf8))
        #expect(r.outcome == "ok" && r.receipt == "delivered" && r.receiptDetail.contains("DLR 1") && !r.providerID.isEmpty, "\(r)")
        let got = poll({ k.received() }) { !$0.isEmpty }
        // Only the listed number's message reached the phones.
        #expect(got == [FakeSMS(from: k.sender, to: "13800138000", text: text)], "\(got)")
        // Nothing of it is in the outbox: a test is not a message to a family.
        #expect(try d.messages { _ in true }.isEmpty)
        // The human form says what happened.
        // (The listed number written the international way is the same number.)
        let human = try d.ctl("channel", "test", "sms", "--to", "+86 138 0013 8000", "--wait", "\(Int(Patience.seconds))")
        #expect(human.status == 0 && human.out.contains("delivered after"), "\(human.out)\(human.err)")
        k.stop()

        // The gateway down: exit status 1 and the reason.
        let down = try d.ctl("channel", "test", "sms", "--to", "13800138000", "--wait", "0")
        #expect(down.status == 1 && down.out.contains("temporary") && down.out.contains("smsbox: cannot reach 127.0.0.1"), "\(down.out)\(down.err)")
        let unknown = try d.ctl("channel", "test", "fax", "--to", "1")
        #expect(unknown.status != 0 && unknown.err.contains("no channel fax is configured"), "\(unknown.err)")
    }

    @Test func forgedOrMalformedCallbacksAreRefusedAndTheListenerLivesOn() throws {
        let d = try Daemon(channels: "")
        let k = try Self.gateway(for: d, config: ["dlr_mask": "0"])
        try k.start()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .sent } }
        let notice = try #require(ms.first { $0.stepID == "notify-parents" })
        let key = notice.idempotencyKey.utf8.map { String(format: "%02x", $0) }.joined()
        let base = "http://127.0.0.1:\(k.callbackPort)"

        // A negative or huge Content-Length ends that connection, not the listener.
        for length in ["-1", "99999999999"] {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = k.callbackPort.bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(connected == 0)
            _ = "GET /dlr HTTP/1.1\r\nContent-Length: \(length)\r\n\r\n".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            var byte: UInt8 = 0
            #expect(recv(fd, &byte, 1, 0) == 0, "the connection is closed")
            close(fd)
        }
        // "Delivered" without the secret, or with a wrong one: refused.
        #expect(try httpGet("\(base)/dlr?k=\(key)&t=1").status == 403)
        #expect(try httpGet("\(base)/dlr?k=\(key)&t=1&s=guess").status == 403)
        #expect(try httpGet("\(base)/mo?from=\(notice.route!.address)&coding=0&text=ok").status == 403)
        // The listener still answers: with the secret, a report without a type is a bad request.
        #expect(try httpGet("\(base)/dlr?k=\(key)&s=\(k.replySecret!)").status == 400)
        // A genuine report for another message, sent last, marks the point by
        // which anything the forged ones had caused would have landed too.
        // (An invitation: its step needs a meeting, so a receipt leaves the steps as they were.)
        let other = try #require(ms.first { $0.stepID != "notify-parents" })
        let otherKey = other.idempotencyKey.utf8.map { String(format: "%02x", $0) }.joined()
        #expect(try httpGet("\(base)/dlr?k=\(otherKey)&t=1&s=\(k.replySecret!)").status == 200)
        let marked = try d.messages(["--case", c.id]) { ms in ms.contains { $0.id == other.id && $0.state == .delivered } }
        #expect(marked.contains { $0.id == other.id && $0.state == .delivered }, "\(marked.map { "\($0.id) \($0.state)" })")
        let shown = try d.json(MessageDetail.self, "message", "show", "\(notice.id)")
        #expect(shown.message.state == .sent && shown.receipts.isEmpty && shown.replies.isEmpty, "\(shown.message.state) \(shown.receipts)")
        let step = try d.json(CaseDetail.self, "case", "show", c.id).record.steps.first { $0.id == "notify-parents" }
        #expect(step?.status != .done)
        k.stop()

        // Listening off the loopback without a secret: the channel does not open, and says why.
        let open = try Daemon(channels: "")
        _ = try Self.gateway(for: open, config: ["callback_listen": "0.0.0.0:\(try freePorts(1)[0])", "callback_secret": ""])
        try open.start()
        let status = try open.pluginStatus("sms")
        #expect(status.state == "failed" && status.reason.contains("\"callback_secret\" is required"), "\(status)")
    }
}
