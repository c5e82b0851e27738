import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct MessagePlace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "File a parent's reply under the case it answers (when more than one case could be meant).")

    @Argument(help: "Reply id, as `message replies --unmatched` lists it.") var reply: Int64
    @Option(name: .customLong("case"), help: "The case it answers.") var caseID: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.messagePlace, MessagePlaceParams(reply: reply, caseID: caseID), as: InboundReply.self) { r, _ in
            "reply \(r.id) filed under \(r.caseID) (\(r.stepID)); recorded as the parent's acknowledgement"
        }
    }
}
