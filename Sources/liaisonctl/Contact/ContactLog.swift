import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct ContactLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Record an individual contact with a student's parent (counts for the term, P2.2.1).",
        discussion: "TOPICS: \(ContactTopic.allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")).")

    @Option(help: "Student id.") var student: String
    @Option(help: "The guardian's id or name.") var guardian: String
    @Option(help: "phone, sms, wechat, qq, letter or visit.") var channel: String
    @Option(help: "Comma-separated topics, e.g. study,wellbeing.") var topics: String
    @Option(help: "What was said.") var summary: String
    @Option(help: "The parent's views on the school's work, to pass on.") var feedback: String?
    @Option(help: "When, school time or ISO 8601; default now.") var at: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = ContactLogParams(student: student, guardian: guardian, channel: channel,
                                      topics: topics.split(separator: ",").map { String($0) }, summary: summary,
                                      feedback: feedback, contactedAt: at)
        try global.call(Method.contactLog, params, as: ContactRecord.self) { r, display in
            "recorded contact #\(r.id): \(r.channel.chineseName) with \(r.guardianID) at \(display.time(r.contactedAt)), counts for term \(r.term)"
        }
    }
}
