import Foundation

/// One individual contact with a student's parent: what the per-term
/// obligation counts (P2.2.1) and what "recorded when done" means (P3.2).
public struct ContactRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var studentID: String
    public var guardianID: String
    public var channel: ContactChannel
    public var topics: [ContactTopic]
    public var summary: String
    public var feedback: String
    public var contactedAt: Date
    public var recordedBy: String
    /// The academic term the contact counts for, e.g. `2026-2027-1`.
    public var term: String

    public init(id: Int64, studentID: String, guardianID: String, channel: ContactChannel, topics: [ContactTopic],
                summary: String, feedback: String, contactedAt: Date, recordedBy: String, term: String) {
        self.id = id; self.studentID = studentID; self.guardianID = guardianID; self.channel = channel
        self.topics = topics; self.summary = summary; self.feedback = feedback; self.contactedAt = contactedAt
        self.recordedBy = recordedBy; self.term = term
    }
}

/// A contact as a counselor reports it, before it is checked.
public struct ContactReport: Sendable {
    public var student: Student
    public var guardian: Guardian
    public var channel: ContactChannel
    public var topics: [ContactTopic]
    public var summary: String
    public var feedback: String
    public var contactedAt: Date?

    public init(student: Student, guardian: Guardian, channel: ContactChannel, topics: [ContactTopic],
                summary: String, feedback: String = "", contactedAt: Date? = nil) {
        self.student = student; self.guardian = guardian; self.channel = channel; self.topics = topics
        self.summary = summary; self.feedback = feedback; self.contactedAt = contactedAt
    }

    /// The `contact.logged` event, or an error that says what to fix.
    public func decide(actor: String, now: Date, calendar: SchoolCalendar) throws -> Event {
        guard guardian.studentID == student.id else {
            throw LiaisonError.invalid("guardian \(guardian.id) (\(guardian.name)) is not a guardian of student \(student.id); `liaisonctl student show \(student.id)` lists them")
        }
        guard !topics.isEmpty else {
            throw LiaisonError.invalid("no topics; name at least one of: \(ContactTopic.usageList)")
        }
        let summary = try requireText(summary, field: "summary")
        let feedback = feedback.trimmingCharacters(in: .whitespacesAndNewlines)
        let at = contactedAt ?? now
        if at.timeIntervalSince(now) > CaseMachine.futureTolerance {
            throw LiaisonError.invalid("contacted_at lies in the future; give the time of the contact")
        }
        var policy = [Policy.termContact, Policy.records]
        for t in topics where !policy.contains(t.policyID) { policy.append(t.policyID) }
        return Event(at: now, actor: actor, type: .contactLogged, studentID: student.id, policy: policy, payload: [
            "guardian": guardian.id, "channel": channel.rawValue,
            "topics": topics.map(\.rawValue).joined(separator: ","), "summary": summary, "feedback": feedback,
            "contacted_at": Event.timestamp(at), "term": calendar.term(containing: at),
        ])
    }
}
