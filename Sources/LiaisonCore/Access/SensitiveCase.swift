/// A sensitive case (issue 14.2): its content — summary, notes, the texts
/// of its timeline — is for the case's counselor, the supervisors of the
/// student's college and the Student Affairs Office; others who answer for
/// the student (a class teacher, another counselor of the class) see that
/// the case exists, its steps and its deadlines. A rulebook says
/// `sensitive: true`; without the key, a psychological crisis is sensitive.
public enum SensitiveCase {
    /// Payload keys that hold what people wrote or said (everything else is
    /// steps, times, ids and levels).
    static let textKeys: Set<String> = ["summary", "text", "note", "reason", "resolution", "with", "feedback", "reply"]

    public static let withheld = "（敏感案件：内容仅本案辅导员、学院分管领导和学生工作处可见）"

    public static func isSensitive(_ kind: CaseKind, rulebook: Rulebook?) -> Bool {
        rulebook?.sensitive ?? (kind == .psychologicalCrisis)
    }

    /// Whether `who` may read the content of a sensitive case of `student`
    /// in their own right. (An administrator reads it only by break-glass,
    /// which shows what the office sees; root sees it as the office does.)
    public static func mayRead(_ who: Staff, case c: CaseRecord, student: Student) -> Bool {
        switch who.role {
        case .office: true
        case .admin: who.isSuperuser
        case .supervisor: !who.college.isEmpty && who.college == student.college
        case .counselor: c.counselorID == who.id
        case .teacher, .ops: false
        }
    }

    /// The case as someone in scope who may not read its content sees it.
    public static func withhold(_ c: CaseRecord) -> CaseRecord {
        var c = c
        c.summary = withheld
        if c.resolution != nil { c.resolution = withheld }
        return c
    }

    public static func withhold(_ d: CaseDetail) -> CaseDetail {
        var d = d
        d.record = withhold(d.record)
        d.events = d.events.map { e in
            var e = e
            for k in e.payload.keys where textKeys.contains(k) { e.payload[k] = withheld }
            return e
        }
        return d
    }
}
