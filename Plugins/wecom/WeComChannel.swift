// wecom — the WeCom (企业微信) channel plugin (Plugins/wecom/README.md).
//
// Two modes, one per configured channel:
//   app:   an application's messages to WeCom users (POST /cgi-bin/message/send
//          with an access_token from /cgi-bin/gettoken); serves `wechat`, the
//          recipient being the guardian's WeCom userid.
//   robot: a group robot (POST /cgi-bin/webhook/send?key=…); serves `staff`
//          (escalations), mentioning the staff member's mobile in the group.
//
// `send` only queues the message; a few worker threads (`concurrency`) make
// the blocking HTTP calls and call `done` once each. `close` lets the workers
// finish what is queued.
import ChannelPluginKit
import CLiaisonChannel
import Foundation
import Glibc

final class WeComInstance: @unchecked Sendable {
    let config: WeComConfig
    let host: UnsafePointer<liaison_host_services>
    let http: HTTPClient
    private(set) var tokens: TokenCache!
    let robot: RobotWindow

    struct Job {
        var key: String
        var recipient: String
        var recipientName: String
        var subject: String
        var body: String
        var urgent: Bool
        var done: liaison_send_done
        var context: UnsafeMutableRawPointer?
    }
    private var workers: WorkQueue<Job>!

    init(config: WeComConfig, host: UnsafePointer<liaison_host_services>) {
        self.config = config
        self.host = host
        http = HTTPClient(baseURL: config.baseURL, timeout: config.timeout, connections: config.concurrency)
        robot = RobotWindow(limit: config.robotLimit, window: config.robotWindow)
        tokens = TokenCache(margin: config.tokenMargin) { [unowned self] in self.fetchToken() }
        workers = WorkQueue(threads: config.concurrency, name: "wecom sender") { [unowned self] _ in { self.work($0) } }
    }

    func log(_ level: liaison_log_level, _ text: String) {
        host.pointee.log(host.pointee.context, Int32(level.rawValue), text)
    }

    func enqueue(_ m: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let job = Job(key: text(m.idempotency_key), recipient: text(m.recipient), recipientName: text(m.recipient_name),
                      subject: text(m.subject), body: text(m.body), urgent: m.urgent != 0, done: done, context: context)
        workers.add(job)
    }

    func close() {
        workers.finish()
        http.invalidate()
    }

    private func work(_ job: Job) {
        let outcome = http.outage() ?? (config.mode == .app ? sendApp(job) : sendRobot(job))
        if outcome.status != Int32(LIAISON_OK.rawValue), let error = outcome.error {
            log(LIAISON_LOG_WARNING, "\(error) [\(job.key)]")
        }
        withOptionalCString(outcome.providerID) { pid in
            withOptionalCString(outcome.error) { err in job.done(job.context, outcome.status, pid, err) }
        }
    }

    // MARK: app mode

    private func fetchToken() -> Result<(String, TimeInterval), TokenCache.FetchFailure> {
        let reply = http.call("/cgi-bin/gettoken", query: [("corpid", config.corpID), ("corpsecret", config.corpSecret)], body: nil,
                              redacted: "/cgi-bin/gettoken")
        switch reply {
        case let .failed(outcome): return .failure(.init(outcome: outcome))
        case let .json(o):
            let code = reply.errcode ?? -1
            guard code == 0, let token = o["access_token"] as? String, !token.isEmpty else {
                return .failure(.init(outcome: ErrorCode.outcome(code == 0 ? -1 : code, o, what: "WeCom gettoken")))
            }
            let lifetime = TimeInterval((o["expires_in"] as? Int) ?? 7200)
            log(LIAISON_LOG_INFO, "wecom: fetched an access_token for agent \(config.agentID), valid \(Int(lifetime)) s")
            return .success((token, lifetime))
        }
    }

    /// The message/send body. Keys are sorted when encoded, so every attempt
    /// of one message is the same JSON: WeCom's duplicate check compares
    /// request bodies.
    func appBody(_ job: Job) -> Result<[String: Any], Outcome> {
        let bytes = job.body.utf8.count
        guard !job.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(.permanent("WeCom: the message text is empty (WeCom would answer 44004)"))
        }
        var body: [String: Any] = ["touser": job.recipient, "agentid": config.agentID]
        var type = config.msgtype
        if type == "textcard" {
            // A card holds a title of 128 bytes and a description of 512; a longer text goes as plain text.
            if job.subject.isEmpty || job.subject.utf8.count > 128 || bytes > 512 { type = "text" } else {
                var card: [String: Any] = ["title": job.subject, "description": job.body, "url": config.cardURL]
                if !config.buttonText.isEmpty { card["btntxt"] = config.buttonText }
                body["textcard"] = card
            }
        }
        if type == "text" || type == "markdown" {
            guard bytes <= 2048 else {
                return .failure(.permanent("WeCom: the text is \(bytes) bytes; WeCom's \(type) messages hold 2048 (it would answer 45002)"))
            }
            body[type] = ["content": job.body]
        }
        body["msgtype"] = type
        if config.duplicateCheck {
            body["enable_duplicate_check"] = 1
            body["duplicate_check_interval"] = config.duplicateCheckInterval
        }
        return .success(body)
    }

    func sendApp(_ job: Job) -> Outcome {
        let user = job.recipient
        // One recipient per message: never "a|b", never "@all" (the whole app).
        guard !user.isEmpty, !user.contains("|"), !user.hasPrefix("@"), !user.contains(where: \.isWhitespace) else {
            return .permanent("WeCom: \"\(user)\" is not one WeCom userid")
        }
        let payload: Data
        switch appBody(job) {
        case let .failure(o): return o
        case let .success(body):
            guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return .permanent("WeCom: the message cannot be encoded as JSON")
            }
            payload = data
        }
        var token: String
        switch tokens.get() {
        case let .failure(f): return f.outcome
        case let .success(t): token = t
        }
        var refreshed = false
        while true {
            let reply = http.call("/cgi-bin/message/send", query: [("access_token", token)], body: payload, redacted: "/cgi-bin/message/send")
            guard case let .json(o) = reply, let code = reply.errcode else {
                if case let .failed(outcome) = reply { return outcome }
                return .temporary("WeCom message/send: no errcode in the answer")
            }
            if case .refreshToken? = ErrorCode.classify(code), !refreshed {
                // Invalid or expired: fetch a new token (shared with concurrent sends) and try once more.
                refreshed = true
                log(LIAISON_LOG_INFO, "wecom: WeCom refused the access_token (\(ErrorCode.describe(o))); fetching a new one")
                switch tokens.get(replacing: token) {
                case let .failure(f): return f.outcome
                case let .success(t): token = t
                }
                continue
            }
            let lowered = user.lowercased()
            func listed(_ field: String) -> Bool {
                ((o[field] as? String) ?? "").lowercased().split(separator: "|").contains { $0 == lowered }
            }
            if code == 81013 || (code == 0 && listed("invaliduser")) {
                return .permanent("WeCom: user \(user) is not in the app's visible range or does not exist (invaliduser; \(ErrorCode.describe(o)))")
            }
            if code == 0 && listed("unlicenseduser") {
                return .permanent("WeCom: user \(user) has no WeCom API licence (unlicenseduser; \(ErrorCode.describe(o)))")
            }
            if code == 0 {
                let msgid = (o["msgid"] as? String) ?? (o["msgid"] as? Int).map { "\($0)" }
                return .ok(msgid)
            }
            return ErrorCode.outcome(code, o, what: "WeCom message/send")
        }
    }

    // MARK: robot mode

    /// A mobile number for mentioned_mobile_list: digits, without +86.
    static func mobile(_ address: String) -> String? {
        guard address.allSatisfy({ $0.isNumber || "+- ".contains($0) }) else { return nil }
        var digits = String(address.filter(\.isNumber))
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        return digits.count >= 5 ? digits : nil
    }

    func robotBody(_ job: Job) -> Result<[String: Any], Outcome> {
        guard !job.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(.permanent("WeCom robot: the message text is empty (WeCom would answer 44004)"))
        }
        let mobile = Self.mobile(job.recipient)
        if config.msgtype == "markdown" {
            let title = job.subject.isEmpty ? "" : (job.urgent ? "<font color=\"warning\">**\(job.subject)**</font>\n" : "**\(job.subject)**\n")
            let who = [job.recipientName, mobile ?? job.recipient].filter { !$0.isEmpty }.joined(separator: " ")
            let content = title + job.body + (who.isEmpty ? "" : "\n> 接收人：\(who)")
            guard content.utf8.count <= 4096 else {
                return .failure(.permanent("WeCom robot: the markdown is \(content.utf8.count) bytes; a robot's markdown holds 4096 (it would answer 45002)"))
            }
            return .success(["msgtype": "markdown", "markdown": ["content": content]])
        }
        // The subject goes first when it fits; the body must.
        let withSubject = "\(job.subject)\n\(job.body)"
        let content = job.subject.isEmpty || withSubject.utf8.count > 2048 ? job.body : withSubject
        guard content.utf8.count <= 2048 else {
            return .failure(.permanent("WeCom robot: the text is \(content.utf8.count) bytes; a robot's text holds 2048 (it would answer 45002)"))
        }
        var text: [String: Any] = ["content": content]
        if config.mention, let mobile { text["mentioned_mobile_list"] = [mobile] }
        return .success(["msgtype": "text", "text": text])
    }

    func sendRobot(_ job: Job) -> Outcome {
        let payload: Data
        switch robotBody(job) {
        case let .failure(o): return o
        case let .success(body):
            guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return .permanent("WeCom robot: the message cannot be encoded as JSON")
            }
            payload = data
        }
        // The documented limit is 20 messages a minute per robot: past it the
        // message waits (the daemon retries it later) instead of earning a 45009.
        guard let slot = robot.take() else {
            return .temporary("WeCom robot: \(config.robotLimit) messages in the last \(Int(config.robotWindow)) s already (WeCom allows 20 a minute per robot); it waits its turn")
        }
        let reply = http.call("/cgi-bin/webhook/send", query: [("key", config.robotKey)], body: payload, redacted: "/cgi-bin/webhook/send")
        robot.finish(slot)
        switch reply {
        case let .failed(outcome): return outcome
        case let .json(o):
            let code = reply.errcode ?? -1
            return code == 0 ? .ok(nil) : ErrorCode.outcome(code, o, what: "WeCom robot webhook/send")
        }
    }
}

/// At most `limit` posts in any `window` seconds, counted from when WeCom
/// answered each one (so this side never counts a post earlier than WeCom did).
final class RobotWindow: @unchecked Sendable {
    final class Slot { var at: Date; init(_ at: Date) { self.at = at } }
    private let lock = NSLock()
    private var slots: [Slot] = []
    let limit: Int
    let window: TimeInterval

    init(limit: Int, window: TimeInterval) { self.limit = limit; self.window = window }

    func take() -> Slot? {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        slots.removeAll { now.timeIntervalSince($0.at) >= window }
        guard slots.count < limit else { return nil }
        let s = Slot(now.addingTimeInterval(3600)) // in flight: counts until answered
        slots.append(s)
        return s
    }

    func finish(_ s: Slot) {
        lock.lock(); s.at = Date(); lock.unlock()
    }
}

// MARK: the ABI

extension WeComInstance: SwiftChannel {
    convenience init(config: String, host: UnsafePointer<liaison_host_services>) throws {
        let parsed: (WeComConfig, warnings: [String])
        do { parsed = try WeComConfig.parse(config) } catch { throw ChannelError(error.reason) }
        let c = parsed.0
        self.init(config: c, host: host)
        for w in parsed.warnings { log(LIAISON_LOG_WARNING, w) }
        switch c.mode {
        case .app:
            log(LIAISON_LOG_INFO, "wecom: app mode, corp \(c.corpID), agent \(c.agentID), msgtype \(c.msgtype), \(c.baseURL)"
                + (c.duplicateCheck ? ", duplicate check over \(c.duplicateCheckInterval) s" : ", no duplicate check"))
        case .robot:
            log(LIAISON_LOG_INFO, "wecom: robot mode, msgtype \(c.msgtype), at most \(c.robotLimit) posts in \(Int(c.robotWindow)) s, \(c.baseURL)")
        }
    }

    func send(_ message: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) {
        enqueue(message, done: done, context: context)
    }
}

@_cdecl("liaison_channel_entry_v1")
public func liaisonChannelEntry() -> UnsafePointer<liaison_channel_descriptor> {
    // No receipts (message/send returns only a msgid); not idempotent: WeCom's
    // duplicate check is by content and time-bounded (README). 2048 bytes of
    // text: 682 Chinese characters of 3 bytes each.
    ChannelPluginKit.entry(WeComInstance.self, name: "wecom", version: "1.0.0", capabilities: 0, maxMessageLength: 682)
}
