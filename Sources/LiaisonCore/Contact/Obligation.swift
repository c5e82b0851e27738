import Foundation

/// How often a tier's parents are owed an individual contact (P3.1: special
/// students contacted frequently, key students more than the rest, the rest
/// kept in touch; P2.2.1: every parent at least once a term).
public enum ContactInterval: Equatable, Sendable, Codable, CustomStringConvertible {
    /// Once in the term.
    case term
    /// Once in every `n` days of the term, counted from its first day.
    case days(Int)

    public var description: String {
        switch self {
        case .term: "term"
        case let .days(n): "\(n)d"
        }
    }

    /// `term`, `14d`, `2w`.
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "term" { self = .term; return }
        guard let unit = t.last, "dw".contains(unit), let n = Int(t.dropLast()), n > 0 else { return nil }
        self = .days(unit == "w" ? n * 7 : n)
    }
}

/// The intervals per tier (`obligations.intervals` in the config). The
/// defaults are this project's reading of P3.1: general once a term, key
/// monthly (30 days), special fortnightly (14 days).
public struct ContactIntervals: Equatable, Sendable {
    public var general: ContactInterval = .term
    public var key: ContactInterval = .days(30)
    public var special: ContactInterval = .days(14)
    public init() {}
    public subscript(tier: Tier) -> ContactInterval {
        switch tier {
        case .general: general
        case .key: key
        case .special: special
        }
    }
}

/// What shows a guardian was individually reached (P2.2.1): a logged
/// contact (call, meeting, home visit, chat, a letter sent), or a case
/// notice a receipt says was delivered. A campaign to many parents is none.
public struct ContactEvidence: Codable, Equatable, Sendable {
    public var at: Date
    public var channel: String
    /// `contact 12` or `message 34`: where it is recorded.
    public var source: String
    public init(at: Date, channel: String, source: String) { self.at = at; self.channel = channel; self.source = source }
}

/// One student's contact obligation at a moment: the period it falls in,
/// whether it is met and by what, and what was missed before (P2.2.1, P3.1).
public struct Obligation: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable, Comparable {
        /// The period before this one had no contact either (or the term
        /// ended without one): more than an interval without contact.
        case overdue
        /// Owed by `dueBy`.
        case due
        /// Met in this period; the next is owed by `nextDue`.
        case done

        public var chineseName: String {
            switch self {
            case .overdue: "逾期"
            case .due: "待联系"
            case .done: "已联系"
            }
        }
        static let order: [Status] = [.overdue, .due, .done]
        public static func < (a: Self, b: Self) -> Bool { order.firstIndex(of: a)! < order.firstIndex(of: b)! }
    }

    public var studentID: String
    public var studentName: String
    public var className: String
    public var counselorID: String
    public var tier: Tier
    public var term: String
    public var interval: String
    /// The current period's first and last day (school time, yyyy-MM-dd).
    public var periodStart: String
    public var dueBy: String
    public var status: Status
    public var satisfiedBy: ContactEvidence?
    public var lastContact: ContactEvidence?
    /// Earlier periods of this term that had no contact.
    public var missedPeriods: Int
    /// When met: the last day of the next period, nil if the term ends first.
    public var nextDue: String?
}

/// The rule, pure: a student's obligation in a term on a day, from the
/// contacts and delivered notices of that term (issue 16.3).
public enum ObligationRule {
    /// By day numbers (days since 1970-01-01 in school time), not
    /// Foundation's Calendar: the school's 30,000 students are decided in one
    /// request.
    public static func decide(student: Student, term: AcademicTerm, interval: ContactInterval, evidence: [ContactEvidence],
                              today: String, calendar: SchoolCalendar) -> Obligation {
        let first = SchoolCalendar.dayNumber(term.start) ?? 0, last = SchoolCalendar.dayNumber(term.end) ?? first
        let length = last - first + 1
        let periodDays = switch interval {
        case .term: length
        case let .days(n): n
        }
        // The period of today: the first before the term, the last after it.
        let now = SchoolCalendar.dayNumber(today) ?? first
        let index = min(max(now - first, 0), length - 1) / periodDays
        func bounds(_ k: Int) -> (Int, Int) { (first + k * periodDays, min(first + (k + 1) * periodDays - 1, last)) }
        let days = evidence.map { (calendar.dayNumber(of: $0.at), $0) }.sorted { $0.0 < $1.0 }
        func met(_ k: Int) -> ContactEvidence? {
            let (s, e) = bounds(k)
            return days.last { $0.0 >= s && $0.0 <= e }?.1
        }
        let (start, due) = bounds(index)
        let satisfied = met(index)
        let missed = (0..<index).filter { met($0) == nil }.count
        let status: Obligation.Status = if satisfied != nil { .done }
            else if now > last || (index > 0 && met(index - 1) == nil) { .overdue }
            else { .due }
        let next = bounds(index + 1)
        return Obligation(studentID: student.id, studentName: student.name, className: student.className, counselorID: student.counselorID,
                          tier: student.tier, term: term.id, interval: interval.description, periodStart: SchoolCalendar.dayText(start),
                          dueBy: SchoolCalendar.dayText(due), status: status, satisfiedBy: satisfied, lastContact: days.last?.1,
                          missedPeriods: missed, nextDue: satisfied != nil && next.0 <= last ? SchoolCalendar.dayText(next.1) : nil)
    }

    /// Most urgent first: overdue (the most missed, then the longest since
    /// a contact), then due by the nearest day, then done; ties by student.
    public static func urgency(_ a: Obligation, _ b: Obligation) -> Bool {
        if a.status != b.status { return a.status < b.status }
        if a.status == .overdue, a.missedPeriods != b.missedPeriods { return a.missedPeriods > b.missedPeriods }
        let la = a.lastContact?.at ?? .distantPast, lb = b.lastContact?.at ?? .distantPast
        if a.status != .done, la != lb { return la < lb }
        if a.dueBy != b.dueBy { return a.dueBy < b.dueBy }
        return a.studentID < b.studentID
    }
}

extension SchoolCalendar {
    /// A term's first and last day: as configured, or outside the configured
    /// calendar the month pattern's (August 1st–January 31st, February
    /// 1st–July 31st). Nil for an id that is not a term's.
    public func termBounds(_ id: String) -> AcademicTerm? {
        if let t = academic.term(id: id) { return t }
        guard let p = AcademicTerm.parts(of: id) else { return nil }
        if p.number == 1 {
            return AcademicTerm(id: id, start: "\(Self.pad(p.year, 4))-08-01", end: "\(Self.pad(p.year + 1, 4))-01-31")
        }
        return AcademicTerm(id: id, start: "\(Self.pad(p.year + 1, 4))-02-01", end: "\(Self.pad(p.year + 1, 4))-07-31")
    }
}

/// Which obligations to list (`liaisonctl obligations`).
public struct ObligationFilter: Codable, Equatable, Sendable {
    public var term: String?
    /// Only those owed within this many days (and the overdue).
    public var dueWithinDays: Int?
    public var overdueOnly = false
    public var tier: Tier?
    public var className: String?
    public var counselorID: String?
    public var college: String?
    public var limit = 100
    /// Continue after this student (the previous page's last).
    public var after: String?
    public init() {}

    public func keeps(_ o: Obligation, today: String, calendar: SchoolCalendar) -> Bool {
        if overdueOnly && o.status != .overdue { return false }
        if let t = tier, o.tier != t { return false }
        if let n = dueWithinDays {
            guard o.status == .overdue || (o.status == .due && o.dueBy <= calendar.adding(days: n, to: today)) else { return false }
        }
        return true
    }
}

/// A page of obligations, most urgent first, with the counts by status of
/// the students asked about (before `--overdue` and `--due-within`).
public struct ObligationPage: Codable, Equatable, Sendable {
    public var term: String
    public var today: String
    public var obligations: [Obligation]
    public var total: Int
    public var next: String?
    public var overdue: Int
    public var due: Int
    public var done: Int
    public init(term: String, today: String, obligations: [Obligation], total: Int, next: String?, overdue: Int, due: Int, done: Int) {
        self.term = term; self.today = today; self.obligations = obligations; self.total = total; self.next = next
        self.overdue = overdue; self.due = due; self.done = done
    }

    /// The selection, sorted and paged.
    public static func make(_ all: [Obligation], filter: ObligationFilter, term: String, today: String, calendar: SchoolCalendar) -> ObligationPage {
        let kept = all.filter { filter.keeps($0, today: today, calendar: calendar) }.sorted(by: ObligationRule.urgency)
        var from = 0
        if let after = filter.after, let i = kept.firstIndex(where: { $0.studentID == after }) { from = i + 1 }
        let page = Array(kept.dropFirst(from).prefix(filter.limit))
        let more = from + page.count < kept.count
        // The counts are of the students asked about (scope, class, tier), not only the page's status filter:
        // `--overdue` still says how many are due and done.
        let asked = all.filter { filter.tier == nil || $0.tier == filter.tier }
        func count(_ s: Obligation.Status) -> Int { asked.count { $0.status == s } }
        return ObligationPage(term: term, today: today, obligations: page, total: kept.count, next: more ? page.last?.studentID : nil,
                              overdue: count(.overdue), due: count(.due), done: count(.done))
    }
}
