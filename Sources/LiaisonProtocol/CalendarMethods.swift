import LiaisonCore

extension Method {
    /// The academic calendar: terms, vacations, working days (issue 16.1).
    public static let calendarShow = "calendar.show"
}

public struct CalendarShowParams: Codable, Sendable {
    /// One term, e.g. 2026-2027-1; nil: the whole calendar.
    public var term: String?
    public init(term: String? = nil) { self.term = term }
}

extension Method {
    /// A student's tier and its history; setting it with reasons (issue 16.2).
    public static let studentTier = "student.tier"
    public static let studentTierSet = "student.tier.set"
}

public struct StudentTierParams: Codable, Sendable {
    public var id: String
    public var tier: String?
    public var reason: String?
    public init(id: String, tier: String? = nil, reason: String? = nil) { self.id = id; self.tier = tier; self.reason = reason }
}

extension Method {
    /// Whose parents are owed a contact this term (issue 16.3).
    public static let obligations = "obligations.list"
    /// Guardians no message can reach, for the counselor to fix the file (issue 16.3, P2.1.1).
    public static let obligationsUnreachable = "obligations.unreachable"
}

public struct ObligationsParams: Codable, Sendable {
    public var term: String?
    /// `7d`, `2w`: owed within that long, and the overdue.
    public var dueWithin: String?
    public var overdue: Bool?
    public var tier: String?
    public var className: String?
    public var counselor: String?
    public var college: String?
    public var limit: Int?
    public var after: String?
    public init(term: String? = nil, dueWithin: String? = nil, overdue: Bool? = nil, tier: String? = nil, className: String? = nil,
                counselor: String? = nil, college: String? = nil, limit: Int? = nil, after: String? = nil) {
        self.term = term; self.dueWithin = dueWithin; self.overdue = overdue; self.tier = tier; self.className = className
        self.counselor = counselor; self.college = college; self.limit = limit; self.after = after
    }
}
