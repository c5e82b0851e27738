import Foundation

/// School time: the time zone every deadline, term and displayed time is in
/// (Asia/Shanghai by default), working days, and the academic calendar
/// (`AcademicCalendar`, from the config's `school.terms` and
/// `school.vacations`). One definition: deadlines, contacts, the ledger and
/// the letters a plugin prints all ask this. Outside the configured terms,
/// terms follow the usual Chinese pattern: the first runs August–January,
/// the second February–July.
public struct SchoolCalendar: Sendable {
    public let timeZone: TimeZone
    /// Days off that fall on weekdays (national holidays), as `yyyy-MM-dd`.
    public var holidays: Set<String>
    /// Weekend days that are working days (调休 make-up days), as `yyyy-MM-dd`.
    public var workdays: Set<String>
    /// Terms and vacations (issue 16.1).
    public var academic: AcademicCalendar

    /// Built once: a Calendar per question showed on the commit path.
    public let calendar: Calendar

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, holidays: Set<String> = [], workdays: Set<String> = [],
                academic: AcademicCalendar = AcademicCalendar()) {
        self.timeZone = timeZone
        self.holidays = holidays
        self.workdays = workdays
        self.academic = academic
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        calendar = c
    }

    public func year(of date: Date) -> Int { calendar.component(.year, from: date) }

    /// `n` working days after `date`, at the same time of day: weekends and
    /// holidays are skipped, make-up working days (调休) count.
    public func addingWorkingDays(_ n: Int, to date: Date) -> Date {
        var d = date
        var left = n
        while left > 0 {
            d = calendar.date(byAdding: .day, value: 1, to: d)!
            if isWorkingDay(d) { left -= 1 }
        }
        return d
    }

    public func isWorkingDay(_ date: Date) -> Bool { isWorkingDay(number: dayNumber(of: date)) }

    /// `2026-2027-1` for the first term of academic year 2026–2027: the
    /// configured term in progress or the next to start; outside the
    /// configured calendar, by the month.
    public func term(containing date: Date) -> String {
        if let t = academicTerm(containing: date) { return t.id }
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
        // By hand, not DateFormatter: building one costs more than a whole
        // request, and this runs for every birth date a rule looks at.
        let b = Array(t.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count else { return nil }
            var v = 0
            for i in r { guard (0x30...0x39).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard [10, 16, 19].contains(b.count), b[4] == 0x2D, b[7] == 0x2D, let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10) else { return nil }
        var c = DateComponents(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0)
        if b.count >= 16 {
            guard b[10] == 0x20 || b[10] == 0x54, b[13] == 0x3A, let h = num(11..<13), let mi = num(14..<16) else { return nil }
            c.hour = h; c.minute = mi
            if b.count == 19 {
                guard b[16] == 0x3A, let s = num(17..<19) else { return nil }
                c.second = s
            }
        }
        guard (1...12).contains(mo), (1...31).contains(d), (0...23).contains(c.hour!), (0...59).contains(c.minute!), (0...59).contains(c.second!),
              let date = calendar.date(from: c), calendar.component(.day, from: date) == d else { return nil }
        return date
    }

    /// `2027-03-01T09:30:00+08:00`: an instant in school time with its
    /// offset, as the daemon tells a channel plugin when it sends
    /// (`liaison_message.sent_at`), so a letter is dated by the daemon's
    /// clock and the school's date.
    public func isoTimestamp(_ date: Date) -> String {
        let w = wallClock(date)
        let sign = w.offset < 0 ? "-" : "+", off = abs(w.offset) / 60
        return "\(Self.pad(w.year, 4))-\(Self.pad(w.month))-\(Self.pad(w.day))T\(Self.pad(w.hour)):\(Self.pad(w.minute)):\(Self.pad(w.second))"
            + "\(sign)\(Self.pad(off / 60)):\(Self.pad(off % 60))"
    }

    /// `2026-11-28 22:40` in school time.
    public func format(_ date: Date) -> String {
        let w = wallClock(date)
        return "\(Self.pad(w.year, 4))-\(Self.pad(w.month))-\(Self.pad(w.day)) \(Self.pad(w.hour)):\(Self.pad(w.minute))"
    }

    /// The school-time wall clock of an instant, by arithmetic on the
    /// zone's offset (the proleptic Gregorian calendar, `Event.civil`):
    /// a DateFormatter costs tens of microseconds to build, and the
    /// dispatcher dates every batch of sends and notes with these.
    func wallClock(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int) {
        let offset = timeZone.secondsFromGMT(for: date)
        let t = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let (y, m, d) = Event.civil(fromDays: t.floorDiv(86400))
        let (year, month, day, secs) = (Int(y), Int(m), Int(d), Int(t.floorMod(86400)))
        return (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60, offset)
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
