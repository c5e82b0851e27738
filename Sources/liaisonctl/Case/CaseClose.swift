import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseClose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Close a case with its resolution.",
        discussion: "Refused while a mandatory step is open. A supervisor or the Student Affairs Office may close it anyway: --waive STEP… --reason TEXT (kept on the timeline).")

    @Argument(help: "Case id.") var id: String
    @Option(help: "How it was settled.") var resolution: String
    @Option(parsing: .upToNextOption, help: "Mandatory steps to leave undone (supervisor, office).") var waive: [String] = []
    @Option(help: "Why the waived steps will not be done.") var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = CaseCloseParams(id: id, resolution: resolution, waive: waive.isEmpty ? nil : waive, reason: reason)
        try global.call(Method.caseClose, params, as: CaseRecord.self) { c, _ in
            let waived = c.steps.filter { $0.status == .waived }.map(\.id)
            return "closed \(c.id)" + (waived.isEmpty ? "" : "; waived \(waived.joined(separator: ", "))")
        }
    }
}
