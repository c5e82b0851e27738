import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseStep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step", abstract: "Record what you did for a step; it is done when the evidence reaches the level its rulebook asks.",
        discussion: """
            A step that tells parents takes whom you reached and what happened: --guardian G --outcome OUTCOME, \
            where spoke = acknowledged, no-answer and left-message = attempted, met = in-person. \
            "delivered" comes only from a channel's receipt, never from a person. \
            Other steps (a report to the counseling center, to the police) are done with --note, or --evidence attempted|acknowledged|in-person.
            """)

    @Argument(help: "Case id.") var id: String
    @Argument(help: "Step id, as `case show` lists them.") var step: String
    @Option(help: "The guardian reached: id, name or relation (父亲), as `student show` lists them.") var guardian: String?
    @Option(help: "spoke, no-answer, left-message or met.") var outcome: String?
    @Option(help: "For steps that do not tell parents: attempted, acknowledged or in-person.") var evidence: String?
    @Option(help: "phone, sms, wechat, qq, letter or visit.") var channel: String?
    @Option(help: "What happened, e.g. what was agreed.") var note: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let params = CaseStepParams(id: id, step: step, evidence: evidence, channel: channel, note: note, guardian: guardian, outcome: outcome)
        try global.call(Method.caseStep, params, as: CaseRecord.self) { c, _ in
            guard let s = c.steps.first(where: { $0.id == step }) else { return "recorded" }
            if s.status == .done {
                let late = s.lateSeconds.map { ", \(Duration.words($0)) late" } ?? ""
                return "step \(step) of \(c.id) is done (\(s.evidence?.name ?? "recorded"))\(late)"
            }
            return "recorded \(outcome ?? evidence ?? "it") for \(step) of \(c.id); not done yet — it needs stronger evidence (`liaisonctl rules show \(c.kind.rawValue)`)"
        }
    }
}

enum Duration {
    /// "2 h 5 min", "3 d 4 h", "45 min".
    static func words(_ seconds: Double) -> String {
        let s = Int(abs(seconds))
        let d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60
        if d > 0 { return "\(d) d \(h) h" }
        if h > 0 { return "\(h) h \(m) min" }
        return "\(max(m, s > 0 ? 1 : 0)) min"
    }
}
