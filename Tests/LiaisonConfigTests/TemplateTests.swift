import Foundation
import Testing
@testable import LiaisonConfig
import LiaisonCore

@Suite struct TemplateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theShippedTemplatesFitTheShippedRulebooks() throws {
        let books = try RulebookLoader.load(directory: Self.root.appendingPathComponent("Config/rules").path)
        let lib = try TemplateLoader.load(directory: Self.root.appendingPathComponent("Config/templates").path, rulebooks: books)
        #expect(Set(lib.templates.keys) == ["incident-notice", "campus-invitation", "escalation", "sanction-notice", "status-change-notice"])
        let values = ["guardian_name": "王芳", "student_name": "李明", "counselor_name": "张老师", "counselor_phone": "13800000000",
                      "college": "信息学院", "case_id": "C2026-0001", "summary": "骨折"]
        let sms = lib["incident-notice"]!.render(channel: "sms", values: values)
        #expect(sms.body.hasPrefix("王芳您好：您的孩子李明") && sms.body.contains("13800000000") && !sms.body.contains("骨折"))
        #expect(lib["incident-notice"]!.render(channel: "letter", values: values).body.contains("C2026-0001"), "the letter text")
        // The formal notices go by letter only, and only their letters carry the summary.
        let notice = try #require(lib["sanction-notice"])
        #expect(notice.channels == ["letter"] && notice.policy.contains("P2.2.2"))
        #expect(notice.render(channel: "letter", values: values).body.contains("骨折") && !notice.render(channel: "default", values: values).body.contains("骨折"))
        let routes = [MessageRoute(via: "wechat", address: "wx"), MessageRoute(via: "sms", address: "139"), MessageRoute(via: "letter", address: "北京"),
                      MessageRoute(via: "phone", address: "139")]
        #expect(notice.allowed(routes).map(\.via) == ["letter", "phone"])
        #expect(lib["incident-notice"]!.allowed(routes) == routes)
    }

    @Test func aTopicsChannelsMustBeGuardianChannels() throws {
        let yaml = """
            topic: fax-only
            channels: [letter, fax]
            text:
              default: "x"
            """
        let t = try TemplateLoader.parse(YAMLNode.parse(yaml, file: "fax.yaml"))
        #expect(t.problems().contains { $0.contains("\"fax\" is not a guardian channel") }, "\(t.problems())")
    }

    @Test func aTemplateMayNotCarryWhatItsTopicDoesNotAllow() throws {
        let yaml = """
            topic: leaky
            fields: [student_name, summary]
            text:
              sms: "{student_name}：{summary}"
              letter: "{student_name}：{summary}"
              default: "{student_name} {counselor_name}"
            """
        let t = try TemplateLoader.parse(YAMLNode.parse(yaml, file: "leaky.yaml"))
        let problems = t.problems()
        #expect(problems.contains { $0.contains("sms: {summary} may hold health or disciplinary details") })
        #expect(!problems.contains { $0.contains("letter: {summary}") }, "a sealed letter may name it")
        #expect(problems.contains { $0.contains("default: {counselor_name} is not among the topic's fields") })
        #expect(problems.allSatisfy { $0.hasPrefix("leaky.yaml:1:1") })
    }

    @Test func quietHoursHoldRoutineMessagesUntilMorning() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let q = try #require(QuietHours(text: "22:00-07:00"))
        func at(_ h: Int, _ m: Int) -> Date { cal.date(from: DateComponents(year: 2026, month: 11, day: 30, hour: h, minute: m))! }
        #expect(q.release(after: at(21, 59), calendar: cal) == at(21, 59))
        #expect(q.release(after: at(22, 0), calendar: cal) == at(7, 0).addingTimeInterval(86400))
        #expect(q.release(after: at(3, 30), calendar: cal) == at(7, 0))
        #expect(q.release(after: at(7, 0), calendar: cal) == at(7, 0))
        #expect(QuietHours(text: "25:00-07:00") == nil && QuietHours(text: "07:00-07:00") == nil && q.text == "22:00-07:00")
    }

    @Test func aBadChannelLineIsNamed() throws {
        let yaml = """
            channels:
              sms:
                plugin: kannel
                serves: [sms, pager]
            """
        let err = #expect(throws: LiaisonError.self) { try DaemonConfig.parse(YAMLNode.parse(yaml, file: "c.yaml")) }
        #expect(err?.message.contains("c.yaml:4:19: serves \"pager\" is not one of") == true, "\(err?.message ?? "")")
    }

    @Test func memoryLimitIsReadAndANegativeOneRefused() throws {
        func parse(_ limit: String) throws -> DaemonConfig {
            try DaemonConfig.parse(YAMLNode.parse("channels:\n  sms:\n    plugin: log\n    serves: [sms]\n    max_rss_mb: \(limit)\n", file: "c.yaml"))
        }
        #expect(try parse("64").channels.first?.maxResidentMiB == 64)
        #expect(try parse("0").channels.first?.maxResidentMiB == 0)
        let err = #expect(throws: LiaisonError.self) { try parse("-1") }
        #expect(err?.message.contains("c.yaml:5:17: max_rss_mb must be 0 or more") == true, "\(err?.message ?? "")")
    }
}
