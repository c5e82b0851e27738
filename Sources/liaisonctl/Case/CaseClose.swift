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
        try global.session { client, _ in
            let c = try client.call(Method.caseClose, CaseCloseParams(id: id, resolution: resolution), as: CaseRecord.self)
            try global.emit(c) { "closed \(c.id)" }
        }
    }
}
