import Foundation

/// Who `channel test` may write to (issue 14.5: ops, who see no personal
/// data, could send any text to any number through a school channel). Each
/// channel's `test_recipients:` in liaison.yaml lists the addresses a test
/// may go to, the ops team's own phones and accounts; any other address is
/// refused before anything reaches the channel, and a channel without the
/// list refuses every test. Phone numbers compare in E.164 (`13800000000`,
/// `+86 138 0000 0000` and `+8613800000000` are one number); any other
/// address (a WeCom user id, a postal address) as written, less the spaces
/// around it. Pure.
public struct TestRecipients: Sendable, Equatable {
    /// The addresses as liaison.yaml writes them.
    public var addresses: [String]
    /// Where the list is written (file:line:column).
    public var place: String

    public init(_ addresses: [String], place: String = "") {
        self.addresses = addresses; self.place = place
    }

    /// The form two addresses are compared in.
    public static func comparable(_ address: String) -> String {
        PhoneNumber.stored(address.trimmingCharacters(in: .whitespaces))
    }

    public func allows(_ address: String) -> Bool {
        let wanted = Self.comparable(address)
        return addresses.contains { Self.comparable($0) == wanted }
    }

    /// Why a test message to `address` on `channel` may not go (`forbidden`,
    /// naming the key and the channel), or nil when it may. `listed` is the
    /// channel's `test_recipients` (nil: it has none); `channelPlace`, where
    /// the channel's block is written.
    public static func refusal(to address: String, channel: String, listed: TestRecipients?, channelPlace: String) -> LiaisonError? {
        guard let listed, !listed.addresses.isEmpty else {
            let at = (listed?.place ?? channelPlace).isEmpty ? "" : " (\(listed?.place ?? channelPlace))"
            return LiaisonError(.forbidden, "channel \(channel) has no test_recipients\(at), so channel test sends nothing on it: a test message "
                + "goes only to addresses listed in liaison.yaml. Add the team's own test phones or accounts to the channel's block, "
                + "e.g. `test_recipients: [\"13800138000\"]` under channels: \(channel):, then restart liaisond")
        }
        if listed.allows(address) { return nil }
        return LiaisonError(.forbidden, "\(address.trimmingCharacters(in: .whitespaces)) is not among channel \(channel)'s test_recipients"
            + "\(listed.place.isEmpty ? "" : " (\(listed.place))"); channel test sends only to the addresses listed there. "
            + "Nothing was sent. To test with it, add it to that list and restart liaisond")
    }
}
