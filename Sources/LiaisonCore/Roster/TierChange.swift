import Foundation

/// A student's tier set in Liaison by the staff who answer for them (issue
/// 16.2, P3.1): special (特殊: mental illness, severe financial hardship,
/// disability, serious illness, family crisis, …) or key (重点关注: academic
/// warning, discipline, repeated absence, …), always with the reasons. It is
/// a tier record like records.csv's, marked as set here (`document` is
/// `liaison`), and the student's tier with it; a later students.csv that
/// still says the old tier does not undo it (the import keeps it and warns
/// `tier_kept`), a later tier record does.
public enum TierChange {
    /// The `document` of a tier record set in Liaison.
    public static let source = "liaison"
    public static let longestReasons = 500

    /// The events of setting `student`'s tier to `tier`: the tier record and
    /// the student changed. Refused for the tier the student has, and
    /// without reasons.
    public static func decide(student: Student, to tier: Tier, reasons: String, actor: String, now: Date,
                              calendar: SchoolCalendar) throws -> [Event] {
        let why = reasons.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else {
            throw LiaisonError.invalid("--reason is empty: say why \(student.id) is \(tier.rawValue) (\(tier.chineseName)), e.g. \(example(tier))")
        }
        guard why.count <= longestReasons, !why.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw LiaisonError.invalid("--reason must be at most \(longestReasons) characters of text, without control characters")
        }
        guard tier != student.tier else {
            throw LiaisonError.conflict("\(student.id) \(student.name) is already \(tier.rawValue) (\(tier.chineseName)); `liaisonctl student tier \(student.id)` shows the history")
        }
        let record = StudentRecord(studentID: student.id, kind: .tier, level: tier.rawValue, date: calendar.day(of: now), reasons: why, document: source)
        var changed = student
        changed.tier = tier
        var payload = changed.fields
        payload["changed"] = "tier"
        return [
            Event(at: now, actor: actor, type: .recordAdded, studentID: student.id, policy: [Policy.tiers], payload: record.fields),
            Event(at: now, actor: actor, type: .studentChanged, studentID: student.id, policy: [Policy.tiers, Policy.archives], payload: payload),
        ]
    }

    static func example(_ tier: Tier) -> String {
        switch tier {
        case .special: "\"家庭变故；需经济资助\""
        case .key: "\"学业预警：本学期两门不及格\""
        case .general: "\"学业恢复正常，解除重点关注\""
        }
    }

    /// The latest tier record of each student, if it was set in Liaison.
    public static func setInLiaison(_ records: [StudentRecord]) -> [String: StudentRecord] {
        var latest: [String: StudentRecord] = [:]
        for r in records where r.kind == .tier {
            if let held = latest[r.studentID], held.date > r.date { continue }
            latest[r.studentID] = r
        }
        return latest.filter { $0.value.document == source }
    }
}

/// `student tier ID`: the student's tier and its history, oldest first.
public struct StudentTier: Codable, Equatable, Sendable {
    public var studentID: String
    public var name: String
    public var tier: Tier
    public var history: [StudentRecord]
    public init(studentID: String, name: String, tier: Tier, history: [StudentRecord]) {
        self.studentID = studentID; self.name = name; self.tier = tier; self.history = history
    }
}
