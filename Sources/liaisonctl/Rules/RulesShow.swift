import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonConfig
import LiaisonCore
import LiaisonProtocol

struct RulesShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A rulebook as a step list with deadlines, evidence, escalation and policy ids.")

    @Argument(help: "The case kind, e.g. accident.") var kind: String
    @Option(help: "Read the rulebook from this directory instead of asking the daemon.") var dir: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let dir {
            guard let k = CaseKind(text: kind) else { throw ValidationError("\"\(kind)\" is not a case kind; use one of \(CaseKind.usageList)") }
            do {
                guard let book = try RulebookLoader.load(directory: dir).first(where: { $0.kind == k }) else {
                    throw LiaisonError.notFound("\(dir) has no rulebook for \(k.rawValue) (the rulebooks there are valid; add \(k.rawValue).yaml)")
                }
                try global.emit(book) { Self.render(book) }
            } catch let e as LiaisonError {
                throw global.fail(e)
            }
            return
        }
        try global.call(Method.rulesShow, RulesShowParams(kind: kind), as: Rulebook.self) { book, _ in Self.render(book) }
    }

    static func render(_ b: Rulebook) -> String {
        var t = TextTable(["step", "title", "mandatory", "parents", "evidence", "due", "escalate", "when", "policy"])
        for s in b.steps {
            t.add([s.id, s.title, s.mandatory ? "yes" : "no", s.notifiesParents ? "yes" : "no",
                   s.notifiesParents ? "≥ \(s.evidence.name)" : "—", due(s.due), s.escalate.map(\.rawValue).joined(separator: " → "),
                   s.when?.rawValue ?? "", s.policy.joined(separator: ",")])
        }
        return "\(b.kind.rawValue) \(b.title) — version \(b.version) — policy \(b.policy.joined(separator: ", "))\n\(b.source)\n\n" + t.render()
    }

    static func due(_ d: DeadlineRule?) -> String {
        guard let d else { return "—" }
        let span: String
        switch d.span {
        case let .hours(h): span = "\(h) h"
        case let .workingDays(n): span = "\(n) working day\(n == 1 ? "" : "s")"
        }
        return "\(span) after \(d.afterStep ?? "opening")"
    }
}
