// The wecom plugin's configuration: the channel's `config:` mapping from
// liaison.yaml, as the JSON object `open` receives. Every key is in
// Plugins/wecom/README.md; an unknown key refuses the channel (a typo such
// as `corpsecrt` would otherwise fail only at the first send).
import Foundation
import Glibc

struct WeComConfig {
    enum Mode: String { case app, robot }

    var mode: Mode = .app
    /// Where the API lives: qyapi.weixin.qq.com, or a private deployment.
    var baseURL = "https://qyapi.weixin.qq.com"
    // app mode (message/send)
    var corpID = ""
    var corpSecret = ""
    var agentID = 0
    /// app: text, textcard or markdown; robot: text or markdown.
    var msgtype = "text"
    var cardURL = ""
    var buttonText = ""
    var duplicateCheck = true
    var duplicateCheckInterval = 14400
    // robot mode (webhook/send)
    var robotKey = ""
    var robotLimit = 20
    var robotWindow: TimeInterval = 60
    var mention = true
    // both
    var timeout: TimeInterval = 7  // 4 calls at most per send (README): 28 s, under the default 30 s send timeout
    var concurrency = 4
    /// Refresh the access_token this long before WeCom says it expires.
    var tokenMargin: TimeInterval = 300

    static let keys: Set<String> = [
        "mode", "base_url", "corpid", "corpsecret", "corpsecret_file", "agentid", "msgtype", "card_url", "card_button",
        "duplicate_check", "duplicate_check_interval", "key", "key_file", "robot_limit", "robot_window_seconds", "mention",
        "timeout_seconds", "concurrency", "token_margin_seconds",
    ]

    struct Refusal: Error { var reason: String }

    /// Parses and checks the configuration; a refusal names the key.
    static func parse(_ json: String) throws(Refusal) -> (WeComConfig, warnings: [String]) {
        func refuse(_ why: String) -> Refusal { Refusal(reason: "wecom: " + why) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw refuse("the configuration is not a JSON object")
        }
        let unknown = object.keys.filter { !keys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw refuse("unknown configuration key\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); the keys are \(keys.sorted().joined(separator: ", ")) (Plugins/wecom/README.md)")
        }
        var c = WeComConfig()
        var warnings: [String] = []

        func string(_ key: String) throws(Refusal) -> String? {
            guard let v = object[key] else { return nil }
            if let s = v as? String { return s.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let n = v as? NSNumber { return n.stringValue }
            throw refuse("\(key) must be a string")
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws(Refusal) -> Int? {
            guard let v = object[key] else { return nil }
            let n: Int?
            // (On Linux a JSON 1 also casts to Bool: try Int first.)
            if let i = v as? Int { n = i } else if let s = v as? String { n = Int(s) } else { n = nil }
            guard let n, range.contains(n) else { throw refuse("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
            return n
        }
        func bool(_ key: String) throws(Refusal) -> Bool? {
            guard let v = object[key] else { return nil }
            if let b = v as? Bool { return b }
            if let s = v as? String, ["true", "false"].contains(s) { return s == "true" }
            throw refuse("\(key) must be true or false")
        }
        /// A secret given inline or read from a file (ops keep secrets out of liaison.yaml).
        func secret(_ key: String) throws(Refusal) -> String {
            let inline = try string(key) ?? ""
            guard let path = try string(key + "_file"), !path.isEmpty else { return inline }
            guard inline.isEmpty else { throw refuse("give \(key) or \(key)_file, not both") }
            var st = stat()
            guard stat(path, &st) == 0 else { throw refuse("\(key)_file \(path): \(String(cString: strerror(errno)))") }
            if st.st_mode & 0o004 != 0 {
                warnings.append("wecom: \(key)_file \(path) is readable by every user; chmod o-r it")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw refuse("\(key)_file \(path) cannot be read as UTF-8 text")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw refuse("\(key)_file \(path) is empty") }
            return value
        }

        if let m = try string("mode") {
            guard let mode = Mode(rawValue: m) else { throw refuse("mode must be app (message/send, to WeCom users) or robot (a group robot's webhook/send), not \"\(m)\"") }
            c.mode = mode
        }
        if let u = try string("base_url") {
            var u = u
            while u.hasSuffix("/") { u.removeLast() }
            guard let url = URL(string: u), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil else {
                throw refuse("base_url must be an http(s) URL such as https://qyapi.weixin.qq.com (no query), not \"\(u)\"")
            }
            c.baseURL = u
        }
        if let t = try int("timeout_seconds", 1...120) { c.timeout = TimeInterval(t) }
        if let n = try int("concurrency", 1...32) { c.concurrency = n }
        if let m = try int("token_margin_seconds", 0...3600) { c.tokenMargin = TimeInterval(m) }

        switch c.mode {
        case .app:
            for k in ["key", "key_file", "robot_limit", "robot_window_seconds", "mention"] where object[k] != nil {
                throw refuse("\(k) is a robot-mode key; this channel has mode app")
            }
            c.corpID = try string("corpid") ?? ""
            guard !c.corpID.isEmpty else { throw refuse("app mode needs corpid (the 企业ID on the admin console's 我的企业 page)") }
            c.corpSecret = try secret("corpsecret")
            guard !c.corpSecret.isEmpty else { throw refuse("app mode needs corpsecret or corpsecret_file (the application's Secret)") }
            guard let agent = try int("agentid", 1...Int(Int32.max)) else { throw refuse("app mode needs agentid (the application's AgentId)") }
            c.agentID = agent
            if let t = try string("msgtype") {
                guard ["text", "textcard", "markdown"].contains(t) else { throw refuse("msgtype must be text, textcard or markdown in app mode, not \"\(t)\"") }
                c.msgtype = t
            }
            c.cardURL = try string("card_url") ?? ""
            if c.msgtype == "textcard" {
                guard let url = URL(string: c.cardURL), ["http", "https"].contains(url.scheme ?? "") else {
                    throw refuse("msgtype textcard needs card_url, the http(s) page the card opens")
                }
            }
            c.buttonText = try string("card_button") ?? ""
            guard c.buttonText.count <= 4 else { throw refuse("card_button is at most 4 characters (WeCom's limit for btntxt)") }
            if let b = try bool("duplicate_check") { c.duplicateCheck = b }
            if let n = try int("duplicate_check_interval", 1...14400) { c.duplicateCheckInterval = n }
        case .robot:
            for k in ["corpid", "corpsecret", "corpsecret_file", "agentid", "card_url", "card_button", "duplicate_check",
                      "duplicate_check_interval", "token_margin_seconds"] where object[k] != nil {
                throw refuse("\(k) is an app-mode key; this channel has mode robot")
            }
            c.robotKey = try secret("key")
            guard !c.robotKey.isEmpty else { throw refuse("robot mode needs key or key_file (the key=… of the robot's webhook address)") }
            if let t = try string("msgtype") {
                guard ["text", "markdown"].contains(t) else { throw refuse("msgtype must be text or markdown in robot mode, not \"\(t)\"") }
                c.msgtype = t
            }
            if let n = try int("robot_limit", 1...20) { c.robotLimit = n }
            if let w = try int("robot_window_seconds", 1...3600) { c.robotWindow = TimeInterval(w) }
            if let b = try bool("mention") { c.mention = b }
        }
        return (c, warnings)
    }
}
