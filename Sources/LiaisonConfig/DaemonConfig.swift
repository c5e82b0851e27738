import Foundation
import LiaisonCore

/// The daemon's configuration (Config/liaison.yaml documents every key at its
/// default). Relative paths are taken from the directory the daemon starts in.
public struct DaemonConfig: Sendable, Equatable {
    public var database: String = "/var/lib/liaison/liaison.db"
    /// `data_key`: the key file personal data is sealed under (nil: `data.key`
    /// beside the database), or `none`. Under systemd the credential
    /// `liaison-data-key` wins (DataKeySource).
    public var dataKey: String?
    public var socketPath: String = "/run/liaison/liaison.sock"
    /// The directory of rulebooks, one YAML file per case kind.
    public var rulesDirectory: String = "/etc/liaison/rules"
    /// Group the socket file is given (mode 0660); nil keeps the daemon's.
    public var socketGroup: String?
    /// `socket.max_connections_per_user` and `socket.idle_timeout_seconds`.
    public var connectionLimits = ConnectionLimits()
    public var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// `school.name` and `school.short_name`: what parents' messages are
    /// signed with. Unset, each student's college as the roster writes it.
    public var school = SchoolName()
    /// Weekday holidays and weekend make-up working days, `yyyy-MM-dd`.
    public var holidays: Set<String> = []
    public var workdays: Set<String> = []
    /// `school.terms` and `school.vacations`.
    public var academic = AcademicCalendar()
    /// `obligations.intervals`: how often each tier's parents are owed a contact (P3.1).
    public var contactIntervals = ContactIntervals()
    /// `obligations.digest_at`: when counselors get the day's digest; nil
    /// (the default, `none`): no digest. The shipped config sets 08:00.
    public var digestAt: DailyTime?
    /// School time as configured: the one calendar the daemon uses.
    public var schoolCalendar: SchoolCalendar {
        SchoolCalendar(timeZone: timeZone, holidays: holidays, workdays: workdays, academic: academic)
    }
    /// Load the synthetic demo roster on first start (the dev profile only).
    public var demoRoster = false
    public var logLevel = "info"
    /// `system`, or `virtual` for rehearsals and black-box tests: time moves
    /// only by `liaisonctl clock advance/set`. Never in production.
    public var virtualClock = false
    /// `clock: {virtual: true, start: …}`: where a virtual clock starts when
    /// the database has no virtual time saved yet (a rehearsal from a term's
    /// first day); nil starts it at the system time.
    public var virtualClockStart: Date?
    /// Message templates: `<templates>/messages/*.yaml`.
    public var templatesDirectory: String = "/etc/liaison/templates"
    /// Where plugin files are (`libliaison-channel-NAME.so`).
    public var pluginDirectory: String = "/usr/lib/liaison/plugins"
    /// The host program; nil: `liaison-channel-host` beside liaisond.
    public var hostProgram: String?
    /// Configured channels, in the order written.
    public var channels: [ChannelSpec] = []
    /// `retention:`: how long each class of personal data is kept after a
    /// student leaves, what leaving is, when the daily purge runs
    /// (docs/RETENTION.md). Applied again on SIGHUP.
    public var retention = RetentionPolicy()
    /// The file this came from.
    public var file = ""

    public init() {}

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public static func load(path: String) throws -> DaemonConfig {
        try parse(YAMLNode.load(path: path))
    }

    public static func parse(_ root: YAMLNode) throws -> DaemonConfig {
        var c = DaemonConfig()
        c.file = root.file
        let top = try root.mapping(allowed: ["database", "data_key", "socket", "rules", "school", "obligations", "demo_roster", "log_level", "clock",
                                                      "templates", "plugins", "channels", "retention"], what: "the daemon config")
        if let v = top["database"] { c.database = try v.string("database") }
        if let v = top["data_key"] {
            c.dataKey = try v.string("data_key")
            if c.dataKey!.isEmpty { throw v.error("data_key must name a key file, or be none (nothing sealed: for benchmarks only)") }
        }
        if let v = top["rules"] { c.rulesDirectory = try v.string("rules") }
        if let socket = top["socket"] {
            let s = try socket.mapping(allowed: ["path", "group", "max_connections_per_user", "idle_timeout_seconds"], what: "socket")
            if let v = s["path"] {
                c.socketPath = try v.string("socket.path")
                // sun_path holds 108 bytes with its terminating NUL.
                if c.socketPath.utf8.count > 107 { throw v.error("socket.path is \(c.socketPath.utf8.count) bytes; a Unix socket path must be under 108") }
            }
            if let v = s["group"] { c.socketGroup = try v.string("socket.group") }
            if let v = s["max_connections_per_user"] {
                c.connectionLimits.maxPerUser = try v.int("socket.max_connections_per_user")
                guard c.connectionLimits.maxPerUser >= 1 else {
                    throw v.error("socket.max_connections_per_user must be 1 or more (default \(ConnectionLimits().maxPerUser)); it is how many connections one Unix user may hold open at once")
                }
            }
            if let v = s["idle_timeout_seconds"] {
                c.connectionLimits.idleTimeoutSeconds = try v.int("socket.idle_timeout_seconds")
                guard (1...ConnectionLimits.longestIdleTimeout).contains(c.connectionLimits.idleTimeoutSeconds) else {
                    throw v.error("socket.idle_timeout_seconds must be from 1 to \(ConnectionLimits.longestIdleTimeout) (a day; default \(ConnectionLimits().idleTimeoutSeconds))")
                }
            }
        }
        if let school = top["school"] {
            let s = try school.mapping(allowed: ["name", "short_name", "timezone", "holidays", "workdays", "terms", "vacations"], what: "school")
            for (key, path) in [("name", \SchoolName.name), ("short_name", \SchoolName.shortName)] {
                guard let v = s[key] else { continue }
                let text = try v.string("school.\(key)").trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.contains(where: \.isNewline) {
                    throw v.error("school.\(key) must be one line of text, such as \(key == "name" ? "丽江文化旅游学院" : "丽江文旅学院")")
                }
                if let bracket = text.first(where: { "【】[]".contains($0) }) {
                    throw v.error("school.\(key) must not contain \(bracket): the templates put the signature in 【 】 themselves; write the name alone")
                }
                c.school[keyPath: path] = text
            }
            if c.school.name == nil, let v = s["short_name"] {
                throw v.error("school.short_name needs school.name beside it: chat messages and letters name the school in full")
            }
            for (key, path) in [("holidays", \DaemonConfig.holidays), ("workdays", \DaemonConfig.workdays)] {
                guard let list = s[key] else { continue }
                for node in try list.sequence("school.\(key)") {
                    let day = try node.string("school.\(key)")
                    guard day.count == 10, SchoolCalendar().parse(day) != nil else {
                        throw node.error("\"\(day)\" in school.\(key) is not a date; write it as 2026-10-01")
                    }
                    c[keyPath: path].insert(day)
                }
            }
            c.academic = try CalendarConfig.academic(s, school)
            if let v = s["timezone"] {
                let name = try v.string("school.timezone")
                guard let tz = TimeZone(identifier: name) else {
                    throw v.error("school.timezone \"\(name)\" is not a time zone; use an IANA name such as Asia/Shanghai")
                }
                c.timeZone = tz
            }
        }
        if let o = top["obligations"] { try CalendarConfig.obligations(o, into: &c) }
        if let v = top["templates"] { c.templatesDirectory = try v.string("templates") }
        if let p = top["plugins"] {
            let m = try p.mapping(allowed: ["directory", "host"], what: "plugins")
            if let v = m["directory"] { c.pluginDirectory = try v.string("plugins.directory") }
            if let v = m["host"] { c.hostProgram = try v.string("plugins.host") }
        }
        if let ch = top["channels"] {
            guard let map = ch.node.mapping else { throw ch.error("channels: must map channel names to their settings") }
            for (k, v) in map {
                let key = YAMLNode(node: k, file: ch.file)
                guard let name = k.string, RosterParser.isValidID(name) else { throw key.error("a channel name must be letters, digits, '-' or '_'") }
                if c.channels.contains(where: { $0.name == name }) { throw key.error("channel \(name) appears twice") }
                c.channels.append(try ChannelSpec.parse(name: name, YAMLNode(node: v, file: ch.file), pluginDirectory: c.pluginDirectory))
            }
        }
        if let v = top["retention"] { c.retention = try parseRetention(v) }
        if let v = top["demo_roster"] { c.demoRoster = try v.bool("demo_roster") }
        if let v = top["clock"] { try parseClock(v, into: &c) }
        if let v = top["log_level"] {
            c.logLevel = try v.string("log_level")
            guard logLevels.contains(c.logLevel) else {
                throw v.error("log_level \"\(c.logLevel)\" is not one of \(logLevels.joined(separator: ", "))")
            }
        }
        return c
    }

    /// `retention:` (docs/RETENTION.md): a period per class, `leaving:` and
    /// `daily_at:`; a key not given keeps its default.
    static func parseRetention(_ v: YAMLNode) throws -> RetentionPolicy {
        var p = RetentionPolicy()
        let keys = RetentionClass.allCases.map(\.rawValue) + ["leaving", "daily_at"]
        let m = try v.mapping(allowed: keys, what: "retention")
        for c in RetentionClass.allCases {
            guard let node = m[c.rawValue] else { continue }
            let text = try node.string("retention.\(c.rawValue)")
            guard let period = RetentionPeriod(text: text) else {
                throw node.error("retention.\(c.rawValue) \"\(text)\" is not a period; write it as 3 years, 18 months, 90 days, or never (kept after the student leaves; default \(RetentionPolicy.defaultPeriods[c]!))")
            }
            p.periods[c] = period
        }
        if let node = m["leaving"] {
            var leaving: Set<LeavingRecord> = []
            for item in try node.sequence("retention.leaving") {
                let text = try item.string("retention.leaving")
                guard let l = LeavingRecord.named(text) else {
                    throw item.error("\"\(text)\" in retention.leaving is not a record that ends a student's time at the school; use \(LeavingRecord.usageList)")
                }
                leaving.insert(l)
            }
            p.leaving = leaving
        }
        if let node = m["daily_at"] {
            let text = try node.string("retention.daily_at")
            if text == "none" {
                p.dailyAt = nil
            } else {
                guard let t = DailyTime(text: text) else {
                    throw node.error("retention.daily_at \"\(text)\" is not a time of day; write it as \"03:30\" (school time, quoted), or none for no daily purge")
                }
                p.dailyAt = t
            }
        }
        return p
    }

    /// `clock: system`, `clock: virtual`, or `clock: {virtual: true, start: "2026-09-07 08:00"}`
    /// (the start in school time, read like every time people type).
    static func parseClock(_ v: YAMLNode, into c: inout DaemonConfig) throws {
        let usage = "write clock: system, clock: virtual, or clock: {virtual: true, start: \"2026-09-07 08:00\"}"
        guard v.node.mapping != nil else {
            switch try v.string("clock") {
            case "system": c.virtualClock = false
            case "virtual": c.virtualClock = true
            case let other: throw v.error("clock \"\(other)\" is not system or virtual; \(usage)")
            }
            return
        }
        let m = try v.mapping(allowed: ["virtual", "start"], what: "clock")
        guard let virtual = m["virtual"] else { throw v.error("clock: needs virtual: true (or false) in the mapping; \(usage)") }
        c.virtualClock = try virtual.bool("clock.virtual")
        guard let startNode = m["start"] else { return }
        guard c.virtualClock else {
            throw startNode.error("clock.start applies only to a virtual clock; set virtual: true or remove start:")
        }
        let text = try startNode.string("clock.start")
        guard let start = SchoolCalendar(timeZone: c.timeZone).parse(text) else {
            throw startNode.error("clock.start \"\(text)\" is not a time; write it as 2026-09-07 08:00 (school time, \(c.timeZone.identifier)), a date, or ISO 8601 with an offset")
        }
        c.virtualClockStart = start
    }
}

/// How much of the daemon one Unix user's connections may hold (issue 14:
/// one stranger's 1,100 idle connections once used every descriptor the
/// daemon had). Read at start; a change takes a restart.
public struct ConnectionLimits: Sendable, Equatable {
    /// `socket.max_connections_per_user`: connections one uid (root
    /// included) may hold open at once; the next is refused with
    /// `too_many_connections` and closed.
    public var maxPerUser = 32
    /// `socket.idle_timeout_seconds`: a connection that sends no request
    /// for this long after its last answer (or its connecting) is closed
    /// with `idle_timeout`. A request being answered is never cut.
    public var idleTimeoutSeconds = 300

    public static let longestIdleTimeout = 86_400

    public init(maxPerUser: Int = 32, idleTimeoutSeconds: Int = 300) {
        self.maxPerUser = maxPerUser
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }
}
