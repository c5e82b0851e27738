import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseMeeting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting", abstract: "Record a face-to-face meeting with the parents: in-person evidence for every parent step not yet done.")

    @Argument(help: "Case id.") var id: String
    @Option(help: "When it took place, school time or ISO 8601; default now.") var at: String?
    @Option(help: "Who attended, e.g. \"父亲张建国、辅导员王丽\".") var with: String
    @Option(help: "What was agreed.") var note: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.caseMeeting, CaseMeetingParams(id: id, at: at, with: with, note: note), as: CaseRecord.self) { c, _ in
            let done = c.steps.filter { $0.status == .done }.map(\.id)
            return "meeting recorded on \(c.id); steps done: \(done.isEmpty ? "none" : done.joined(separator: ", "))"
        }
    }
}
