import Testing
@testable import LiaisonCore

/// `channel test` goes only to a channel's `test_recipients` (issue 14.5:
/// ops must not be able to send any text to any number).
@Suite struct TestRecipientsTests {
    let listed = TestRecipients(["13800138000", "wx_ops_zhang", "0888-5123456"], place: "liaison.yaml:9:22")

    @Test func aListedNumberIsAllowedInEveryFormItIsWritten() {
        for to in ["13800138000", "+86 138 0013 8000", "+8613800138000", "0086-138-0013-8000", "１３８００１３８０００", " 13800138000 "] {
            #expect(listed.allows(to), "\(to)")
            #expect(TestRecipients.refusal(to: to, channel: "sms", listed: listed, channelPlace: "liaison.yaml:5:3") == nil, "\(to)")
        }
        // A landline too, as stored or as written.
        #expect(listed.allows("+868885123456") && listed.allows("(0888)5123456"))
    }

    @Test func otherAddressesCompareAsWritten() {
        #expect(listed.allows("wx_ops_zhang") && listed.allows(" wx_ops_zhang"))
        #expect(!listed.allows("WX_OPS_ZHANG") && !listed.allows("wx_ops_zhan") && !listed.allows("@all"))
    }

    @Test func anUnlistedAddressIsForbiddenNamingTheKeyAndTheChannel() throws {
        for to in ["13800138001", "+86 139 0000 0000", "wx_2023010101_f", "13800138000|13900000000"] {
            let e = try #require(TestRecipients.refusal(to: to, channel: "sms", listed: listed, channelPlace: "liaison.yaml:5:3"), "\(to)")
            #expect(e.code == .forbidden)
            #expect(e.message.contains("not among channel sms's test_recipients (liaison.yaml:9:22)") && e.message.contains("Nothing was sent"), "\(e.message)")
        }
    }

    @Test func aChannelWithoutTheListRefusesEveryTestAndSaysHowToAddIt() throws {
        for list in [nil, TestRecipients([], place: "liaison.yaml:9:22")] {
            let e = try #require(TestRecipients.refusal(to: "13800138000", channel: "wecom", listed: list, channelPlace: "liaison.yaml:5:3"))
            #expect(e.code == .forbidden)
            #expect(e.message.hasPrefix("channel wecom has no test_recipients (liaison.yaml:\(list == nil ? "5:3" : "9:22"))"), "\(e.message)")
            #expect(e.message.contains("test_recipients: [\"13800138000\"]") && e.message.contains("restart liaisond"), "\(e.message)")
        }
    }
}
