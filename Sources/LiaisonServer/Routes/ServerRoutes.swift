import Foundation
import LiaisonChannels
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    static func addServer(_ r: inout Router, _ engine: Engine, _ info: ServerInfo, _ channels: ChannelDispatcher?) {
        r.add(Method.status, Empty.self) { _, _ in
            let counts = try engine.counts()
            let now = Date()
            return StatusResult(server: info.name, startedAt: info.startedAt, uptimeSeconds: now.timeIntervalSince(info.startedAt),
                                database: info.database, databaseBytes: engine.store.sizeOnDisk(),
                                socketActivated: info.socketActivated, clock: engine.clockDescription,
                                students: counts.students, openCases: counts.openCases, events: counts.events,
                                overdueSteps: counts.overdueSteps, channels: channels?.statuses() ?? [])
        }
        r.add(Method.rulesShow, RulesShowParams.self) { _, p in
            guard let kind = CaseKind(text: p.kind) else {
                throw LiaisonError.invalid("\"\(p.kind)\" is not a case kind; use one of \(CaseKind.usageList)")
            }
            return try engine.rulebook(kind)
        }
        r.add(Method.rulesPlan, RulesPlanParams.self) { _, p in
            // The daemon checks the set again: a client is not trusted to have.
            let problems = RuleSetValidation.problems(in: p.rulebooks)
            guard problems.isEmpty else { throw LiaisonError.invalid("the rulebooks are not valid:", details: problems) }
            return try engine.planRulebooks(p.rulebooks)
        }
        r.add(Method.backup, BackupParams.self) { _, p in
            BackupResult(path: p.path, bytes: try engine.backup(to: p.path))
        }
    }
}
