import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct MessageList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Messages to parents and staff, newest last.")

    @Option(name: .customLong("case"), help: "Only this case's messages.") var caseID: String?
    @Option(help: "Only messages in this state: \(MessageState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
    @Option(help: "At most this many (default 200).") var limit: Int?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.messageList, MessageListParams(caseID: caseID, state: state, limit: limit), as: [Message].self) { list, display in
            var t = TextTable(["id", "case", "step", "to", "topic", "state", "channel", "updated", "note"])
            for m in list {
                t.add(["\(m.id)", m.caseID, m.stepID, "\(m.recipientName) (\(m.recipientRole))", m.topic, m.state.rawValue,
                       m.channel.isEmpty ? "—" : m.channel, display.time(m.updatedAt), m.note])
            }
            return t.render() + "\n\(list.count) messages"
        }
    }
}
