import Foundation

/// How closely a counselor must follow a student (P3.1): special students
/// are contacted often, key students more, general students kept in touch.
public enum Tier: String, Codable, Sendable, Bilingual {
    case special, key, general

    public var chineseName: String {
        switch self {
        case .special: "特殊"
        case .key: "重点"
        case .general: "一般"
        }
    }

    /// general < key < special: how much attention the tier asks for.
    public var rank: Int {
        switch self {
        case .general: 0
        case .key: 1
        case .special: 2
        }
    }

    /// Accepts the English id or the Chinese name, as SIS exports use either.
    public init?(text: String) {
        guard let v = Self.named(text) ?? Self.named(text.replacingOccurrences(of: "关注", with: "")) else { return nil }
        self = v
    }
}

/// A student as the roster knows them (P2.1.1).
public struct Student: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var gender: String
    public var college: String
    public var major: String
    public var className: String
    public var counselorID: String
    public var tier: Tier
    public var phone: String
    /// yyyy-MM-dd, or empty when the export has none. Later rulebooks ask
    /// "is the student a minor".
    public var birthDate: String

    public init(id: String, name: String, gender: String = "", college: String, major: String = "",
                className: String, counselorID: String, tier: Tier = .general, phone: String = "", birthDate: String = "") {
        self.id = id; self.name = name; self.gender = gender; self.college = college; self.major = major
        self.className = className; self.counselorID = counselorID; self.tier = tier; self.phone = phone
        self.birthDate = birthDate
    }
}
