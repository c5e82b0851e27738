import Foundation

/// The school's name as parents' messages are signed with it
/// (`school.name`, `school.short_name` in the daemon config): an SMS ends
/// `【short name】`, a chat message or letter names the school in full.
public struct SchoolName: Sendable, Equatable {
    /// In full, e.g. 丽江文化旅游学院.
    public var name: String?
    /// The SMS signature, e.g. 丽江文旅学院; nil: the full name.
    public var shortName: String?

    public init(name: String? = nil, shortName: String? = nil) {
        self.name = name; self.shortName = shortName
    }

    /// The full name; unset, the student's college as the roster writes it
    /// (what messages were signed with before the school had a name).
    public func fullName(college: String) -> String { name ?? college }

    /// What goes between 【 】: the short name, else the full name.
    public func signature(college: String) -> String { shortName ?? name ?? college }
}

/// How late a step is, in the words of a staff message: "2小时5分钟".
public enum Lateness {
    public static func text(_ seconds: TimeInterval) -> String {
        let minutes = Int(max(0, seconds) / 60)
        if minutes < 1 { return "不到1分钟" }
        let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        if days > 0 { return "\(days)天" + (hours > 0 ? "\(hours)小时" : "") }
        if hours > 0 { return "\(hours)小时" + (mins > 0 ? "\(mins)分钟" : "") }
        return "\(mins)分钟"
    }
}
