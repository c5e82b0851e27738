import Foundation

/// A guardian no message can reach (P2.1.1: keep the contact details
/// current): none of their routes is usable, or every route of the last
/// message to them failed. `liaisonctl obligations --unreachable` lists
/// them so the counselor fixes the file (issue 16.3).
public struct UnreachableGuardian: Codable, Equatable, Sendable {
    public enum Reason: String, Codable, Sendable {
        /// No mobile, WeChat, QQ or address on file that a channel serves.
        case noRoute = "no-route"
        /// The last message to them failed on every route.
        case everyRouteFailed = "every-route-failed"

        public var text: String {
            switch self {
            case .noRoute: "no phone, WeChat, QQ or address on file"
            case .everyRouteFailed: "every route of the last message failed"
            }
        }
    }
    public var studentID: String
    public var studentName: String
    public var className: String
    public var counselorID: String
    public var guardianID: String
    public var guardianName: String
    public var relation: String
    public var reason: Reason
    /// The failed message, for `liaisonctl message show`.
    public var messageID: Int64?
    public var failedAt: Date?
    public init(student: Student, guardian: Guardian, reason: Reason, messageID: Int64? = nil, failedAt: Date? = nil) {
        studentID = student.id; studentName = student.name; className = student.className; counselorID = student.counselorID
        guardianID = guardian.id; guardianName = guardian.name; relation = guardian.relation
        self.reason = reason; self.messageID = messageID; self.failedAt = failedAt
    }
}

public struct UnreachablePage: Codable, Equatable, Sendable {
    public var guardians: [UnreachableGuardian]
    public var total: Int
    /// The guardian id to pass as `after` for the next page.
    public var next: String?
    public init(guardians: [UnreachableGuardian], total: Int, next: String?) { self.guardians = guardians; self.total = total; self.next = next }

    /// By class and student, then guardian; a page after `after` (a guardian id).
    public static func make(_ all: [UnreachableGuardian], after: String?, limit: Int) -> UnreachablePage {
        let sorted = all.sorted { ($0.className, $0.studentID, $0.guardianID) < ($1.className, $1.studentID, $1.guardianID) }
        var from = 0
        if let after, let i = sorted.firstIndex(where: { $0.guardianID == after }) { from = i + 1 }
        let page = Array(sorted.dropFirst(from).prefix(limit))
        return UnreachablePage(guardians: page, total: sorted.count, next: from + page.count < sorted.count ? page.last?.guardianID : nil)
    }
}
