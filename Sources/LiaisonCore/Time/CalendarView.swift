import Foundation

/// What `liaisonctl calendar show` prints (issue 16.1): the school's time
/// zone, today's term or vacation, and the terms with their working days,
/// as the daemon counts them for deadlines and obligations.
public struct CalendarView: Codable, Equatable, Sendable {
    public struct Term: Codable, Equatable, Sendable {
        public var id: String
        public var start: String
        public var end: String
        /// Weeks the term spans, rounded up; working days in it (weekends,
        /// holidays and make-up days as configured).
        public var weeks: Int
        public var workingDays: Int
        public var current: Bool
    }
    public var timeZone: String
    public var today: String
    /// The term today counts for (`SchoolCalendar.term(containing:)`), and
    /// whether it came from the configured calendar or the month.
    public var currentTerm: String
    public var configured: Bool
    public var vacationToday: String?
    public var terms: [Term]
    public var vacations: [Vacation]
    /// Within the shown terms and vacations (all of them without `--term`).
    public var holidays: [String]
    public var workdays: [String]

    /// The view at `now`; `term` narrows it to one configured term, its
    /// holidays and the vacations that touch it (the day after it ends, the
    /// day before it starts).
    public init(_ calendar: SchoolCalendar, now: Date, term: String? = nil) throws {
        let today = calendar.day(of: now)
        timeZone = calendar.timeZone.identifier
        self.today = today
        let current = calendar.term(containing: now)
        currentTerm = current
        configured = calendar.academicTerm(containing: now) != nil
        vacationToday = calendar.academic.vacation(onDay: today)?.id
        var shown = calendar.academic.terms
        var vacations = calendar.academic.vacations
        if let id = term {
            guard let t = calendar.academic.term(id: id) else {
                let known = calendar.academic.terms.map(\.id)
                throw LiaisonError.notFound("no term \(id) in the calendar; "
                    + (known.isEmpty ? "school.terms in the daemon config is empty" : "it has \(known.joined(separator: ", "))"))
            }
            shown = [t]
            vacations = vacations.filter { v in
                calendar.nextDay(v.end) == t.start || calendar.nextDay(t.end) == v.start
            }
        }
        terms = shown.map { t in
            let days = calendar.daysBetween(t.start, t.end) + 1
            return Term(id: t.id, start: t.start, end: t.end, weeks: (days + 6) / 7, workingDays: calendar.workingDays(from: t.start, to: t.end),
                        current: t.id == current)
        }
        self.vacations = vacations
        let spans = shown.map { ($0.start, $0.end) } + vacations.map { ($0.start, $0.end) }
        let all = term == nil
        func within(_ d: String) -> Bool { all || spans.contains { $0.0 <= d && d <= $0.1 } }
        holidays = calendar.holidays.filter(within).sorted()
        workdays = calendar.workdays.filter(within).sorted()
    }
}
