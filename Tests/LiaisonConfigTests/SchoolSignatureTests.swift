import Foundation
import Testing
@testable import LiaisonConfig
import LiaisonCore

/// Parents' messages are signed by the school (`school.name`,
/// `school.short_name`), not by the roster's college cell; escalations tell
/// staff everything they need to act (issue 12, item 14).
@Suite struct SchoolSignatureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func parse(_ yaml: String) throws -> DaemonConfig { try DaemonConfig.parse(YAMLNode.parse(yaml, file: "liaison.yaml")) }

    func message(_ yaml: String) -> String {
        (#expect(throws: LiaisonError.self) { try parse(yaml) })?.message ?? ""
    }

    @Test func theSchoolsNamesAreReadAndTheSignatureFallsBack() throws {
        let both = try parse("school:\n  name: 丽江文化旅游学院\n  short_name: 丽江文旅学院\n").school
        #expect(both == SchoolName(name: "丽江文化旅游学院", shortName: "丽江文旅学院"))
        #expect(both.signature(college: "C01") == "丽江文旅学院" && both.fullName(college: "C01") == "丽江文化旅游学院")
        let nameOnly = try parse("school:\n  name: 丽江文化旅游学院\n").school
        #expect(nameOnly.signature(college: "C01") == "丽江文化旅游学院")
        // Unset: the roster's college, as before (liaisond warns at start).
        let unset = try parse("log_level: info\n").school
        #expect(unset.name == nil && unset.signature(college: "C01") == "C01" && unset.fullName(college: "C01") == "C01")
    }

    @Test func aBadNameIsRefusedWithItsPlace() {
        #expect(message("school:\n  short_name: 丽江文旅学院\n").hasPrefix("liaison.yaml:2:15: school.short_name needs school.name beside it"))
        #expect(message("school:\n  name: 丽江文化旅游学院\n  short_name: 【丽江文旅】\n").hasPrefix("liaison.yaml:3:15: school.short_name must not contain 【"))
        #expect(message("school:\n  name: \"  \"\n").hasPrefix("liaison.yaml:2:9: school.name must be one line of text"))
        #expect(message("school:\n  name: \"\"\n").hasPrefix("liaison.yaml:2:9: school.name must be a non-empty text value"))
        #expect(message("school:\n  title: x\n").contains("unknown key \"title\" in school; the keys are name, short_name, timezone"))
    }

    @Test func lateness() {
        #expect(Lateness.text(0) == "不到1分钟" && Lateness.text(59) == "不到1分钟" && Lateness.text(-5) == "不到1分钟")
        #expect(Lateness.text(45 * 60 + 30) == "45分钟")
        #expect(Lateness.text(2 * 3600) == "2小时" && Lateness.text(2 * 3600 + 5 * 60 + 59) == "2小时5分钟")
        #expect(Lateness.text(27 * 3600 + 20 * 60) == "1天3小时" && Lateness.text(2 * 86400 + 59 * 60) == "2天")
    }

    /// The shipped templates, rendered with what the engine puts in a row.
    @Test func parentMessagesAreSignedByTheSchoolAndEscalationsSayWhatToDo() throws {
        let books = try RulebookLoader.load(directory: Self.root.appendingPathComponent("Config/rules").path)
        let lib = try TemplateLoader.load(directory: Self.root.appendingPathComponent("Config/templates").path, rulebooks: books)
        let school = SchoolName(name: "丽江文化旅游学院", shortName: "丽江文旅学院")
        let values = ["guardian_name": "张建国", "student_name": "张三", "student_id": "2023010101", "class_name": "旅游2301班",
                      "college": "C01", "school_name": school.fullName(college: "C01"), "school_short_name": school.signature(college: "C01"),
                      "counselor_name": "王丽", "counselor_phone": "13800000001", "case_id": "C2026-0001", "kind_name": "意外事故",
                      "step_id": "notify-parents", "step_title": "通知家长（消息送达、电话接通或家长回复）", "due": "2026-11-30 11:00",
                      "overdue_by": Lateness.text(2 * 3600 + 5 * 60), "summary": "右腿骨折"]
        for topic in ["incident-notice", "campus-invitation"] {
            let t = try #require(lib[topic])
            let sms = t.render(channel: "sms", values: values).body
            #expect(sms.hasSuffix("【丽江文旅学院】"), "\(topic): \(sms)")
            for channel in ["wechat", "letter", "default"] {
                let body = t.render(channel: channel, values: values).body
                #expect(body.contains("丽江文化旅游学院"), "\(topic) \(channel): \(body)")
            }
            for channel in ["sms", "wechat", "qq", "letter", "default"] {
                let body = t.render(channel: channel, values: values).body
                #expect(!body.contains("C01") && !body.contains("骨折"), "\(topic) \(channel): no roster code, no diagnosis: \(body)")
            }
        }
        for topic in ["sanction-notice", "status-change-notice"] {
            #expect(lib[topic]!.render(channel: "default", values: values).body.contains("丽江文化旅游学院"), "\(topic)")
        }

        let escalation = try #require(lib["escalation"]).render(channel: "staff", values: values)
        #expect(escalation.subject == "案件C2026-0001步骤逾期")
        for part in ["张三", "2023010101", "旅游2301班", "意外事故", "通知家长（消息送达、电话接通或家长回复）", "notify-parents",
                     "2026-11-30 11:00", "已逾期 2小时5分钟", "王丽", "liaisonctl case show C2026-0001"] {
            #expect(escalation.body.contains(part), "\(part) in \(escalation.body)")
        }
        #expect(!escalation.body.contains("骨折"), "staff are told where to look, not the diagnosis")
    }
}
