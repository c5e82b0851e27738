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
    /// The tier the case's rulebook proposes for a student of a lower one
    /// (a psychological crisis → special, issue 16.2): the counselor
    /// confirms it with `student tier --set`; found by the engine.
    public var proposedTier: Tier?

    public init(sanctionLevel: SanctionLevel? = nil, effectiveAt: Date? = nil, unreachable: Bool = false) {
        self.sanctionLevel = sanctionLevel; self.effectiveAt = effectiveAt; self.unreachable = unreachable
    }

    public var isEmpty: Bool { sanctionLevel == nil && effectiveAt == nil && !unreachable && proposedTier == nil }

    /// The opening event's payload fields for these facts.
    public var payload: [String: String] {
        var p: [String: String] = [:]
        if let s = sanctionLevel { p["sanction_level"] = s.rawValue }
        if let e = effectiveAt { p["effective_at"] = Event.timestamp(e) }
        if unreachable { p["unreachable"] = "true" }
        if let t = proposedTier { p["proposed_tier"] = t.rawValue }
        return p
    }

    public init(payload p: [String: String]) {
        sanctionLevel = p["sanction_level"].flatMap(SanctionLevel.init(rawValue:))
        effectiveAt = Event.parseTimestamp(p["effective_at"])
        unreachable = p["unreachable"] == "true"
        proposedTier = p["proposed_tier"].flatMap(Tier.init(rawValue:))
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
