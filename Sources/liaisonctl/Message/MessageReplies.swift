import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct MessageReplies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replies",
        abstract: "Parents' replies, newest first: where each was filed, or --unmatched for those on no case.",
        discussion: """
            A reply answers the latest send to its number within 72 h. Messages of two or more cases to that number \
            (twins, each with a case): filed on none, and the counselors get a task to place it (`message place`). \
            An unknown number, or nothing sent lately: unmatched.
            """)

    @Flag(help: "Only replies filed under no case.") var unmatched = false
    @Option(name: .customLong("case"), help: "Only this case's replies.") var caseID: String?
    @Option(help: "At most this many (1–1000).") var limit = 100
    @Option(help: "Skip this many (the next page).") var offset = 0
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = MessageRepliesParams(unmatched: unmatched, caseID: caseID, limit: limit, offset: offset)
        try global.call(Method.messageReplies, params, as: [InboundReply].self) { list, display in
            var t = TextTable(["id", "at", "channel", "from", "guardian", "case", "step", "text"])
            for r in list {
                t.add(["\(r.id)", display.time(r.at), r.channel, r.from, r.guardianID.isEmpty ? "—" : r.guardianID,
                       r.caseID.isEmpty ? "unplaced" : r.caseID, r.stepID.isEmpty ? "—" : r.stepID, r.text])
            }
            let more = list.count == limit ? "; more with --offset \(offset + limit)" : ""
            return list.isEmpty ? "no replies" : t.render() + "\n\(list.count) replies\(more)"
        }
    }
}
