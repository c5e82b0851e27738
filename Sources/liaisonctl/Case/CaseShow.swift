import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A case and the timeline of its events.")

    @Argument(help: "Case id, e.g. C2026-0001.") var id: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session { client, display in
            let d = try client.call(Method.caseShow, IDParams(id: id), as: CaseDetail.self)
            try global.emit(d) {
                let c = d.record
                var pairs = [("case", c.id), ("kind", display.kind(c.kind)), ("state", c.state.rawValue),
                             ("student", "\(c.studentID) \(d.student?.name ?? "") \(d.student?.className ?? "")"),
                             ("counselor", c.counselorID), ("occurred", display.time(c.occurredAt)),
                             ("opened", "\(display.time(c.openedAt)) by \(c.openedBy)"), ("summary", c.summary),
                             ("policy", c.kind.policyIDs.joined(separator: ", "))]
                if c.state == .closed {
                    pairs.append(("closed", "\(display.time(c.closedAt)) by \(c.closedBy ?? "?")"))
                    pairs.append(("resolution", c.resolution ?? ""))
                }
                var t = TextTable(["when", "who", "event", "policy", "detail"])
                for e in d.events { t.add([display.time(e.at), e.actor, e.type.rawValue, e.policy.joined(separator: ","), detail(e, display)]) }
                return display.fields(pairs) + "\n\ntimeline\n" + t.render()
            }
        }
    }

    func detail(_ e: Event, _ display: Display) -> String {
        switch e.type {
        case .caseOpened: return "occurred \(display.time(Event.parseTimestamp(e.payload["occurred_at"]))): \(e.payload["summary"] ?? "")"
        case .caseNoted: return e.payload["text"] ?? ""
        case .caseClosed: return e.payload["resolution"] ?? ""
        default: return e.payload.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }
}
