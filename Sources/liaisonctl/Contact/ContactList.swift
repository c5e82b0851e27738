import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct ContactList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "A student's contact records.")

    @Option(help: "Student id.") var student: String
    @Option(help: ArgumentHelp("Why you read this outside the students you answer for (break-glass, the office and administrators only).",
                                discussion: "A few words: who asked and why. Recorded in the audit log with scope break-glass, and the student's counselor and college supervisors are told who read what and why. For a student you answer for it is only recorded."))
    var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.contactList, ContactListParams(student: student, reason: reason), as: [ContactRecord].self) { records, display in
            var t = TextTable(["#", "when", "term", "guardian", "channel", "topics", "by", "summary"])
            for r in records {
                t.add(["\(r.id)", display.time(r.contactedAt), r.term, r.guardianID, r.channel.chineseName,
                       r.topics.map(\.chineseName).joined(separator: "、"), r.recordedBy, String(r.summary.prefix(30))])
            }
            return t.render() + "\n\(records.count) contacts"
        }
    }
}
