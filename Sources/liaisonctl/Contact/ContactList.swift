import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct ContactList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "A student's contact records.")

    @Option(help: "Student id.") var student: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.contactList, ContactListParams(student: student), as: [ContactRecord].self) { records, display in
            var t = TextTable(["#", "when", "term", "guardian", "channel", "topics", "by", "summary"])
            for r in records {
                t.add(["\(r.id)", display.time(r.contactedAt), r.term, r.guardianID, r.channel.chineseName,
                       r.topics.map(\.chineseName).joined(separator: "、"), r.recordedBy, String(r.summary.prefix(30))])
            }
            return t.render() + "\n\(records.count) contacts"
        }
    }
}
