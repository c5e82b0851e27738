import Foundation

/// Why a message exists, and so who decides what its receipts and replies
/// mean and what happens when no channel can carry it (issue 15). A message
/// of a case names its case and step; the others have none (their case and
/// step are empty).
public enum MessagePurpose: String, Codable, Sendable, CaseIterable {
    /// A case step's notice to the guardians (P2.2.3, P2.2.2's formal
    /// documents): a delivered receipt or a reply is evidence on the step.
    case caseNotice = "case-notice"
    /// A deadline passed: the counselor, supervisors or office are told (P3.3).
    case escalation
    /// A notice to staff that belongs to no case (a break-glass read).
    case staffNotice = "staff-notice"
    /// One recipient of a campaign (term-end good news, anti-fraud, …; P2.2.2, P1.5).
    case campaign
    /// An invitation to an event, answered by RSVP (P1.4, P2.3).
    case invitation
    /// A reminder of a contact obligation (P2.2.1, P3.1).
    case reminder

    /// Whether the message belongs to a case (and names its case and step).
    public var hasCase: Bool { self == .caseNotice || self == .escalation }

    /// Whether a delivered receipt or a reply is evidence on its case step.
    public var takesStepEvidence: Bool { self == .caseNotice }

    /// Whether a message no channel could carry becomes a person's task (the
    /// case's counselor phones): parents must be told of an incident and
    /// escalations must reach someone; a staff notice that cannot go is
    /// recorded failed, with why, and nobody is given a task about it.
    public var fallsToPerson: Bool { hasCase }
}
