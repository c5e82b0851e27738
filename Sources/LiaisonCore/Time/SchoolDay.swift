import Foundation

/// School-time days (`yyyy-MM-dd`, which compare as text) and their
/// arithmetic, by day numbers (days since 1970-01-01, `Event.civil`), not
/// Foundation's Calendar: terms, obligations and working days ask these for
/// every student of a request.
extension SchoolCalendar {
    /// `2026-11-28` as its day number; nil if it is not a date.
    public static func dayNumber(_ day: String) -> Int? {
        let b = Array(day.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { guard (0x30...0x39).contains(b[i]) else { return nil }; v = v * 10 + Int64(b[i] - 0x30) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), (1...31).contains(d) else { return nil }
        let n = Int(Event.days(fromCivil: y, m, d))
        // 2026-02-31 is no day.
        return dayText(n) == day ? n : nil
    }

    /// A day number as `2026-11-28`.
    public static func dayText(_ n: Int) -> String {
        let (y, m, d) = Event.civil(fromDays: Int64(n))
        return "\(pad(Int(y), 4))-\(pad(Int(m)))-\(pad(Int(d)))"
    }

    /// The school-time day number of an instant.
    public func dayNumber(of date: Date) -> Int {
        let offset = timeZone.secondsFromGMT(for: date)
        return Int((Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)).floorDiv(86400))
    }

    /// `2026-11-28`: the school-time date of an instant.
    public func day(of date: Date) -> String { Self.dayText(dayNumber(of: date)) }

    /// The instant a school-time day begins (00:00 school time).
    public func startOfDay(_ day: String) -> Date? { day.count == 10 ? parse(day) : nil }

    /// `day` moved by `n` days (itself if it is not a date).
    public func adding(days n: Int, to day: String) -> String { Self.dayNumber(day).map { Self.dayText($0 + n) } ?? day }

    /// The day after `day`.
    public func nextDay(_ day: String) -> String? { Self.dayNumber(day).map { Self.dayText($0 + 1) } }

    /// Whole days from one day to another (0 if either is not a date).
    public func daysBetween(_ from: String, _ to: String) -> Int {
        guard let a = Self.dayNumber(from), let b = Self.dayNumber(to) else { return 0 }
        return b - a
    }

    /// Whether a day is worked: Monday to Friday, less the holidays, plus
    /// the make-up working days (调休).
    public func isWorkingDay(number n: Int) -> Bool {
        let day = Self.dayText(n)
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        // 1970-01-01 was a Thursday: 0 is Sunday, 6 Saturday.
        let weekday = ((n + 4) % 7 + 7) % 7
        return weekday != 0 && weekday != 6
    }

    /// The working days from `from` to `to`, both counted.
    public func workingDays(from: String, to: String) -> Int {
        guard let a = Self.dayNumber(from), let b = Self.dayNumber(to), a <= b else { return 0 }
        return (a...b).count { isWorkingDay(number: $0) }
    }
}
