import Foundation

/// The levels of disciplinary sanction (《普通高等学校学生管理规定》 art. 52),
/// lightest first. POLICY P2.2.3 asks for a face-to-face meeting only for
/// expulsion (开除学籍) or above; the lesser ones go to the parents in the
/// term-end formal notice (P2.2.2).
public enum SanctionLevel: String, Codable, Sendable, CaseIterable, Comparable, Bilingual {
    case warning
    case seriousWarning = "serious-warning"
    case demerit
    case probation
    case expulsion

    public var chineseName: String {
        switch self {
        case .warning: "警告"
        case .seriousWarning: "严重警告"
        case .demerit: "记过"
        case .probation: "留校察看"
        case .expulsion: "开除学籍"
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public init?(text: String) {
        guard let v = Self.named(text) else { return nil }
        self = v
    }
}

/// What a case knows beyond its kind and student that its rules depend on:
/// the sanction level (which steps apply) and the date a status change takes
/// effect (which deadlines it brings forward). Travels in `case.opened`.
public struct CaseFacts: Codable, Sendable, Equatable {
    public var sanctionLevel: SanctionLevel?
    /// The first instant of the day a suspension or withdrawal takes
    /// effect, school time.
    public var effectiveAt: Date?
    /// No guardian of the student could be reached by any channel or phone
    /// when the case opened (found by the engine, not typed): flagged.
    public var unreachable: Bool = false

    public init(sanctionLevel: SanctionLevel? = nil, effectiveAt: Date? = nil, unreachable: Bool = false) {
        self.sanctionLevel = sanctionLevel; self.effectiveAt = effectiveAt; self.unreachable = unreachable
    }

    public var isEmpty: Bool { sanctionLevel == nil && effectiveAt == nil && !unreachable }

    /// The opening event's payload fields for these facts.
    public var payload: [String: String] {
        var p: [String: String] = [:]
        if let s = sanctionLevel { p["sanction_level"] = s.rawValue }
        if let e = effectiveAt { p["effective_at"] = Event.timestamp(e) }
        if unreachable { p["unreachable"] = "true" }
        return p
    }

    public init(payload p: [String: String]) {
        sanctionLevel = p["sanction_level"].flatMap(SanctionLevel.init(rawValue:))
        effectiveAt = Event.parseTimestamp(p["effective_at"])
        unreachable = p["unreachable"] == "true"
    }

    /// Checks the facts fit the kind: a sanction needs its level, only a
    /// suspension, withdrawal or expulsion has an effective date.
    public static func check(_ facts: CaseFacts, kind: CaseKind) throws {
        if kind == .sanction, facts.sanctionLevel == nil {
            throw LiaisonError.invalid("a sanction case needs its level: --level \(SanctionLevel.usageList) (P2.2.3: parents come to campus only for 开除学籍)")
        }
        if kind != .sanction, let s = facts.sanctionLevel {
            throw LiaisonError.invalid("--level \(s.rawValue) is for sanction cases; a \(kind.rawValue) case has no sanction level")
        }
        if facts.effectiveAt != nil, ![.suspension, .withdrawal].contains(kind), facts.sanctionLevel != .expulsion {
            throw LiaisonError.invalid("--effective is for a suspension, a withdrawal or an expulsion: the date the status change takes effect")
        }
    }
}

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
