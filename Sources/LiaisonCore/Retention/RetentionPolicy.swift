import Foundation

/// The kinds of personal data a retention period applies to (issue 14.6;
/// PIPL Art. 19: kept no longer than the purpose needs; Art. 47: deleted
/// when it ends). Each has its own period in `retention:` of liaison.yaml
/// (docs/RETENTION.md). What a purge leaves is the skeleton the reports
/// need: that a case of a kind existed, its dates and its steps' states;
/// that a contact was made, when, how and about what; that a message went
/// and what became of it.
public enum RetentionClass: String, CaseIterable, Codable, Sendable, Comparable {
    /// Cases' summaries, notes, resolutions, the texts of their timelines
    /// (step notes, meeting attendees and notes, waiver reasons, the name
    /// of the guardian reached), and the reasons written on student records
    /// (a tier's, a sanction's grounds).
    case caseContent = "case_content"
    /// What was said in a contact with the parents: its summary and feedback.
    case contacts
    /// Messages' bodies, fields, addresses (routes, attempts), recipients'
    /// names, receipts' details and notes; parents' replies (text and
    /// sender); the texts of the tasks about them.
    case messages
    /// Guardians' names, phones, WeChat and QQ ids, their households'
    /// addresses, and the student's own phone.
    case contactDetails = "contact_details"

    /// What the class holds, in the words the plan prints.
    public var holds: String {
        switch self {
        case .caseContent: "case summaries, notes, resolutions and timeline texts; reasons on student records"
        case .contacts: "contact records' summaries and feedback"
        case .messages: "message bodies, addresses and recipients' names; parents' replies; task texts"
        case .contactDetails: "guardians' names, phones, WeChat/QQ ids and home addresses; the student's phone"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// How long a class is kept after the student leaves: whole years, months
/// or days (calendar arithmetic in school time), or `never` purged.
public struct RetentionPeriod: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Unit: String, Sendable, Codable { case years, months, days }
    /// nil: never purged.
    public var count: Int?
    public var unit: Unit

    public init(_ count: Int?, _ unit: Unit) { self.count = count; self.unit = unit }
    public static func years(_ n: Int) -> Self { Self(n, .years) }
    public static func months(_ n: Int) -> Self { Self(n, .months) }
    public static func days(_ n: Int) -> Self { Self(n, .days) }
    public static let never = Self(nil, .years)

    /// `3 years`, `18 months`, `90 days`, `never`.
    public var description: String {
        guard let count else { return "never" }
        let name = count == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue
        return "\(count) \(name)"
    }

    /// Reads `3` (years), `3 years`, `1 year`, `18 months`, `90 days`,
    /// `3y`, `18m`, `90d`, `3年`, `18个月`, `90天`, or `never`.
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "never" || t == "永久" { self = .never; return }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 4, let n = Int(digits) else { return nil }
        let rest = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        switch rest {
        case "", "y", "year", "years", "年": self = .years(n)
        case "m", "month", "months", "个月", "月": self = .months(n)
        case "d", "day", "days", "天", "日": self = .days(n)
        default: return nil
        }
    }

    /// The first instant after `start` at which the period has run, in
    /// school time; nil for `never`.
    public func end(after start: Date, calendar: SchoolCalendar) -> Date? {
        guard let count else { return nil }
        let component: Calendar.Component = switch unit { case .years: .year; case .months: .month; case .days: .day }
        return calendar.calendar.date(byAdding: component, value: count, to: start)
    }
}

/// The student-record rows that mean a student has left the school
/// (docs/RETENTION.md, "When a student has left"): status changes
/// (学籍异动) and the sanction of expulsion, as records.csv writes them.
public enum LeavingRecord: String, CaseIterable, Codable, Sendable, Bilingual {
    case withdrawal, graduation, expulsion, transfer

    public var chineseName: String {
        switch self {
        case .withdrawal: "退学"
        case .graduation: "毕业"
        case .expulsion: "开除学籍"
        case .transfer: "转学"
        }
    }

    /// The record kind and level that say it.
    public var record: (kind: RecordKind, level: String) {
        switch self {
        case .withdrawal: (.status, StatusChange.withdrawal.rawValue)
        case .graduation: (.status, StatusChange.graduation.rawValue)
        case .transfer: (.status, StatusChange.transfer.rawValue)
        case .expulsion: (.sanction, SanctionLevel.expulsion.rawValue)
        }
    }

    /// The leaving a record says, if it says one.
    public init?(_ r: StudentRecord) {
        guard let v = Self.allCases.first(where: { $0.record.kind == r.kind && $0.record.level == r.level }) else { return nil }
        self = v
    }
}

/// A time of day in school time: when the daily purge runs.
public struct DailyTime: Sendable, Equatable, Codable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int
    public init(hour: Int, minute: Int) { self.hour = hour; self.minute = minute }

    /// `03:30`.
    public init?(text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        hour = h; minute = m
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    /// The latest instant at this time of day that is at or before `date`.
    public func latest(atOrBefore date: Date, calendar: SchoolCalendar) -> Date {
        let cal = calendar.calendar
        let today = cal.date(bySettingHour: hour, minute: minute, second: 0, of: date)!
        return today <= date ? today : cal.date(byAdding: .day, value: -1, to: today)!
    }

    /// The first instant at this time of day that is after `date`.
    public func next(after date: Date, calendar: SchoolCalendar) -> Date {
        calendar.calendar.date(byAdding: .day, value: 1, to: latest(atOrBefore: date, calendar: calendar))!
    }
}

/// `retention:` in liaison.yaml: a period per class, which records mean a
/// student has left, and when the daily purge runs. The defaults are
/// explained in docs/RETENTION.md and Config/liaison.yaml.
public struct RetentionPolicy: Sendable, Equatable {
    public var periods: [RetentionClass: RetentionPeriod]
    public var leaving: Set<LeavingRecord>
    /// nil: no daily purge (only `liaisonctl retention purge`).
    public var dailyAt: DailyTime?

    public static let defaultPeriods: [RetentionClass: RetentionPeriod] = [
        .caseContent: .years(3), .contacts: .years(1), .messages: .years(1), .contactDetails: .years(1),
    ]
    public static let defaultLeaving: Set<LeavingRecord> = [.withdrawal, .graduation, .expulsion]
    public static let defaultDailyAt = DailyTime(hour: 3, minute: 30)

    public init(periods: [RetentionClass: RetentionPeriod] = Self.defaultPeriods, leaving: Set<LeavingRecord> = Self.defaultLeaving,
                dailyAt: DailyTime? = Self.defaultDailyAt) {
        self.periods = periods; self.leaving = leaving; self.dailyAt = dailyAt
    }

    public func period(_ c: RetentionClass) -> RetentionPeriod { periods[c] ?? Self.defaultPeriods[c]! }
}
