import Foundation
import Testing
@testable import LiaisonCore

/// A template's `{field}`s filled by bytes: the allowed fields get their
/// values, a field the topic does not allow or that has no value is left
/// out, and a brace that closes nothing stays as written.
@Suite struct TemplateFillTests {
    let template = MessageTemplate(topic: "t", policy: ["P2.2.3"], urgent: true, subject: "{student_name}的情况",
                                   fields: [.studentName, .caseID], texts: ["default": "", "sms": ""], channels: [], contactTopics: [], source: "t.yaml")

    @Test(arguments: [
        ("尊敬的家长：{student_name}（{case_id}）在校受伤。", "尊敬的家长：张三（C2026-0001）在校受伤。"),
        ("{summary}不得出现在短信里", "不得出现在短信里"),
        ("没有字段的文字", "没有字段的文字"),
        ("{student_name}{student_name}", "张三张三"),
        ("未闭合的 {student_name", "未闭合的 {student_name"),
        ("{a{student_name}}", "}"),
        ("{}空名", "空名"),
        ("表情😀{case_id}", "表情😀C2026-0001"),
    ])
    func fill(_ text: String, _ expected: String) {
        let values = ["student_name": "张三", "case_id": "C2026-0001", "summary": "骨折"]
        #expect(template.fill(text, values) == expected)
    }

    @Test func anAllowedFieldWithoutAValueIsLeftOut() {
        #expect(template.fill("{student_name}到校", [:]) == "到校")
        #expect(template.render(channel: "sms", values: ["student_name": "李四"]).subject == "李四的情况")
    }
}
