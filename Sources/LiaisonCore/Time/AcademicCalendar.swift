import Foundation

/// One term of the academic year (学期), its first and last day in school
/// time as `yyyy-MM-dd` (issue 16.1). `2026-2027-1` is the first term of
/// academic year 2026–2027, `2026-2027-2` the second. The per-term contact
/// every parent is owed (P2.2.1), the ledger and the reports count by it.
public struct AcademicTerm: Codable, Equatable, Sendable {
    public var id: String
    public var start: String
    public var end: String
    public init(id: String, start: String, end: String) { self.id = id; self.start = start; self.end = end }

    /// The academic year's first calendar year and the term's number, from a
    /// well-formed id: `2026-2027-1` → (2026, 1).
    public static func parts(of id: String) -> (year: Int, number: Int)? {
        let p = id.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 4, let a = Int(p[0]), let b = Int(p[1]), b == a + 1,
              let n = Int(p[2]), n == 1 || n == 2, p[2].count == 1 else { return nil }
        return (a, n)
    }
}

/// A winter or summer vacation (寒假, 暑假): the home visits of P2.4 are
/// planned for these.
public struct Vacation: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case winter, summer
        public var chineseName: String { self == .winter ? "寒假" : "暑假" }
    }
    public var id: String
    public var kind: Kind
    public var start: String
    public var end: String
    public init(id: String, kind: Kind, start: String, end: String) { self.id = id; self.kind = kind; self.start = start; self.end = end }
}

/// The academic calendar as the config writes it: terms and vacations in
/// order, none overlapping. Days are `yyyy-MM-dd`, which compare as text.
public struct AcademicCalendar: Codable, Equatable, Sendable {
    public var terms: [AcademicTerm]
    public var vacations: [Vacation]

    public init(terms: [AcademicTerm] = [], vacations: [Vacation] = []) {
        self.terms = terms.sorted { $0.start < $1.start }
        self.vacations = vacations.sorted { $0.start < $1.start }
    }

    /// The term a day belongs to: the one in progress, or between terms the
    /// next to start (a contact in the winter vacation counts for the spring
    /// term: the autumn term's was due by its last day). Nil before the
    /// first term's academic year or after the last term ends.
    public func term(onDay day: String) -> AcademicTerm? {
        guard let last = terms.last, day <= last.end, let first = terms.first else { return nil }
        if day < first.start {
            // The days before the first configured term count for it only
            // within its academic year (from August 1st of its first year).
            guard let p = AcademicTerm.parts(of: first.id) else { return nil }
            let from = p.number == 1 ? "\(p.year)-08-01" : "\(p.year + 1)-02-01"
            return day >= from ? first : nil
        }
        return terms.first { day <= $0.end }
    }

    public func vacation(onDay day: String) -> Vacation? {
        vacations.first { $0.start <= day && day <= $0.end }
    }

    public func term(id: String) -> AcademicTerm? { terms.first { $0.id == id } }

    /// What is wrong with the calendar as a whole (each entry already well
    /// formed): overlaps and order, each naming both entries.
    public func problems() -> [String] {
        var out: [String] = []
        for (a, b) in zip(terms, terms.dropFirst()) where b.start <= a.end {
            out.append("terms \(a.id) (\(a.start) to \(a.end)) and \(b.id) (\(b.start) to \(b.end)) overlap")
        }
        var seen: Set<String> = []
        for t in terms where !seen.insert(t.id).inserted { out.append("term \(t.id) is given twice") }
        for (a, b) in zip(terms, terms.dropFirst()) where b.id < a.id {
            out.append("term \(b.id) starts after \(a.id) but its id says it comes before; check the ids and dates")
        }
        for (a, b) in zip(vacations, vacations.dropFirst()) where b.start <= a.end {
            out.append("vacations \(a.id) and \(b.id) overlap")
        }
        for v in vacations {
            if let t = terms.first(where: { $0.start <= v.end && v.start <= $0.end }) {
                out.append("vacation \(v.id) (\(v.start) to \(v.end)) overlaps term \(t.id) (\(t.start) to \(t.end))")
            }
        }
        return out
    }
}

extension SchoolCalendar {
    /// The configured term of an instant, if the calendar has one for it.
    public func academicTerm(containing date: Date) -> AcademicTerm? { academic.term(onDay: day(of: date)) }

    /// What the configured calendar lacks at `now`, said once at start: no
    /// terms at all, or the last one ending within 60 days (its academic
    /// year is nearly over and the next is not written yet). Nil if fine.
    public func calendarGap(at now: Date) -> String? {
        guard let last = academic.terms.last else {
            return "school.terms is empty: terms are guessed from the month (August–January, February–July)"
        }
        let today = day(of: now)
        guard let soon = calendar.date(byAdding: .day, value: 60, to: now).map(day(of:)), soon > last.end else { return nil }
        return today > last.end ? "the academic calendar ended with term \(last.id) on \(last.end)"
            : "the academic calendar ends with term \(last.id) on \(last.end)"
    }

}
