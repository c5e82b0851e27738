import Foundation
import Testing
@testable import LiaisonConfig
@testable import LiaisonCore

@Suite struct DaemonConfigTests {
    func parse(_ yaml: String) throws -> DaemonConfig { try DaemonConfig.parse(YAMLNode.parse(yaml, file: "liaison.yaml")) }

    func message(_ yaml: String) -> String? {
        (#expect(throws: LiaisonError.self) { try parse(yaml) })?.message
    }

    @Test func fullConfig() throws {
        let c = try parse("""
            database: /tmp/x.db
            socket:
              path: /tmp/x.sock
              group: liaison
            school:
              timezone: Asia/Urumqi
            demo_roster: true
            log_level: debug
            """)
        #expect(c.database == "/tmp/x.db" && c.socketPath == "/tmp/x.sock" && c.socketGroup == "liaison")
        #expect(c.timeZone.identifier == "Asia/Urumqi" && c.demoRoster && c.logLevel == "debug")
    }

    @Test func shippedConfigsAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let prod = try DaemonConfig.load(path: root.appendingPathComponent("Config/liaison.yaml").path)
        // Every key at its default, but for this year's holiday calendar and the school's name.
        #expect(prod == { var d = DaemonConfig(); d.file = prod.file; d.holidays = prod.holidays; d.workdays = prod.workdays; d.academic = prod.academic; d.digestAt = prod.digestAt; d.channels = prod.channels; d.school = prod.school; return d }())
        #expect(prod.school == SchoolName(name: "丽江文化旅游学院", shortName: "丽江文旅学院"))
        // One channel, the outbox, with every setting at its default.
        let outbox = try #require(prod.channels.first)
        #expect(prod.channels.count == 1 && outbox.pluginPath == "/usr/lib/liaison/plugins/libliaison-channel-outbox.so")
        #expect(outbox == ChannelSpec(name: "outbox", pluginPath: outbox.pluginPath, serves: ["sms", "wechat", "qq", "letter", "staff"],
                                      configJSON: #"{"directory":"/var/lib/liaison/outbox","receipts":true}"#, source: outbox.source))
        #expect(prod.holidays.contains("2026-10-01") && prod.workdays.contains("2026-10-10"))
        let dev = try DaemonConfig.load(path: root.appendingPathComponent("Config/dev/liaison.yaml").path)
        #expect(dev.demoRoster && dev.socketPath == "./.liaison/liaison.sock" && dev.school == prod.school)
        // The current and the next academic year, in both, alike.
        #expect(prod.academic.terms.map(\.id) == ["2026-2027-1", "2026-2027-2", "2027-2028-1", "2027-2028-2"] && prod.academic.vacations.count == 4)
        #expect(dev.academic == prod.academic)
        #expect(prod.digestAt == DailyTime(hour: 8, minute: 0) && dev.digestAt == prod.digestAt)
        // `make run` may test its outbox on one made-up number; the shipped config lists none (every test refused until ops add theirs).
        #expect(dev.channels.first?.testRecipients?.addresses == ["13800138000"] && outbox.testRecipients == nil)
    }

    @Test func semanticErrorsNameFileLineColumn() {
        #expect(message("database: x.db\nsocket:\n  path: s\n  mode: 0600\n")?.hasPrefix("liaison.yaml:4:3: unknown key \"mode\" in socket") == true)
        #expect(message("school:\n  timezone: Mars/Olympus\n")?.hasPrefix("liaison.yaml:2:13: school.timezone \"Mars/Olympus\" is not a time zone") == true)
        #expect(message("demo_roster: maybe\n")?.hasPrefix("liaison.yaml:1:14: demo_roster must be true or false") == true)
        #expect(message("log_level: loud\n")?.hasPrefix("liaison.yaml:1:12:") == true)
        #expect(message("socket:\n  path: \(String(repeating: "x", count: 120))\n")?.hasPrefix("liaison.yaml:2:9:") == true)
        #expect(message("- a\n- b\n")?.hasPrefix("liaison.yaml:1:1: the daemon config must be a mapping") == true)
    }

    @Test func syntaxErrorsNameTheLine() {
        let m = message("database: x\nsocket:\n  path: [unclosed\n")
        #expect(m?.hasPrefix("liaison.yaml:") == true)
        #expect(m?.contains("YAML syntax") == true)
    }

    @Test func missingFile() {
        let e = #expect(throws: LiaisonError.self) { try DaemonConfig.load(path: "/nonexistent/liaison.yaml") }
        #expect(e?.message == "/nonexistent/liaison.yaml: the config file does not exist")
    }
}

extension DaemonConfigTests {
    @Test func holidayListsAndTheClock() throws {
        let c = try parse("school:\n  holidays: [2026-10-01]\n  workdays: [2026-10-10]\nclock: virtual\n")
        #expect(c.holidays == ["2026-10-01"] && c.workdays == ["2026-10-10"] && c.virtualClock)
        #expect(message("school:\n  holidays: [2026-13-01]\n")?.hasPrefix("liaison.yaml:2:14: \"2026-13-01\" in school.holidays is not a date") == true)
        #expect(message("clock: sundial\n")?.hasPrefix("liaison.yaml:1:8: clock \"sundial\" is not system or virtual") == true)
    }
}

extension DaemonConfigTests {
    @Test func connectionLimits() throws {
        #expect(try parse("database: x.db\n").connectionLimits == ConnectionLimits(maxPerUser: 32, idleTimeoutSeconds: 300))
        let c = try parse("socket:\n  max_connections_per_user: 4\n  idle_timeout_seconds: 2\n")
        #expect(c.connectionLimits == ConnectionLimits(maxPerUser: 4, idleTimeoutSeconds: 2))
        #expect(message("socket:\n  max_connections_per_user: 0\n")?.hasPrefix("liaison.yaml:2:29: socket.max_connections_per_user must be 1 or more") == true)
        #expect(message("socket:\n  max_connections_per_user: many\n")?.hasPrefix("liaison.yaml:2:29: socket.max_connections_per_user must be a whole number") == true)
        #expect(message("socket:\n  idle_timeout_seconds: 0\n")?.hasPrefix("liaison.yaml:2:25: socket.idle_timeout_seconds must be from 1 to 86400") == true)
        #expect(message("socket:\n  idle_timeout_seconds: 1.5\n")?.hasPrefix("liaison.yaml:2:25: socket.idle_timeout_seconds must be a whole number") == true)
    }
}

extension DaemonConfigTests {
    /// `retention:` (issue 14.6, docs/RETENTION.md): a period per class,
    /// what leaving is, when the daily purge runs; mistakes name their place.
    @Test func retention() throws {
        #expect(try parse("database: x.db\n").retention == RetentionPolicy())
        let c = try parse("""
            retention:
              case_content: 5 years
              contacts: 18 months
              messages: never
              leaving: [withdrawal, 毕业, transfer]
              daily_at: "02:15"
            """)
        #expect(c.retention.period(.caseContent) == .years(5) && c.retention.period(.contacts) == .months(18))
        #expect(c.retention.period(.messages) == .never && c.retention.period(.contactDetails) == .years(1))
        #expect(c.retention.leaving == [.withdrawal, .graduation, .transfer] && c.retention.dailyAt == DailyTime(hour: 2, minute: 15))
        #expect(try parse("retention:\n  daily_at: none\n").retention.dailyAt == nil)
        #expect(message("retention:\n  case_content: forever\n")?.hasPrefix("liaison.yaml:2:17: retention.case_content \"forever\" is not a period") == true)
        #expect(message("retention:\n  leaving: [withdrawal, suspension]\n")?.hasPrefix("liaison.yaml:2:25: \"suspension\" in retention.leaving") == true)
        #expect(message("retention:\n  daily_at: \"25:00\"\n")?.hasPrefix("liaison.yaml:2:13: retention.daily_at \"25:00\" is not a time of day") == true)
        #expect(message("retention:\n  notes: 1 year\n")?.hasPrefix("liaison.yaml:2:3: unknown key \"notes\" in retention") == true)
    }
}
