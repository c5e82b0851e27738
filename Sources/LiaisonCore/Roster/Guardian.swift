import Foundation

/// A way to reach a parent, and the kind of contact a counselor records
/// (P2.1.2, P2.2.1: letter, phone, SMS, QQ, WeChat; plus a home visit, P2.4).
public enum ContactChannel: String, Codable, Sendable, Bilingual {
    case phone, sms, wechat, qq, letter, visit

    public var chineseName: String {
        switch self {
        case .phone: "电话"
        case .sms: "短信"
        case .wechat: "微信"
        case .qq: "QQ"
        case .letter: "信函"
        case .visit: "家访"
        }
    }

    public init?(text: String) {
        guard let v = Self.named(text) else { return nil }
        self = v
    }
}

/// A mobile number takes SMS and calls; a landline only calls.
public enum PhoneKind: String, Codable, Sendable {
    case mobile, landline

    /// The kind of a stored number (E.164, `PhoneNumber`); a number in
    /// another form is read as people write it first.
    public init(number: String) {
        if number.hasPrefix("+861"), number.utf8.count == 14 { self = .mobile; return }  // the stored form of a mobile, without parsing
        self = PhoneNumber(number)?.kind ?? .landline
    }
}

/// A parent or guardian as the guardian of one student (a person who is
/// the guardian of two students is two of these, with one id: see
/// `RosterGuardian`), with the addresses each channel
/// needs and the order in which the guardian prefers to be reached.
public struct Guardian: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var studentID: String
    public var name: String
    public var relation: String
    public var phone: String
    public var wechat: String
    public var qq: String
    public var address: String
    /// Most preferred first. Only channels this guardian has an address for.
    public var preference: [ContactChannel]
    /// A second number (the roster's `phone2`), tried after `phone` on the same channel.
    public var phone2: String
    /// The household the guardian lives in (`address` is the household's).
    public var householdID: String

    public init(id: String, studentID: String, name: String, relation: String, phone: String = "",
                wechat: String = "", qq: String = "", address: String = "", preference: [ContactChannel] = [], phone2: String = "", householdID: String = "") {
        self.id = id; self.studentID = studentID; self.name = name; self.relation = relation
        self.phone = phone; self.wechat = wechat; self.qq = qq; self.address = address
        self.preference = preference; self.phone2 = phone2; self.householdID = householdID.isEmpty ? id : householdID
    }

    /// Every address a channel can use for this guardian, in order: the
    /// phone then the second number for calls, the mobiles among them for SMS.
    public func addresses(for channel: ContactChannel) -> [String] {
        switch channel {
        case .phone: return [phone, phone2].filter { !$0.isEmpty }
        case .sms: return [phone, phone2].filter { !$0.isEmpty && PhoneKind(number: $0) == .mobile }
        default: return address(for: channel).map { [$0] } ?? []
        }
    }

    /// What kind of number `phone` is; nil when there is none. A landline
    /// takes calls only: an SMS to it is accepted by the gateway and
    /// reaches nobody (issue 12).
    public var phoneKind: PhoneKind? { phone.isEmpty ? nil : PhoneKind(number: phone) }

    /// The address a channel uses for this guardian, or nil if none is known.
    public func address(for channel: ContactChannel) -> String? {
        let value: String
        switch channel {
        case .phone, .sms: return addresses(for: channel).first
        case .wechat: value = wechat
        case .qq: value = qq
        case .letter, .visit: value = address
        }
        return value.isEmpty ? nil : value
    }
}
