import Foundation

public enum CaseState: String, Codable, Sendable, CaseIterable {
    case open, closed
}

/// The current state of a case: a projection of its events.
public struct CaseRecord: Codable, Sendable, Equatable {
    public var id: String
    public var kind: CaseKind
    public var studentID: String
    /// The student's counselor when the case was opened: whose case it is.
    public var counselorID: String
    public var state: CaseState
    public var summary: String
    public var occurredAt: Date
    public var openedAt: Date
    public var openedBy: String
    public var updatedAt: Date
    public var closedAt: Date?
    public var closedBy: String?
    public var resolution: String?
    public var noteCount: Int
    /// The version of the rulebook the case was opened under (pinned).
    public var rulebookVersion: Int = 0
    public var steps: [StepState] = []
    /// The sanction level and effective date, where the kind has them.
    public var facts = CaseFacts()

    public init(id: String, kind: CaseKind, studentID: String, counselorID: String, state: CaseState = .open,
                summary: String, occurredAt: Date, openedAt: Date, openedBy: String, updatedAt: Date,
                closedAt: Date? = nil, closedBy: String? = nil, resolution: String? = nil, noteCount: Int = 0) {
        self.id = id; self.kind = kind; self.studentID = studentID; self.counselorID = counselorID
        self.state = state; self.summary = summary; self.occurredAt = occurredAt; self.openedAt = openedAt
        self.openedBy = openedBy; self.updatedAt = updatedAt; self.closedAt = closedAt; self.closedBy = closedBy
        self.resolution = resolution; self.noteCount = noteCount
    }

    /// Case ids read `C2026-0007`: the school-time year of opening and a
    /// sequence that restarts each year.
    public static func makeID(year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "C\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
