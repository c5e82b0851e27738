import Foundation
import LiaisonCore

/// One configured channel: a plugin, what it serves, and how it is paced.
public struct ChannelSpec: Sendable, Equatable {
    public var name: String
    /// The plugin file, resolved against `plugins.directory`.
    public var pluginPath: String
    /// What it carries: guardian channels (sms, wechat, qq, letter) and/or
    /// `staff` (escalations and tasks to staff, by phone number).
    public var serves: [String]
    /// The plugin's own configuration, as JSON text.
    public var configJSON: String
    /// Attempts on this channel before falling back to the next one.
    public var retries: Int
    /// The first retry's delay; each next one doubles (with jitter), up to an hour.
    public var backoff: TimeInterval
    /// Messages a minute; 0 means no limit.
    public var ratePerMinute: Int
    /// Routine messages wait out these hours (school time); nil: none.
    /// Letters never wait (`DeliveryPolicy`).
    public var quietHours: QuietHours?
    /// A send not completed in this long is treated as a hung plugin.
    public var sendTimeout: TimeInterval
    /// A host whose resident memory grows past this many MiB (a leaking
    /// plugin) is replaced the way a reload replaces it; 0: never.
    public var maxResidentMiB: Int
    /// A channel failed by a crash loop (5 unexpected host exits in 10
    /// minutes) is tried again after this long, doubling with each failure
    /// in a row up to 30 minutes.
    public var failedRetry: TimeInterval
    /// `test_recipients`: the only addresses `channel test` may send to on
    /// this channel; nil (no key) refuses every test.
    public var testRecipients: TestRecipients?
    public var source: String

    public init(name: String, pluginPath: String, serves: [String], configJSON: String = "{}", retries: Int = 5,
                backoff: TimeInterval = 10, ratePerMinute: Int = 0, quietHours: QuietHours? = QuietHours.default,
                sendTimeout: TimeInterval = 30, maxResidentMiB: Int = 256, failedRetry: TimeInterval = 60,
                testRecipients: TestRecipients? = nil, source: String = "") {
        self.name = name; self.pluginPath = pluginPath; self.serves = serves; self.configJSON = configJSON
        self.retries = retries; self.backoff = backoff; self.ratePerMinute = ratePerMinute; self.quietHours = quietHours
        self.sendTimeout = sendTimeout; self.maxResidentMiB = maxResidentMiB; self.failedRetry = failedRetry; self.source = source
        self.testRecipients = testRecipients
    }

    public static let servable = ["sms", "wechat", "qq", "letter", "staff"]

    static func parse(name: String, _ node: YAMLNode, pluginDirectory: String) throws -> ChannelSpec {
        let m = try node.mapping(allowed: ["plugin", "serves", "config", "retries", "backoff_seconds", "rate_per_minute",
                                           "quiet_hours", "send_timeout_seconds", "max_rss_mb", "failed_retry_seconds",
                                           "test_recipients"], what: "channel \(name)")
        guard let pluginNode = m["plugin"] else { throw node.error("channel \(name) needs plugin: (a name such as outbox, or a path)") }
        let plugin = try pluginNode.string("plugin")
        let path = plugin.contains("/") ? plugin : (pluginDirectory as NSString).appendingPathComponent("libliaison-channel-\(plugin).so")
        var spec = ChannelSpec(name: name, pluginPath: path, serves: [], source: node.place)
        guard let servesNode = m["serves"] else { throw node.error("channel \(name) needs serves: (some of \(servable.joined(separator: ", ")))") }
        for s in try servesNode.sequence("serves") {
            let what = try s.string("serves")
            guard servable.contains(what) else { throw s.error("serves \"\(what)\" is not one of \(servable.joined(separator: ", "))") }
            spec.serves.append(what)
        }
        if let c = m["config"] {
            guard c.node.mapping != nil else { throw c.error("config: must be a mapping (it is passed to the plugin as a JSON object)") }
            spec.configJSON = try c.jsonText()
        }
        func positive(_ key: String, _ allowZero: Bool = false) throws -> Int? {
            guard let v = m[key] else { return nil }
            let n = try v.int(key)
            guard n > 0 || (allowZero && n == 0) else { throw v.error("\(key) must be \(allowZero ? "0 or more" : "at least 1")") }
            return n
        }
        if let n = try positive("retries") { spec.retries = n }
        if let n = try positive("backoff_seconds") { spec.backoff = TimeInterval(n) }
        if let n = try positive("rate_per_minute", true) { spec.ratePerMinute = n }
        if let n = try positive("send_timeout_seconds") { spec.sendTimeout = TimeInterval(n) }
        if let n = try positive("max_rss_mb", true) { spec.maxResidentMiB = n }
        if let n = try positive("failed_retry_seconds") { spec.failedRetry = TimeInterval(n) }
        if let q = m["quiet_hours"] {
            let text = try q.string("quiet_hours")
            if text == "none" { spec.quietHours = nil } else {
                guard let hours = QuietHours(text: text) else { throw q.error("quiet_hours \"\(text)\" is not HH:MM-HH:MM (school time) or none") }
                spec.quietHours = hours
            }
        }
        if let t = m["test_recipients"] {
            let usage = "write the addresses channel test may send to, e.g. test_recipients: [\"13800138000\", wx_ops_zhang]"
            guard t.node.sequence != nil else { throw t.error("channel \(name) test_recipients must be a list; \(usage)") }
            var list: [String] = []
            for a in try t.sequence("test_recipients") {
                guard let text = a.node.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw a.error("channel \(name) test_recipients: each entry must be one address (a phone number, a WeCom user id, …); \(usage)")
                }
                list.append(text.trimmingCharacters(in: .whitespaces))
            }
            spec.testRecipients = TestRecipients(list, place: t.place)
        }
        return spec
    }
}
