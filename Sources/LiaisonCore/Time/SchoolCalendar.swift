import Foundation

/// School time: the time zone every deadline, term and displayed time is in
/// (Asia/Shanghai by default), and the academic terms. Until the academic
/// calendar arrives from config, terms follow the usual Chinese pattern: the
/// first term runs August–January, the second February–July.
public struct SchoolCalendar: Sendable {
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.timeZone = timeZone
    }

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    public func year(of date: Date) -> Int { calendar.component(.year, from: date) }

    /// `n` working days after `date`, at the same time of day: Saturdays and
    /// Sundays are skipped. (Holidays and make-up days come with the
    /// academic calendar in config.)
    public func addingWorkingDays(_ n: Int, to date: Date) -> Date {
        var d = date
        var left = n
        while left > 0 {
            d = calendar.date(byAdding: .day, value: 1, to: d)!
            let weekday = calendar.component(.weekday, from: d)
            if weekday != 1 && weekday != 7 { left -= 1 }
        }
        return d
    }

    /// `2026-2027-1` for the first term of academic year 2026–2027.
    public func term(containing date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month], from: date)
        let (y, m) = (parts.year!, parts.month!)
        switch m {
        case 8...12: return "\(y)-\(y + 1)-1"
        case 1: return "\(y - 1)-\(y)-1"
        default: return "\(y - 1)-\(y)-2"
        }
    }

    /// Reads a time a person typed: ISO 8601 with an offset, or a school-time
    /// `2026-11-28 22:40`, `2026-11-28T22:40[:05]`, or a date alone.
    public func parse(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = Event.parseTimestamp(t) { return d }
        for pattern in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = timeZone
            f.dateFormat = pattern
            if let d = f.date(from: t) { return d }
        }
        return nil
    }

    /// `2026-11-28 22:40` in school time.
    public func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
