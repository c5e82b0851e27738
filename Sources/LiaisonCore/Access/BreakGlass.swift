import Foundation

/// Break-glass (issue 14.2; PIPL Art. 51): the Student Affairs Office or an
/// administrator reads one student's case, file, contacts or message outside
/// their responsibility by saying why. The read is allowed, recorded in the
/// audit log with scope `break-glass` and the reason, and the student's
/// counselor and college supervisors are told through their staff channel
/// who read what and why (never the data). Pure: the decision and the
/// notice's text; the engine records and sends.
public enum BreakGlass {
    /// How a read of one student is allowed: in scope (`scope` nil: the
    /// audit row records the caller's relation to the student) or by
    /// break-glass (`scope` `.breakGlass`). `reason` is recorded either way
    /// (empty when none was given in scope).
    public struct Grant: Sendable, Equatable {
        public var scope: AuditScope?
        public var reason: String
        public init(scope: AuditScope? = nil, reason: String = "") { self.scope = scope; self.reason = reason }
        public static let inScope = Grant()
        public var isBreakGlass: Bool { scope == .breakGlass }
    }

    /// The most a reason may hold (it is stored in every audit row and sent to staff).
    public static let maxReasonLength = 500

    /// A reason fit to break the glass: trimmed, at least a few words — two
    /// words of two letters or more, or four Chinese characters (汉字 count
    /// half a word each) — without control characters, at most 500
    /// characters. Otherwise `invalid_input` saying what a reason is.
    public static func validReason(_ text: String) throws -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let example = " e.g. --reason \"家长来电询问，辅导员联系不上\" or --reason \"police enquiry, counselor on leave\". Nothing was read"
        guard !reason.isEmpty else {
            throw LiaisonError.invalid("--reason is blank: break-glass needs a reason of a few words, saying who asked and why;" + example)
        }
        guard reason.count <= maxReasonLength else {
            throw LiaisonError.invalid("--reason is \(reason.count) characters; keep it to \(maxReasonLength). Nothing was read")
        }
        guard !reason.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && $0 != "\n" }) else {
            throw LiaisonError.invalid("--reason holds a control character; write it as plain text. Nothing was read")
        }
        guard words(in: reason) >= 2 else {
            throw LiaisonError.invalid("--reason \"\(reason)\" is too short: say who asked and why in a few words;" + example)
        }
        return reason
    }

    /// Words in a reason: runs of two or more letters or digits outside
    /// Chinese, plus half the Chinese characters.
    static func words(in text: String) -> Int {
        var latin = 0, han = 0, run = 0
        func endRun() { if run >= 2 { latin += 1 }; run = 0 }
        for s in text.unicodeScalars {
            if isHan(s) { endRun(); han += 1 } else if CharacterSet.alphanumerics.contains(s) { run += 1 } else { endRun() }
        }
        endRun()
        return latin + han / 2
    }

    static func isHan(_ s: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value) || (0x20000...0x2FA1F).contains(s.value)
    }

    /// How `who`, whose responsibility is `responsibility`, may read
    /// `student` (named `what` in a refusal), given `reason` (nil: none
    /// given) and whether the method lets their role break the glass.
    /// In scope: allowed, the reason recorded if one was given. Out of
    /// scope: `forbidden` unless `mayBreakGlass` and a valid reason.
    public static func decide(_ what: String, student: Student, responsibility: Responsibility, mayBreakGlass: Bool,
                              reason: String?) throws -> Grant {
        if responsibility.covers(student) {
            return Grant(scope: nil, reason: (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard mayBreakGlass else { throw responsibility.refusal(what, breakGlass: false) }
        guard let reason else { throw responsibility.refusal(what, breakGlass: true) }
        return Grant(scope: .breakGlass, reason: try validReason(reason))
    }

    /// What a break-glass read was, in the notice: "案件 C2026-0001", "学生档案（含家长联系方式）", …
    public static func readName(_ action: AuditAction, caseID: String?, detail: String) -> String {
        switch action {
        case .caseRead: "案件 \(caseID ?? "")（内容与时间线）"
        case .studentRead: "学生档案（含家长联系方式）"
        case .contactRead: "家校联系记录"
        case .messageRead: (detail.hasPrefix("message ") ? "消息 " + detail.dropFirst(8) : "一条消息") + "（含家长联系方式）"
        default: action.rawValue
        }
    }

    /// The notice to a counselor or supervisor: who read what of which
    /// student, when and why, and where the record is; nothing of the data.
    public static func notice(reader: Staff, action: AuditAction, student: Student, caseID: String?, detail: String, reason: String,
                              at: String, auditSeq: Int64) -> String {
        let role = reader.isSuperuser ? "系统管理员（root）" : "\(reader.role.chineseName) \(reader.name)（\(reader.id)）"
        return "【紧急查阅告知】\(role) 于 \(at) 以紧急查阅（break-glass）方式查看了学生 \(student.name)（学号 \(student.id)）的"
            + "\(readName(action, caseID: caseID, detail: detail))。理由：\(reason)。此次查阅已记入审计日志第 \(auditSeq) 条"
            + "（学生工作处可用 liaisonctl audit list --student \(student.id) 查看）。如有疑问，请联系学生工作处。"
    }
}
