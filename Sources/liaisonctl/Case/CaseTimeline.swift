import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseTimeline: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timeline", abstract: "Every event of a case, oldest first, with the policy ids it serves.")

    @Argument(help: "Case id.") var id: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session { client, display in
            let d = try client.call(Method.caseShow, IDParams(id: id), as: CaseDetail.self)
            try global.emit(d.events) { CaseShow.timeline(d.events, display) }
        }
    }
}
