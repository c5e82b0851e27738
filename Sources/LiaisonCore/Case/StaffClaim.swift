import Foundation

/// What a member of staff says happened when they reached (or tried to
/// reach) a guardian. Staff never claim `delivered`: that comes only from a
/// channel's receipt.
public enum ContactOutcome: String, Codable, Sendable, CaseIterable, Bilingual {
    /// They talked (a call answered): the guardian acknowledged.
    case spoke
    /// The call was not answered: an attempt.
    case noAnswer = "no-answer"
    /// A voicemail or a message left with someone: an attempt.
    case leftMessage = "left-message"
    /// Met in person.
    case met

    public var chineseName: String {
        switch self {
        case .spoke: "已通话"
        case .noAnswer: "未接通"
        case .leftMessage: "已留言"
        case .met: "当面见到"
        }
    }

    public var level: EvidenceLevel {
        switch self {
        case .spoke: .acknowledged
        case .noAnswer, .leftMessage: .attempted
        case .met: .inPerson
        }
    }

    public init?(text: String) {
        guard let v = Self.named(text.replacingOccurrences(of: "_", with: "-")) else { return nil }
        self = v
    }
}

/// A staff member's entry for a step, before it is checked against the step.
public struct StaffClaim: Sendable, Equatable {
    /// The guardian reached, resolved by the engine (id, name), for steps that tell parents.
    public var guardianID: String?
    public var guardianName: String?
    public var outcome: ContactOutcome?
    /// For steps that do not tell parents (a report to the counseling
    /// center, a police report): the level, `attempted` when not given.
    public var evidence: EvidenceLevel?
    public var channel: String
    public var note: String

    public init(guardianID: String? = nil, guardianName: String? = nil, outcome: ContactOutcome? = nil,
                evidence: EvidenceLevel? = nil, channel: String = "", note: String = "") {
        self.guardianID = guardianID; self.guardianName = guardianName; self.outcome = outcome
        self.evidence = evidence; self.channel = channel; self.note = note
    }

    /// The level this claim proves for `rule`, and the evidence payload that
    /// records it as a staff claim; refuses claims that prove nothing or that
    /// only a channel may make.
    public func decide(for rule: StepRule) throws -> (level: EvidenceLevel, channel: String, payload: [String: String]) {
        if evidence == .delivered {
            throw LiaisonError.invalid("\"delivered\" comes only from a channel's delivery receipt; say whom you reached and how: --guardian G --outcome \(ContactOutcome.usageList)")
        }
        if rule.notifiesParents {
            if let e = evidence {
                throw LiaisonError.invalid("step \(rule.id) tells parents: instead of --evidence \(e.name), say whom you reached and how: --guardian G --outcome \(ContactOutcome.usageList)")
            }
            guard let outcome else {
                throw LiaisonError.invalid("step \(rule.id) tells parents: say what happened with --outcome \(ContactOutcome.usageList)")
            }
            guard let guardianID else {
                throw LiaisonError.invalid("step \(rule.id) tells parents: say which guardian with --guardian (id, name or relation, as `student show` lists them)")
            }
            let channel = channel.isEmpty ? (outcome == .met ? "visit" : "phone") : channel
            return (outcome.level, channel, ["source": "staff", "guardian": guardianID, "guardian_name": guardianName ?? "", "outcome": outcome.rawValue])
        }
        if let outcome, guardianID == nil {
            throw LiaisonError.invalid("--outcome \(outcome.rawValue) needs --guardian: whom it happened with")
        }
        var payload = ["source": "staff"]
        if let guardianID { payload["guardian"] = guardianID; payload["guardian_name"] = guardianName ?? "" }
        if let outcome { payload["outcome"] = outcome.rawValue }
        return (evidence ?? outcome?.level ?? .attempted, channel, payload)
    }
}
