import Foundation
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    static func addServer(_ r: inout Router, _ engine: Engine, _ info: ServerInfo, _ channels: (any ChannelControl)?) {
        r.add(Method.status, Empty.self, .anyone) { _, _ in
            let counts = try engine.counts()
            let now = Date()
            return StatusResult(server: info.name, startedAt: info.startedAt, uptimeSeconds: now.timeIntervalSince(info.startedAt),
                                database: info.database, databaseBytes: engine.store.sizeOnDisk(),
                                socketActivated: info.socketActivated, clock: engine.clockDescription,
                                students: counts.students, openCases: counts.openCases, events: counts.events,
                                overdueSteps: counts.overdueSteps, channels: channels?.statuses() ?? [])
        }
        r.add(Method.rulesShow, RulesShowParams.self, .anyone) { _, p in
            guard let kind = CaseKind(text: p.kind) else {
                throw LiaisonError.invalid("\"\(p.kind)\" is not a case kind; use one of \(CaseKind.usageList)")
            }
            return try engine.rulebook(kind)
        }
        r.add(Method.rulesPlan, RulesPlanParams.self, Access(Access.caseworkers.union([.admin]), .service)) { _, p in
            let directory = info.rules?.rulesDirectory ?? ""
            guard let candidate = p.rulebooks else {
                let books = try ruleSource(info).load().rulebooks
                return RulesPlanResult(try engine.planRuleSet(books), rulesDirectory: directory, fromRulesDirectory: true, applied: false)
            }
            // The daemon checks the set again: a client is not trusted to have.
            let problems = RuleSetValidation.problems(in: candidate)
            guard problems.isEmpty else { throw LiaisonError.invalid("the rulebooks are not valid:", details: problems) }
            return RulesPlanResult(try engine.planRuleSet(candidate), rulesDirectory: directory, fromRulesDirectory: false, applied: false)
        }
        r.add(Method.rulesApply, RulesApplyParams.self, Access.office.because("it changes the rules every case is held to; show them the plan: liaisonctl rules plan")) { ctx, p in
            guard p.plan.count == 12, p.plan.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw LiaisonError.invalid("\"\(p.plan)\" is not a plan id; `liaisonctl rules plan` prints one, 12 hex digits")
            }
            // What runs must be what the rules directory holds, or a restart
            // would bring back another set: apply installs from there only.
            let source = try ruleSource(info)
            let (books, templates) = try source.load()
            let plan = try engine.installRulebooks(books, holdingTo: p.plan, by: ctx.actor, from: source.rulesDirectory)
            try engine.installTemplates(templates)
            return RulesPlanResult(plan, rulesDirectory: source.rulesDirectory, fromRulesDirectory: true, applied: true)
        }
        r.add(Method.backup, BackupParams.self, Access.operations.because("running the service")) { ctx, p in
            BackupResult(path: p.path, bytes: try engine.backup(to: p.path, by: ctx.actor))
        }
    }

    static func ruleSource(_ info: ServerInfo) throws -> RuleSource {
        guard let source = info.rules else {
            throw LiaisonError(.unavailable, "this liaisond has no rules directory to read; plan a directory with `liaisonctl rules plan DIR`")
        }
        return source
    }
}
