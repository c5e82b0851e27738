import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct MessageShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One message: every attempt, channel, provider id, receipt and reply.")

    @Argument(help: "The message id (message list shows it).") var id: Int64
    @Option(help: ArgumentHelp("Why you read this outside the students you answer for (break-glass, the office and administrators only).",
                                discussion: "A few words: who asked and why. Recorded in the audit log with scope break-glass, and the student's counselor and college supervisors are told who read what and why. For a student you answer for it is only recorded."))
    var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.messageShow, MessageShowParams(id: id, reason: reason), as: MessageDetail.self) { d, display in
            let m = d.message
            var out = display.fields([
                ("message", "\(m.id)"), ("case", "\(m.caseID) step \(m.stepID)"), ("to", "\(m.recipientName) (\(m.recipientRole) \(m.recipientID))"),
                ("topic", "\(m.topic)\(m.urgent ? " (urgent)" : "")"), ("state", m.state.rawValue), ("note", m.note.isEmpty ? "—" : m.note),
                ("routes", m.routes.enumerated().map { "\($0.offset == m.routeIndex ? "▸" : "")\($0.element.via) \($0.element.address)" }.joined(separator: " → ")),
                ("provider id", m.providerID.isEmpty ? "—" : m.providerID), ("key", m.idempotencyKey),
                ("created", display.time(m.createdAt)), ("next try", m.state == .pending ? display.time(m.nextAt) : "—"),
                ("text", m.body),
            ])
            var attempts = TextTable(["#", "channel", "address", "started", "finished", "outcome", "provider id", "error"])
            for a in d.attempts {
                attempts.add(["\(a.number)", a.channel, a.address, display.time(a.startedAt), display.time(a.finishedAt),
                              a.outcome.isEmpty ? "in flight" : a.outcome, a.providerID, a.error])
            }
            out += "\n\nattempts\n" + (d.attempts.isEmpty ? "none yet" : attempts.render())
            var receipts = TextTable(["at", "channel", "receipt", "provider id", "detail"])
            for r in d.receipts { receipts.add([display.time(r.at), r.channel, r.receipt, r.providerID, r.detail]) }
            out += "\n\nreceipts\n" + (d.receipts.isEmpty ? "none" : receipts.render())
            var replies = TextTable(["at", "channel", "from", "text"])
            for r in d.replies { replies.add([display.time(r.at), r.channel, r.from, r.text]) }
            out += "\n\nreplies\n" + (d.replies.isEmpty ? "none" : replies.render())
            return out
        }
    }
}
