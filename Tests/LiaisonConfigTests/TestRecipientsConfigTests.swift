import Foundation
import Testing
@testable import LiaisonConfig
import LiaisonCore

/// A channel's `test_recipients`: the addresses `channel test` may write to.
@Suite struct TestRecipientsConfigTests {
    func parse(_ line: String?) throws -> ChannelSpec? {
        let text = "channels:\n  sms:\n    plugin: log\n    serves: [sms]\n" + (line.map { "    \($0)\n" } ?? "")
        return try DaemonConfig.parse(YAMLNode.parse(text, file: "c.yaml")).channels.first
    }

    @Test func theListIsReadAsWrittenWithItsPlace() throws {
        let spec = try #require(try parse(#"test_recipients: [13800138000, "+86 139 0000 0000", wx_ops_zhang]"#))
        #expect(spec.testRecipients == TestRecipients(["13800138000", "+86 139 0000 0000", "wx_ops_zhang"], place: "c.yaml:5:22"))
        // One per line works too.
        let block = try DaemonConfig.parse(YAMLNode.parse("channels:\n  sms:\n    plugin: log\n    serves: [sms]\n    test_recipients:\n      - 13800138000\n      - wx_ops_zhang\n",
                                                          file: "c.yaml")).channels[0]
        #expect(block.testRecipients?.addresses == ["13800138000", "wx_ops_zhang"])
    }

    @Test func withoutTheKeyThereIsNoList() throws {
        #expect(try parse(nil)?.testRecipients == nil)
        #expect(try parse("test_recipients: []")?.testRecipients == TestRecipients([], place: "c.yaml:5:22"))
    }

    @Test func aListThatIsNotOneIsRefusedWithItsPlace() {
        for (bad, at) in [("test_recipients: 13800138000", "c.yaml:5:22: channel sms test_recipients must be a list"),
                          (#"test_recipients: [13800138000, ""]"#, "c.yaml:5:36: channel sms test_recipients: each entry must be one address"),
                          ("test_recipients: [[a, b]]", "c.yaml:5:23: channel sms test_recipients: each entry must be one address")] {
            let err = #expect(throws: LiaisonError.self) { try parse(bad) }
            #expect(err?.message.hasPrefix(at) == true, "\(bad): \(err?.message ?? "")")
        }
    }
}
