import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// Through the real daemon and the outbox plugin, on a virtual clock (issue
/// 12, item 14): a parent's SMS is signed 【school.short_name】, not with the
/// roster's college; an escalation names the student, class, case kind,
/// step, how late it is and the command to look.
@Suite(.serialized) struct SignedMessagesTests {
    /// The message text of an outbox file: what follows the headers.
    static func body(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let blank = text.range(of: "\n\n") else { return "" }
        return text[blank.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for the outbox file of the message with `key`.
    static func file(_ d: Daemon, key: String) throws -> String {
        let path = "\(d.outboxDirectory)/\(key.replacingOccurrences(of: ":", with: "_")).txt"
        return try Eventually.value("the outbox file of \(key)") { FileManager.default.fileExists(atPath: path) ? path : nil }
    }

    @Test func parentsGetTheSchoolsSignatureAndStaffAnEscalationTheyCanActOn() throws {
        let d = try Daemon(extra: "clock: virtual\nschool:\n  name: 丽江文化旅游学院\n  short_name: 丽江文旅学院", channels: "")
        // Without receipts the notice stays unconfirmed, so its deadline passes.
        try d.configure(Daemon.outbox(d.outboxDirectory).replacingOccurrences(of: "receipts: true", with: "receipts: false"))
        try d.start()
        let student = try d.json(StudentDetail.self, "student", "show", "2023010101")
        let mother = try #require(student.guardians.first { $0.relation == "母亲" })
        let father = try #require(student.guardians.first { $0.relation == "父亲" })
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "宿舍楼梯摔倒，右腿骨折")

        // The mother prefers SMS (after a phone call, which no plugin makes): signed by the school.
        let sms = try Self.body(try Self.file(d, key: "notify:\(c.id):notify-parents:\(mother.id)"))
        #expect(sms.hasSuffix("【丽江文旅学院】") && sms.hasPrefix("\(mother.name)您好"), "\(sms)")
        #expect(!sms.contains(student.student.college) && !sms.contains("骨折"), "no roster college, no diagnosis: \(sms)")
        // The father prefers WeChat: the school in full.
        let wechat = try Self.body(try Self.file(d, key: "notify:\(c.id):notify-parents:\(father.id)"))
        #expect(wechat.contains("（丽江文化旅游学院，编号\(c.id)）") && !wechat.contains("骨折"), "\(wechat)")

        // Nobody confirms: at 2 h the supervisor is told, at 4 h the office.
        #expect(try d.ctl("clock", "advance", "4h").status == 0)
        let escalations = try Eventually.value("both escalations are written to the outbox") { () -> [Message]? in
            let ms = try d.json([Message].self, "message", "list", "--case", c.id).filter { $0.topic == "escalation" && $0.stepID == "notify-parents" }
            return ms.count >= 2 && ms.allSatisfy { $0.state == .sent } ? ms : nil
        }
        let title = "通知家长（消息送达、电话接通或家长回复）"
        var lateness: [String] = []
        for m in escalations {
            let text = try Self.body(try Self.file(d, key: m.idempotencyKey))
            for part in ["案件 \(c.id)（意外事故）", "学生 \(student.student.name)（学号 2023010101，\(student.student.className)）",
                         "「\(title)」（notify-parents）", "liaisonctl case show \(c.id)"] {
                #expect(text.contains(part), "\(part) in \(text)")
            }
            #expect(!text.contains("骨折"), "no diagnosis in an escalation either: \(text)")
            lateness.append(text.components(separatedBy: "已逾期 ").last?.components(separatedBy: "，").first ?? "")
        }
        // The supervisor's at the deadline itself, the office's two hours later.
        #expect(lateness.sorted() == ["2小时", "不到1分钟"], "\(lateness)")
    }
}
