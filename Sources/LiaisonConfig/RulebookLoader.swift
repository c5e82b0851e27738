import Foundation
import LiaisonCore

/// Reads the rulebooks of a directory (one YAML file per case kind) and
/// checks them as a set. Every problem in every file is reported, each with
/// file:line:column; one problem means the whole set is refused.
public enum RulebookLoader {
    public static func load(directory: String) throws -> [Rulebook] {
        try YAMLSet.load(directory: directory, missing: "the rulebook directory does not exist", what: "the rulebooks", parse: parse,
                         check: RuleSetValidation.problems(in:))
    }

    /// One rulebook file. Problems inside steps are collected, not stopped at.
    public static func parse(_ root: YAMLNode) throws -> Rulebook {
        let top = try root.mapping(allowed: ["kind", "version", "title", "policy", "urgent", "sensitive", "proposes_tier", "steps"], what: "a rulebook")
        guard let kindNode = top["kind"] else { throw root.error("missing kind: (one of \(CaseKind.usageList))") }
        let kindText = try kindNode.string("kind")
        guard let kind = CaseKind(rawValue: kindText) else {
            throw kindNode.error("kind \"\(kindText)\" is not a case kind; use one of \(CaseKind.usageList)")
        }
        let version = try top["version"].map { try $0.int("version") } ?? 1
        let policy = try top["policy"].map { try $0.strings("policy") } ?? []
        var proposes: Tier?
        if let v = top["proposes_tier"] {
            let text = try v.string("proposes_tier")
            guard let t = Tier(text: text), t != .general else {
                throw v.error("proposes_tier \"\(text)\" is not special or key (特殊, 重点)")
            }
            proposes = t
        }
        guard let stepsNode = top["steps"] else { throw root.error("missing steps:") }
        var steps: [StepRule] = []
        var problems: [String] = []
        for node in try stepsNode.sequence("steps") {
            do { steps.append(try step(node)) } catch let e as LiaisonError { problems.append(e.message) }
        }
        if !problems.isEmpty { throw LiaisonError.invalid(problems[0], details: Array(problems.dropFirst())) }
        return Rulebook(kind: kind, version: version, title: try top["title"]?.string("title") ?? kind.chineseName,
                        policy: policy, steps: steps, source: root.place, urgent: try top["urgent"]?.bool("urgent") ?? false,
                        sensitive: try top["sensitive"]?.bool("sensitive"), proposesTier: proposes)
    }

    static let stepKeys = ["id", "title", "mandatory", "notifies_parents", "evidence", "due", "escalate", "when", "policy", "message"]

    static func step(_ node: YAMLNode) throws -> StepRule {
        let m = try node.mapping(allowed: stepKeys, what: "a step")
        guard let idNode = m["id"] else { throw node.error("a step needs an id:") }
        let id = try idNode.string("id")
        guard RosterParser.isValidID(id) else { throw idNode.error("step id \"\(id)\" must be letters, digits, '-' or '_'") }
        var evidence = EvidenceLevel.attempted
        if let e = m["evidence"] {
            let name = try e.string("evidence")
            guard let level = EvidenceLevel(name: name) else {
                throw e.error("evidence \"\(name)\" is not a level; use \(EvidenceLevel.allCases.map(\.name).joined(separator: " < "))")
            }
            evidence = level
        }
        var escalate: [EscalationTarget] = []
        if let e = m["escalate"] {
            for t in try e.sequence("escalate") {
                let name = try t.string("escalate")
                guard let target = EscalationTarget(rawValue: name) else {
                    throw t.error("escalation target \"\(name)\" does not exist; use \(EscalationTarget.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                escalate.append(target)
            }
        }
        var when: StepCondition?
        if let w = m["when"] {
            let name = try w.string("when")
            guard let c = StepCondition(rawValue: name) else {
                throw w.error("when \"\(name)\" is not a condition; use \(StepCondition.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            when = c
        }
        return StepRule(id: id, title: try m["title"]?.string("title") ?? id, mandatory: try m["mandatory"]?.bool("mandatory") ?? false,
                        notifiesParents: try m["notifies_parents"]?.bool("notifies_parents") ?? false, evidence: evidence,
                        due: try m["due"].map(deadline), escalate: escalate, when: when,
                        policy: try m["policy"].map { try $0.strings("policy") } ?? [], source: node.place,
                        message: try m["message"].map { try $0.string("message") })
    }

    static func deadline(_ node: YAMLNode) throws -> DeadlineRule {
        let m = try node.mapping(allowed: ["after", "hours", "working_days", "before_effective"], what: "due")
        let after = try m["after"].map { try $0.string("due.after") }
        let early = try m["before_effective"]?.bool("due.before_effective") ?? false
        switch (m["hours"], m["working_days"]) {
        case let (h?, nil): return DeadlineRule(afterStep: after == "opened" ? nil : after, span: .hours(try h.int("due.hours")), beforeEffective: early)
        case let (nil, d?): return DeadlineRule(afterStep: after == "opened" ? nil : after, span: .workingDays(try d.int("due.working_days")), beforeEffective: early)
        case (_?, _?): throw node.error("due gives both hours and working_days; the deadline cannot be computed — keep one")
        case (nil, nil): throw node.error("due needs hours: or working_days:; without one the deadline cannot be computed")
        }
    }
}
