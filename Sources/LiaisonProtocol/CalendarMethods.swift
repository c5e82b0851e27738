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
