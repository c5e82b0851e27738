import Foundation

/// Every kind of event in the log. The raw values are stored; never rename one.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case caseOpened = "case.opened"
    case caseNoted = "case.noted"
    case caseClosed = "case.closed"
    case contactLogged = "contact.logged"
    case studentAdded = "student.added"
    case studentChanged = "student.changed"
    case guardianAdded = "guardian.added"
    case guardianChanged = "guardian.changed"
    case staffAdded = "staff.added"
    case staffChanged = "staff.changed"
    case rosterImported = "roster.imported"
}

/// One entry of the append-only event log: who, when, what, and the policy
/// clauses it serves. The log is the truth; every table beside it is a
/// projection that can be rebuilt from it.
public struct Event: Codable, Sendable, Equatable {
    /// Assigned by the store when the event is appended.
    public var seq: Int64?
    public var at: Date
    /// A staff id, `root`, or `system`.
    public var actor: String
    public var type: EventType
    public var caseID: String?
    public var studentID: String?
    public var policy: [String]
    public var payload: [String: String]

    public init(seq: Int64? = nil, at: Date, actor: String, type: EventType, caseID: String? = nil,
                studentID: String? = nil, policy: [String], payload: [String: String] = [:]) {
        self.seq = seq; self.at = at; self.actor = actor; self.type = type; self.caseID = caseID
        self.studentID = studentID; self.policy = policy; self.payload = payload
    }

    /// Instants inside payloads: ISO 8601, UTC, millisecond precision.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func parseTimestamp(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
