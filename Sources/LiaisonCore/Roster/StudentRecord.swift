/// What `records.csv` holds about a student (issue 13): awards (P2.2.2's
/// good news goes home for school level and above), sanctions and status
/// changes (P2.2.2's formal document; P2.2.3's cases), and the tier with
/// its reasons (P3.1).
public enum RecordKind: String, Codable, Sendable, Bilingual {
    case award, sanction, status, tier

    public var chineseName: String {
        switch self {
        case .award: "奖励"
        case .sanction: "处分"
        case .status: "学籍异动"
        case .tier: "关注等级"
        }
    }
}

/// An award's level, highest first.
public enum AwardLevel: String, Codable, Sendable, CaseIterable, Comparable, Bilingual {
    case national, provincial, municipal, school, college, `class`

    public var chineseName: String {
        switch self {
        case .national: "国家级"
        case .provincial: "省级"
        case .municipal: "市级"
        case .school: "校级"
        case .college: "院级"
        case .class: "班级"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! > allCases.firstIndex(of: b)! }

    /// Good news goes home for awards at school level and above (P2.2.2).
    public var isGoodNews: Bool { self >= .school }
}

/// A change of a student's standing (学籍异动), effective on its date.
/// Graduation (毕业) ends the student's time at the school as withdrawal
/// does: a retention period counts from it (docs/RETENTION.md).
public enum StatusChange: String, Codable, Sendable, CaseIterable, Bilingual {
    case suspension, resumption, withdrawal, transfer, majorChange = "major-change", retention, graduation

    public var chineseName: String {
        switch self {
        case .suspension: "休学"
        case .resumption: "复学"
        case .withdrawal: "退学"
        case .transfer: "转学"
        case .majorChange: "转专业"
        case .retention: "保留学籍"
        case .graduation: "毕业"
        }
    }
}

/// One row of records.csv. Its identity is the student, the kind, the date
/// and the title (the level for a tier), so that importing the same file
/// twice changes nothing.
public struct StudentRecord: Codable, Sendable, Equatable, Hashable {
    public var studentID: String
    public var kind: RecordKind
    /// 国家奖学金, 旷课, …; for a status change or a tier it may be empty.
    public var title: String
    /// The level's id for its kind: an `AwardLevel`, a `SanctionLevel`, a
    /// `StatusChange` or a `Tier`.
    public var level: String
    /// yyyy-MM-dd: the award's or sanction's date, the status change's effective date, the tier's since.
    public var date: String
    /// Why (a tier's reasons, a sanction's grounds), `;`-separated.
    public var reasons: String
    /// The document number (文号), or empty.
    public var document: String

    public init(studentID: String, kind: RecordKind, title: String = "", level: String, date: String, reasons: String = "", document: String = "") {
        self.studentID = studentID; self.kind = kind; self.title = title; self.level = level; self.date = date
        self.reasons = reasons; self.document = document
    }

    /// `2023010101/award/2026-06-30/国家奖学金`.
    public var key: String { [studentID, kind.rawValue, date, title.isEmpty ? level : title].joined(separator: "/") }

    /// The level as a person reads it (国家级, 记过, 休学, 重点).
    public var levelName: String {
        switch kind {
        case .award: AwardLevel(rawValue: level)?.chineseName ?? level
        case .sanction: SanctionLevel(rawValue: level)?.chineseName ?? level
        case .status: StatusChange(rawValue: level)?.chineseName ?? level
        case .tier: Tier(rawValue: level)?.chineseName ?? level
        }
    }

    /// The level's id for `text` (an id or Chinese name), or nil if `kind` has no such level.
    public static func level(_ text: String, of kind: RecordKind) -> String? {
        switch kind {
        case .award: AwardLevel.named(text)?.rawValue
        case .sanction: SanctionLevel(text: text)?.rawValue
        case .status: StatusChange.named(text)?.rawValue
        case .tier: Tier(text: text)?.rawValue
        }
    }

    public static func levels(of kind: RecordKind) -> String {
        switch kind {
        case .award: AwardLevel.allCases.map { "\($0.rawValue)/\($0.chineseName)" }.joined(separator: ", ")
        case .sanction: SanctionLevel.allCases.map { "\($0.rawValue)/\($0.chineseName)" }.joined(separator: ", ")
        case .status: StatusChange.allCases.map { "\($0.rawValue)/\($0.chineseName)" }.joined(separator: ", ")
        case .tier: Tier.allCases.map { "\($0.rawValue)/\($0.chineseName)" }.joined(separator: ", ")
        }
    }
}
