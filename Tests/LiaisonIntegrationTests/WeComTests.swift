import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// The wecom plugin (Plugins/wecom) in the real daemon and host, against
/// Tests/Fixtures/wecom_standin.py: a local server with WeCom's documented
/// endpoints, replies and error codes (the real API cannot be reached from
/// here), scripted per test and recording what it received.
@Suite(.serialized) struct WeComTests {
    static let father = "wx_2023010101_f"

    // MARK: app mode (message/send)

    @Test func aFathersWeChatNoticeReachesWeComAsDocumentedJSONAndIsSentWithItsMsgid() throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, extra: "duplicate_check_interval: 600"))
        try d.start()
        let status = try d.pluginStatus("wecom")
        #expect(status.state == "running" && status.pluginName == "wecom" && status.pluginVersion == "1.0.0", "\(status)")

        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折")
        let ms = try d.messages(["--case", c.id]) { ms in ms.filter { $0.routes.first?.address == Self.father && $0.state == .sent }.count == 2 }
        let toFather = ms.filter { $0.routes.first?.address == Self.father }
        #expect(toFather.count == 2 && toFather.allSatisfy { $0.state == .sent && $0.channel == "wecom" }, "\(toFather.map { "\($0.state) \($0.note)" })")
        let notice = try #require(toFather.first { $0.topic == "incident-notice" })

        let sends = try s.log().filter { $0.path == "/cgi-bin/message/send" }
        #expect(sends.count == 2 && sends.allSatisfy { $0.delivered }, "\(sends)")
        let entry = try #require(sends.first { ($0.json?["text"] as? [String: Any])?["content"] as? String == notice.body })
        let body = try #require(entry.json)
        // Exactly the documented fields, with the values the configuration and the message give.
        #expect(Set(body.keys) == ["touser", "msgtype", "agentid", "text", "enable_duplicate_check", "duplicate_check_interval"], "\(body.keys)")
        #expect(body["touser"] as? String == Self.father && body["msgtype"] as? String == "text")
        #expect(body["agentid"] as? Int == WeComStandIn.agentID && body["enable_duplicate_check"] as? Int == 1)
        #expect(body["duplicate_check_interval"] as? Int == 600)
        // The Chinese text arrives intact (UTF-8, not \u escapes), without the diagnosis.
        let family = try d.json(StudentDetail.self, "student", "show", "2023010101").guardians
        #expect(entry.body.contains("\(family[0].name)您好：您的孩子") && entry.body.contains("编号\(c.id)") && !entry.body.contains("骨折"), "\(entry.body)")
        // The message is sent with WeCom's msgid as its provider id.
        let msgid = try #require(entry.reply["msgid"] as? String)
        #expect(notice.providerID == msgid)
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(notice.id)").attempts
        #expect(attempts.count == 1 && attempts[0].outcome == "ok" && attempts[0].providerID == msgid && attempts[0].address == Self.father)
        // One access_token for both sends, fetched with the secret from its file.
        let tokens = try s.log().filter { $0.path == "/cgi-bin/gettoken" }
        #expect(tokens.count == 1 && tokens[0].reply["errcode"] as? Int == 0, "\(tokens)")
        #expect(d.log.contains("wecom: app mode") && !d.log.contains(WeComStandIn.corpSecret))
    }

    @Test func aTextcardCarriesTheSubjectAsItsTitleAndTheCardLink() throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, extra: "msgtype: textcard, card_url: \"https://liaison.example.edu.cn/notice\", card_button: 查看"))
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.filter { $0.routes.first?.address == Self.father && $0.state == .sent }.count == 2 }
        let notice = try #require(ms.first { $0.topic == "incident-notice" && $0.routes.first?.address == Self.father })
        let student = try d.json(StudentDetail.self, "student", "show", "2023010101").student
        let sends = try s.log().filter { $0.path == "/cgi-bin/message/send" && $0.delivered }
        let body = try #require(sends.compactMap(\.json).first { ($0["textcard"] as? [String: Any])?["description"] as? String == notice.body })
        #expect(body["msgtype"] as? String == "textcard" && body["text"] == nil)
        let card = try #require(body["textcard"] as? [String: Any])
        #expect(card["title"] as? String == "关于\(student.name)同学的紧急情况通知", "\(card)")
        #expect(card["url"] as? String == "https://liaison.example.edu.cn/notice" && card["btntxt"] as? String == "查看")
        #expect(notice.state == .sent && !notice.providerID.isEmpty)
    }

    @Test func anExpiredTokenIsFetchedAgainOnceAndEachSendRetriedOnce() throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s))
        try d.start()
        let first = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        _ = try d.messages(["--case", first.id]) { ms in ms.filter { $0.channel == "wecom" && $0.state == .sent }.count == 2 }
        #expect(try s.log().filter { $0.path == "/cgi-bin/gettoken" }.count == 1)

        // The token expires mid-run; slow answers keep several sends in flight with it.
        try s.control(["expire_token": true, "delay_ms": 150])
        let before = try s.log().count
        var cases: [String] = []
        for student in ["2023010102", "2023010103"] {
            cases.append(try d.json(CaseRecord.self, "case", "open", "accident", "--student", student, "--summary", "x").id)
        }
        var sent: [Message] = []
        for id in cases {
            sent += try d.messages(["--case", id]) { ms in ms.filter { $0.channel == "wecom" && $0.state == .sent }.count == 2 }
                .filter { $0.channel == "wecom" }
        }
        #expect(sent.count == 4 && sent.allSatisfy { $0.state == .sent }, "\(sent.map { "\($0.state) \($0.note)" })")
        let after = try s.log().dropFirst(before)
        // Exactly one new token for all of them (the sends waiting on it share the one fetch)…
        #expect(after.filter { $0.path == "/cgi-bin/gettoken" }.count == 1, "\(after.map(\.path))")
        let sends = after.filter { $0.path == "/cgi-bin/message/send" }
        let expired = sends.filter { $0.reply["errcode"] as? Int == 42001 }
        // (A case's two notices to a father go out together: at least two sends met the expired token at once.)
        #expect(expired.count >= 2 && expired.allSatisfy { !$0.delivered }, "\(expired.count) answers 42001")
        // …each message delivered once, after at most one retry, with the same JSON.
        for m in sent {
            let mine = sends.filter { ($0.json?["text"] as? [String: Any])?["content"] as? String == m.body }
            #expect(mine.filter(\.delivered).count == 1 && mine.count <= 2 && Set(mine.map(\.body)).count == 1, "\(mine)")
            #expect(m.providerID == mine.first { $0.delivered }?.reply["msgid"] as? String)
            let attempts = try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts
            #expect(attempts.map(\.outcome) == ["ok"], "the retry is the plugin's own: \(attempts)")
        }
    }

    @Test(arguments: ["-1", "45009", "45033", "HTTP 502"])
    func aBusyOrLimitedWeComIsTriedAgainLaterAndTheMessageSentOnce(_ answer: String) throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, settings: "backoff_seconds: 1\n    retries: 3"))
        try d.start()
        let reply: [String: Any] = answer.hasPrefix("HTTP") ? ["http": 502] : ["errcode": Int(answer)!]
        try s.control(["script": [reply.merging(["path": "/cgi-bin/message/send"]) { $1 }]])
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.filter { $0.channel == "wecom" && $0.state == .sent }.count == 2 }
            .filter { $0.routes.first?.address == Self.father }
        #expect(ms.count == 2 && ms.allSatisfy { $0.state == .sent && $0.channel == "wecom" }, "\(ms.map { "\($0.state) \($0.note)" })")
        let histories = try ms.map { try d.json(MessageDetail.self, "message", "show", "\($0.id)").attempts }
        let retried = histories.filter { $0.count == 2 }
        #expect(retried.count == 1 && histories.filter { $0.count == 1 }.count == 1, "\(histories)")
        let h = try #require(retried.first)
        #expect(h.map(\.outcome) == ["temporary", "ok"] && h.map(\.channel) == ["wecom", "wecom"])
        let expected = answer.hasPrefix("HTTP") ? "HTTP 502" : "errcode \(answer)"
        #expect(h[0].error.contains(expected) && (answer.hasPrefix("HTTP") || h[0].error.contains("try again later")), "\(h[0].error)")
        // Delivered exactly once each.
        let delivered = try s.log().filter { $0.path == "/cgi-bin/message/send" && $0.delivered }
        #expect(delivered.count == 2 && Set(delivered.compactMap { $0.json?["touser"] as? String }) == [Self.father])
    }

    @Test func anUnreachableWeComIsTemporaryThenTheNextChannelTakesOver() throws {
        // A port where WeCom was and is no more: connections are refused.
        let gone = try WeComStandIn()
        kill(gone.process.processIdentifier, SIGKILL)
        gone.process.waitUntilExit()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(gone, settings: "backoff_seconds: 1\n    retries: 2") + """

              outbox:
                plugin: outbox
                serves: [sms]
                config: {directory: \(d.outboxDirectory)}
            """)
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .sent } }
        let notice = try #require(ms.first { $0.routes.first?.address == Self.father && $0.topic == "incident-notice" })
        #expect(notice.state == .sent && notice.channel == "outbox", "\(notice)")
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(notice.id)").attempts
        #expect(attempts.map(\.outcome) == ["temporary", "temporary", "ok"] && attempts.map(\.channel) == ["wecom", "wecom", "outbox"], "\(attempts)")
        #expect(attempts.prefix(2).allSatisfy { $0.error.contains("/cgi-bin/gettoken: cannot connect (refused)") }, "\(attempts.map(\.error))")
        #expect(!d.log.contains(WeComStandIn.corpSecret), "the secret in the query string stays out of errors and logs")
    }

    @Test func aLostReplyIsSentAgainAndWeComsDuplicateCheckKeepsItToOneDelivery() throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, settings: "backoff_seconds: 1"))
        try d.start()
        // WeCom takes the first send, but the answer never comes back (a gateway timeout).
        try s.control(["script": [["path": "/cgi-bin/message/send", "lose_reply": true]]])
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.filter { $0.channel == "wecom" && $0.state == .sent }.count == 2 }
            .filter { $0.channel == "wecom" }
        #expect(ms.count == 2)
        let sends = try s.log().filter { $0.path == "/cgi-bin/message/send" }
        #expect(sends.count == 3, "\(sends.map(\.reply))")
        // The resend is byte for byte the first request: WeCom's duplicate check drops it.
        let first = try #require(sends.first)
        let again = sends.dropFirst().filter { $0.body == first.body }
        #expect(again.count == 1 && again[0].reply["duplicate"] as? Bool == true && !again[0].delivered && first.delivered)
        #expect(sends.filter(\.delivered).count == 2)
        let lost = try #require(ms.first { ($0.body == (first.json?["text"] as? [String: Any])?["content"] as? String) })
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(lost.id)").attempts
        #expect(attempts.map(\.outcome) == ["temporary", "ok"] && attempts[0].error.contains("HTTP 504"), "\(attempts)")
    }

    @Test(arguments: ["81013", "partial success"])
    func aRecipientOutsideTheAppIsPermanentAndTheMessageTakesTheNextChannel(_ how: String) throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s) + """

              outbox:
                plugin: outbox
                serves: [sms]
                config: {directory: \(d.outboxDirectory)}
            """)
        try d.start()
        if how == "81013" {
            try s.control(["invalid_users": [Self.father.uppercased()]])
        } else {
            let partial: [String: Any] = ["path": "/cgi-bin/message/send", "partial_invalid": true]
            try s.control(["script": [partial, partial]])
        }
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .sent } }
        let toFather = ms.filter { $0.routes.first?.address == Self.father }
        #expect(toFather.count == 2 && toFather.allSatisfy { $0.state == .sent && $0.channel == "outbox" }, "\(toFather.map { "\($0.channel) \($0.note)" })")
        for m in toFather {
            let attempts = try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts
            #expect(attempts.map(\.outcome) == ["permanent", "ok"] && attempts.map(\.channel) == ["wecom", "outbox"], "\(attempts)")
            #expect(attempts[0].error.contains("user \(Self.father) is not in the app's visible range") && attempts[0].error.contains("invaliduser"),
                    "\(attempts[0].error)")
            #expect(attempts[1].address.hasPrefix("+861"), "the father's phone number (E.164), by SMS")
        }
        #expect(try s.log().filter { $0.path == "/cgi-bin/message/send" && $0.delivered }.isEmpty)
    }

    @Test(arguments: [40008, 44004, 45002])
    func aMessageWeComRefusesIsPermanentWithItsCode(_ code: Int) throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s))
        try d.start()
        let refusal: [String: Any] = ["path": "/cgi-bin/message/send", "errcode": code]
        try s.control(["script": [refusal, refusal]])
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        // Nothing else serves the father: after WeCom, a phone-call task for the counselor.
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .failed } }
        let toFather = ms.filter { $0.routes.first?.address == Self.father }
        #expect(toFather.count == 2 && toFather.allSatisfy { $0.state == .failed && $0.note.contains("phone-call task") })
        for m in toFather {
            let attempts = try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts
            #expect(attempts.count == 1 && attempts[0].outcome == "permanent", "not retried: \(attempts)")
            #expect(attempts[0].error.contains("WeCom refused the message (errcode \(code)"), "\(attempts[0].error)")
        }
        // WeCom app messages give no receipts: the notice's call was asked for at
        // opening (one task for the step, with the numbers); the invitation's
        // failure makes its own.
        let tasks = try d.json([PersonTask].self, "task", "list", "--case", c.id)
        #expect(toFather.allSatisfy { m in tasks.contains { ($0.messageID == m.id || ($0.messageID == nil && $0.stepID == m.stepID)) && $0.kind == "phone-call" } },
                "\(tasks)")
        #expect(tasks.filter { $0.stepID == "notify-parents" }.count == 1, "\(tasks)")
    }

    @Test(arguments: ["corpsecret", "corpid"])
    func aWrongCredentialIsAConfigurationErrorNamingItsKey(_ key: String) throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, corpID: key == "corpid" ? "ww0000000000" : WeComStandIn.corpID,
                                       secret: key == "corpsecret" ? "not-the-secret" : WeComStandIn.corpSecret))
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .failed } }
        let notice = try #require(ms.first { $0.routes.first?.address == Self.father && $0.topic == "incident-notice" })
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(notice.id)").attempts
        let code = key == "corpid" ? 40013 : 40001
        #expect(attempts.map(\.outcome) == ["permanent"], "\(attempts)")
        #expect(attempts[0].error.contains("the channel's configuration is wrong: check \(key) (errcode \(code)"), "\(attempts[0].error)")
        let log = try s.log()
        #expect(log.contains { $0.path == "/cgi-bin/gettoken" && $0.reply["errcode"] as? Int == code })
        #expect(!log.contains { $0.path == "/cgi-bin/message/send" }, "no message is sent without a token")
    }

    @Test(arguments: ["no agentid", "an unknown key", "textcard without card_url", "robot key in app mode"])
    func anIncompleteConfigurationIsRefusedAtOpenNamingTheKey(_ flaw: String) throws {
        let d = try Daemon(channels: "")
        let (config, expected): (String, String) = switch flaw {
        case "no agentid": ("{corpid: ww1, corpsecret: s}", "app mode needs agentid")
        case "an unknown key": ("{corpid: ww1, corpsecret: s, agentid: 1, corpsecrt: s}", "unknown configuration key corpsecrt")
        case "textcard without card_url": ("{corpid: ww1, corpsecret: s, agentid: 1, msgtype: textcard}", "msgtype textcard needs card_url")
        default: ("{corpid: ww1, corpsecret: s, agentid: 1, key: k}", "key is a robot-mode key")
        }
        try d.configure("""
            channels:
              wecom:
                plugin: wecom
                serves: [wechat]
                config: \(config)
            """)
        try d.start()
        let status = try d.pluginStatus("wecom") { !$0.reason.isEmpty }
        #expect(status.state != "running" && status.reason.contains(expected), "\(status)")
    }

    // MARK: robot mode (webhook/send)

    @Test func aRobotPostsTwentyEscalationsInAWindowAndTheTwentyFirstWaitsItsTurn() throws {
        // WeCom allows 20 posts a minute per robot; the stand-in and the
        // plugin both count over 5 s here so that the test need not wait a minute.
        let s = try WeComStandIn(robotWindowSeconds: 5)
        let d = try Daemon(extra: "clock: virtual", channels: "")
        try d.configure(try d.wecomRobot(s, extra: "robot_window_seconds: 5", settings: "backoff_seconds: 1\n    retries: 5"))
        try d.start()
        let students = (1...21).map { String(format: "20230101%02d", $0) }
        var cases: [String] = []
        for id in students { cases.append(try d.json(CaseRecord.self, "case", "open", "accident", "--student", id, "--summary", "x").id) }
        // Two hours later every notify-parents step is overdue: 21 escalations to the supervisor at once.
        #expect(try d.ctl("clock", "advance", "2h").status == 0)
        func escalations(_ done: @escaping ([Message]) -> Bool) throws -> [Message] {
            try d.messages { ms in done(ms.filter { $0.topic == "escalation" }) }.filter { $0.topic == "escalation" }
        }
        var ms = try escalations { ms in ms.count == 21 && ms.filter { $0.state == .sent }.count == 20 && ms.contains { $0.note.contains("waits its turn") } }
        #expect(ms.count == 21 && ms.filter { $0.state == .sent }.count == 20, "\(ms.map { "\($0.state) \($0.note)" })")
        let waiting = try #require(ms.first { $0.state != .sent })
        #expect(waiting.state == .pending && waiting.note.contains("20 messages in the last 5 s already"), "\(waiting.note)")
        usleep(300_000)
        var posts = try s.log().filter { $0.path == "/cgi-bin/webhook/send" }
        #expect(posts.count == 20 && posts.allSatisfy(\.delivered), "never more than 20: \(posts.map(\.reply))")

        // The window passes; the daemon's retry (due after its backoff) gets the 21st through.
        let last = try #require(posts.map(\.at).max())
        let wait = last + 5.2 - Date().timeIntervalSince1970
        if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        #expect(try d.ctl("clock", "advance", "1m").status == 0)
        ms = try escalations { ms in ms.count == 21 && ms.allSatisfy { $0.state == .sent } }
        #expect(ms.count == 21 && ms.allSatisfy { $0.state == .sent }, "\(ms.map { "\($0.state) \($0.note)" })")
        posts = try s.log().filter { $0.path == "/cgi-bin/webhook/send" }
        #expect(posts.count == 21 && posts.allSatisfy { $0.delivered && $0.reply["errcode"] as? Int == 0 }, "no 45009: \(posts.map(\.reply))")
        #expect(posts.allSatisfy { $0.query["key"] as? String == WeComStandIn.robotKey })
        // One post per case, as the documented text body, mentioning the supervisor's mobile.
        let texts = posts.compactMap { $0.json?["text"] as? [String: Any] }
        #expect(texts.count == 21)
        for (m, id) in cases.map({ id in (ms.first { $0.caseID == id }, id) }) {
            let m = try #require(m)
            let post = try #require(posts.first { ($0.json?["text"] as? [String: Any])?["content"] as? String == "案件\(id)步骤逾期\n\(m.body)" },
                                    "\(id): \(texts.map { $0["content"] ?? "" })")
            // The staff member's number is stored in E.164; WeCom mentions a mainland mobile without +86.
            let phone = (try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts.last?.address).map(PhoneNumber.display)
            #expect(post.json?["msgtype"] as? String == "text")
            #expect(((post.json?["text"] as? [String: Any])?["mentioned_mobile_list"] as? [String]) == [try #require(phone)])
            #expect(m.body.contains(id) && m.body.contains("已逾期"))
        }
    }

    @Test func aRobotMarkdownPostCarriesTheSubjectAndNamesTheRecipient() throws {
        let s = try WeComStandIn()
        let d = try Daemon(extra: "clock: virtual", channels: "")
        try d.configure(try d.wecomRobot(s, extra: "msgtype: markdown"))
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折")
        #expect(try d.ctl("clock", "advance", "2h").status == 0)
        let ms = try d.messages(["--case", c.id]) { ms in ms.contains { $0.topic == "escalation" && $0.state == .sent } }
        let m = try #require(ms.first { $0.topic == "escalation" })
        let phone = PhoneNumber.display(try #require(try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts.last?.address))
        let post = try #require(try s.log().first { $0.path == "/cgi-bin/webhook/send" })
        let body = try #require(post.json)
        #expect(body["msgtype"] as? String == "markdown" && body["text"] == nil)
        let content = try #require((body["markdown"] as? [String: Any])?["content"] as? String)
        #expect(content == "<font color=\"warning\">**案件\(c.id)步骤逾期**</font>\n\(m.body)\n> 接收人：\(m.recipientName) \(phone)", "\(content)")
        #expect(!content.contains("骨折"))
    }

    @Test func aWrongRobotKeyIsAConfigurationErrorNamingTheKey() throws {
        let s = try WeComStandIn()
        let d = try Daemon(extra: "clock: virtual", channels: "")
        try d.configure(try d.wecomRobot(s, key: "00000000-0000-0000-0000-000000000000"))
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        #expect(try d.ctl("clock", "advance", "2h").status == 0)
        let ms = try d.messages(["--case", c.id]) { ms in ms.contains { $0.topic == "escalation" && $0.state == .failed } }
        let m = try #require(ms.first { $0.topic == "escalation" })
        let attempts = try d.json(MessageDetail.self, "message", "show", "\(m.id)").attempts
        #expect(attempts.map(\.outcome) == ["permanent"] && attempts[0].error.contains("check key (errcode 93000"), "\(attempts)")
        #expect(m.state == .failed && m.note.contains("phone-call task"))
    }
}

// MARK: the stand-in and the channel entries

/// Tests/Fixtures/wecom_standin.py on 127.0.0.1, an ephemeral port.
final class WeComStandIn: @unchecked Sendable {
    static let corpID = "ww5f1c2a3b4d6e7f80"
    /// Real secrets are 43 characters of base64: '+' and '/' must survive the query string.
    static let corpSecret = "Zq3+v8/KpL2mN7xR4tY6uW1sA9dF0gH5jE-cB_oIuT8"
    static let agentID = 1000002
    static let robotKey = "693a91f6-7782-4d8a-9a3c-2b1f0e4c5d6e"

    let process = Process()
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(robotWindowSeconds: Int = 60) throws {
        let script = TestPlugin.root.appendingPathComponent("Tests/Fixtures/wecom_standin.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, "--corpid", Self.corpID, "--corpsecret", Self.corpSecret, "--agentid", "\(Self.agentID)",
                             "--robot-key", Self.robotKey, "--robot-window-seconds", "\(robotWindowSeconds)"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "PORT", let p = Int(words[1]) else {
            process.terminate()
            throw LiaisonError(.internal, "the WeCom stand-in did not start: \(String(decoding: line, as: UTF8.self))")
        }
        port = p
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct Entry {
        var path: String
        var query: [String: Any]
        /// The request body as sent.
        var body: String
        var json: [String: Any]?
        var reply: [String: Any]
        var delivered: Bool
        var at: TimeInterval
    }

    func control(_ object: [String: Any]) throws {
        _ = try request("/_control", body: try JSONSerialization.data(withJSONObject: object))
    }

    func log() throws -> [Entry] {
        let data = try request("/_log", body: nil)
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw LiaisonError(.internal, "the WeCom stand-in's log is not a list")
        }
        return list.map { e in
            let body = e["body"] as? String ?? ""
            return Entry(path: e["path"] as? String ?? "", query: e["query"] as? [String: Any] ?? [:], body: body,
                         json: (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any],
                         reply: e["reply"] as? [String: Any] ?? [:], delivered: e["delivered"] as? Bool ?? false,
                         at: e["at"] as? Double ?? 0)
        }
    }

    private func request(_ path: String, body: Data?) throws -> Data {
        var r = URLRequest(url: URL(string: baseURL + path)!)
        if let body { r.httpMethod = "POST"; r.httpBody = body }
        let box = ResultBox()
        URLSession.shared.dataTask(with: r) { d, _, e in box.set(d, e) }.resume()
        return try box.wait()
    }
}

private final class ResultBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data: Data?
    private var error: Error?
    func set(_ d: Data?, _ e: Error?) { data = d; error = e; done.signal() }
    func wait() throws -> Data {
        guard done.wait(timeout: .now() + Patience.seconds) == .success else { throw LiaisonError(.internal, "the WeCom stand-in did not answer") }
        if let error { throw error }
        return data ?? Data()
    }
}

extension Daemon {
    /// A wecom channel in app mode serving wechat, the secret in a file.
    /// `extra`: more plugin keys (flow style); `settings`: more channel keys.
    func wecomApp(_ s: WeComStandIn, corpID: String = WeComStandIn.corpID, secret: String = WeComStandIn.corpSecret,
                  extra: String = "", settings: String = "") throws -> String {
        let secretFile = dir.appendingPathComponent("wecom.secret").path
        try (secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        chmod(secretFile, 0o600)
        return """
            channels:
              wecom:
                plugin: wecom
                serves: [wechat]
                config: {mode: app, base_url: "\(s.baseURL)", corpid: \(corpID), corpsecret_file: \(secretFile), agentid: \(WeComStandIn.agentID)\(extra.isEmpty ? "" : ", " + extra)}
                quiet_hours: none
                \(settings)
            """
    }

    /// A wecom channel in robot mode serving staff, the key in a file.
    func wecomRobot(_ s: WeComStandIn, key: String = WeComStandIn.robotKey, extra: String = "", settings: String = "") throws -> String {
        let keyFile = dir.appendingPathComponent("wecom-robot.key").path
        try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        return """
            channels:
              robot:
                plugin: wecom
                serves: [staff]
                config: {mode: robot, base_url: "\(s.baseURL)", key_file: \(keyFile)\(extra.isEmpty ? "" : ", " + extra)}
                quiet_hours: none
                \(settings)
            """
    }
}

extension WeComTests {
    /// `channel test` through WeCom, and no address that WeCom would read as
    /// many people: a test message, like any message, goes to one user.
    /// The broadcast addresses are listed in test_recipients here so that the
    /// plugin's own refusal is what is tested (a list with one in it must not
    /// open a way to everyone); an unlisted user id never reaches the plugin.
    @Test func channelTestReachesWeComAndABroadcastAddressIsRefusedBeforeAnyCall() throws {
        let s = try WeComStandIn()
        let d = try Daemon(channels: "")
        try d.configure(try d.wecomApp(s, settings: #"test_recipients: [\#(Self.father), "@all", "wx_a|wx_b", "wx a"]"#))
        try d.start()
        let unlisted = try d.ctl("channel", "test", "wecom", "--to", "wx_2023010102_f", "--wait", "0")
        #expect(unlisted.status == 1 && unlisted.err.contains("not among channel wecom's test_recipients"), "\(unlisted.out)\(unlisted.err)")
        #expect(try s.log().filter { $0.path == "/cgi-bin/message/send" }.isEmpty)
        let o = try d.ctl("channel", "test", "wecom", "--to", Self.father, "--json")
        #expect(o.status == 0, "\(o.out)\(o.err)")
        let r = try Wire.decoder().decode(ChannelTestResult.self, from: Data(o.out.utf8))
        #expect(r.outcome == "ok" && !r.providerID.isEmpty && r.receipt.isEmpty, "\(r)")
        for bad in ["@all", "wx_a|wx_b", "wx a"] {
            let refused = try d.ctl("channel", "test", "wecom", "--to", bad, "--wait", "0")
            #expect(refused.status == 1 && refused.out.contains("permanent"), "\(bad): \(refused.out)\(refused.err)")
        }
        let sends = try s.log().filter { $0.path == "/cgi-bin/message/send" }
        #expect(sends.count == 1 && (sends[0].json?["touser"] as? String) == Self.father, "\(sends)")
        // The access token never reaches the daemon's log.
        let token = try s.log().first { $0.path == "/cgi-bin/gettoken" }?.reply["access_token"] as? String
        #expect(token != nil && !d.log.contains(token ?? "?"))
    }
}
