import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseClose: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a case with its resolution.")

    @Argument(help: "Case id.") var id: String
    @Option(help: "How it was settled.") var resolution: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.caseClose, CaseCloseParams(id: id, resolution: resolution), as: CaseRecord.self) { c, _ in "closed \(c.id)" }
    }
}
