/// How strong the proof is that a parent was reached (POLICY P2.2.3: parents
/// must really be told). Ordered: a step that asks for `acknowledged` is done
/// by `acknowledged` or `inPerson`, never by `attempted` or `delivered`.
public enum EvidenceLevel: Int, Codable, Sendable, Comparable, CaseIterable {
    /// A message was handed to a channel or a call was placed: sent, not known to arrive.
    case attempted = 1
    /// A channel receipt says it reached the parent's device or address.
    case delivered = 2
    /// The parent replied or confirmed; a phone call logged as answered counts.
    case acknowledged = 3
    /// A meeting with the parent present, recorded.
    case inPerson = 4

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .attempted: "attempted"
        case .delivered: "delivered"
        case .acknowledged: "acknowledged"
        case .inPerson: "in-person"
        }
    }

    public init?(name: String) {
        guard let v = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    /// Written as its name ("delivered"), so `--json` and stored rows read
    /// as words; the integers older rows and pinned rulebooks hold still read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self), let v = Self(rawValue: n) { self = v; return }
        let text = try c.decode(String.self)
        guard let v = Self(name: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(text)\" is not an evidence level (attempted, delivered, acknowledged, in-person)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

/// Who is told when a step's deadline passes, in order.
public enum EscalationTarget: String, Codable, Sendable, CaseIterable {
    /// The student's counselor (a reminder).
    case counselor
    /// The supervisor (分管领导) of the student's college.
    case supervisor
    /// The Student Affairs Office (学生工作处).
    case office
}

/// When a step applies to a case at all.
public enum StepCondition: String, Codable, Sendable, CaseIterable {
    /// The student is under 18 when the case opens.
    case minor
    /// The student's tier is special or key (P3.1).
    case keyAttention = "key-attention"
    /// The sanction is expulsion (开除学籍) or above: only then do parents
    /// come to campus (P2.2.3); lesser ones go in the term-end notice (P2.2.2).
    case expulsion
}

/// A span of time a deadline adds to its anchor.
public enum DeadlineSpan: Codable, Sendable, Equatable {
    case hours(Int)
    /// Working days of the academic calendar (weekdays that are not holidays).
    case workingDays(Int)
}

/// A deadline: a span after the case opened or after another step was done.
public struct DeadlineRule: Codable, Sendable, Equatable {
    /// nil: the case's opening. Otherwise the id of the step whose completion starts the clock.
    public var afterStep: String?
    public var span: DeadlineSpan
    /// When the case has an effective date (a suspension, a withdrawal)
    /// that comes sooner, the step is due before it instead (`before_effective: true`).
    public var beforeEffective: Bool?

    public init(afterStep: String?, span: DeadlineSpan, beforeEffective: Bool = false) {
        self.afterStep = afterStep; self.span = span; self.beforeEffective = beforeEffective ? true : nil
    }
}

/// One step of a rulebook.
public struct StepRule: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var mandatory: Bool
    /// A step that tells parents: done only with evidence at or above `evidence`.
    public var notifiesParents: Bool
    public var evidence: EvidenceLevel
    public var due: DeadlineRule?
    public var escalate: [EscalationTarget]
    public var when: StepCondition?
    public var policy: [String]
    /// Where the step is written, `file:line:column`, for every complaint about it.
    public var source: String
    /// The message topic sent to the student's guardians when the step
    /// becomes pending (a template in Config/templates/messages), or nil.
    public var message: String?

    public init(id: String, title: String, mandatory: Bool, notifiesParents: Bool, evidence: EvidenceLevel,
                due: DeadlineRule?, escalate: [EscalationTarget], when: StepCondition? = nil, policy: [String], source: String,
                message: String? = nil) {
        self.id = id; self.title = title; self.mandatory = mandatory; self.notifiesParents = notifiesParents
        self.evidence = evidence; self.due = due; self.escalate = escalate; self.when = when; self.policy = policy
        self.source = source; self.message = message
    }
}

/// The rules of one kind of case: its steps, deadlines and escalation.
public struct Rulebook: Codable, Sendable, Equatable {
    public var kind: CaseKind
    public var version: Int
    public var title: String
    public var policy: [String]
    public var steps: [StepRule]
    public var source: String
    /// Its messages to parents go at once, quiet hours or not (an accident,
    /// an illness, a crisis); otherwise they wait for the morning. nil in
    /// rulebooks pinned before the key existed: the template decides.
    public var urgent: Bool?
    /// Its content is for the case's counselor, the college's supervisors
    /// and the office only (issue 14, `SensitiveCase`); nil: the kind decides.
    public var sensitive: Bool?
    /// The tier a case of this kind proposes for its student when theirs is
    /// lower (P3.1, issue 16.2): the counselor confirms it. nil: none.
    public var proposesTier: Tier?

    public init(kind: CaseKind, version: Int, title: String, policy: [String], steps: [StepRule], source: String, urgent: Bool? = nil,
                sensitive: Bool? = nil, proposesTier: Tier? = nil) {
        self.kind = kind; self.version = version; self.title = title; self.policy = policy; self.steps = steps
        self.source = source; self.urgent = urgent; self.sensitive = sensitive; self.proposesTier = proposesTier
    }

    public func step(_ id: String) -> StepRule? { steps.first { $0.id == id } }
}
