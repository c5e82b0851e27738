import Foundation
import Testing
@testable import LiaisonConfig
import LiaisonCore

/// `failed_retry_seconds`: how long a channel failed by a crash loop waits
/// before its host is tried again.
@Suite struct CrashLoopConfigTests {
    func parse(_ value: String?) throws -> ChannelSpec? {
        let line = value.map { "    failed_retry_seconds: \($0)\n" } ?? ""
        return try DaemonConfig.parse(YAMLNode.parse("channels:\n  sms:\n    plugin: log\n    serves: [sms]\n" + line, file: "c.yaml")).channels.first
    }

    @Test func theRetryDelayIsReadWithAMinuteByDefault() throws {
        #expect(try parse(nil)?.failedRetry == 60)
        #expect(try parse("300")?.failedRetry == 300)
    }

    @Test func aDelayBelowOneSecondIsRefusedWithItsPlace() {
        for bad in ["0", "-5", "soon"] {
            let err = #expect(throws: LiaisonError.self) { try parse(bad) }
            #expect(err?.message.hasPrefix("c.yaml:5:27: failed_retry_seconds must be") == true, "\(err?.message ?? "")")
        }
    }
}
