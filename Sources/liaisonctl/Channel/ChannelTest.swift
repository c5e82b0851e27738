import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonProtocol

struct ChannelTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test message through a configured channel and report what became of it (ops: check a deployment).",
        discussion: """
            The message goes straight to the channel's running plugin host, outside the outbox: no case, no retry, no \
            fallback. It goes only to an address listed in the channel's test_recipients in liaison.yaml (a phone number in any \
            form: 13800138000, +86 138 0013 8000); any other is refused with nothing sent. Exit status 0 when the channel took it (and, with receipts, when the receipt says delivered), 1 otherwise.
            Example: liaisonctl channel test sms --to 13800138000
            """)

    @Argument(help: "The channel name, as in the daemon config (liaisonctl plugin list).") var channel: String
    @Option(help: "The address the channel sends to: a phone number, a WeCom user id, a postal address; one of the channel's test_recipients.") var to: String
    @Option(help: "The text.") var text = "【Liaison】通道测试消息 / channel test message"
    @Option(help: "The subject, for channels that show one.") var subject = "Liaison 通道测试"
    @Option(name: .customLong("wait"), help: "Seconds to wait for a receipt after the send (0: do not wait).") var wait: Double = 10
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = ChannelTestParams(channel: channel, to: to, subject: subject, text: text, receiptSeconds: max(0, wait))
        var failed = false
        try global.session { client, display in
            let r = try client.call(Method.channelTest, params, as: ChannelTestResult.self)
            // A channel with receipts that sent no receipt in time fails too:
            // the usual mistake is a callback address the provider cannot reach.
            failed = r.outcome != "ok" || (r.receiptsAwaited ? r.receipt != "delivered" : !r.receipt.isEmpty && r.receipt != "delivered")
            try global.emit(r) { render(r, display) }
        }
        if failed { throw ExitCode(1) }
    }

    func render(_ r: ChannelTestResult, _ display: Display) -> String {
        display.fields([
            ("channel", r.channel), ("plugin", r.plugin), ("to", r.to), ("key", r.key),
            ("outcome", r.outcome + (r.error.isEmpty ? "" : ": \(r.error)")),
            ("provider id", r.providerID.isEmpty ? "—" : r.providerID),
            ("send took", String(format: "%.0f ms", r.sendMillis)),
            ("receipt", r.receipt.isEmpty ? (r.receiptsAwaited ? "none within \(Int(wait)) s: check the provider can reach the channel's callback address" : "— (the channel gives none)")
                : "\(r.receipt) after \(String(format: "%.0f ms", r.receiptMillis))\(r.receiptDetail.isEmpty ? "" : " (\(r.receiptDetail))")"),
        ])
    }
}
