import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore

extension Routes {
    static func addCases(_ r: inout Router, _ engine: Engine) {
        r.add(Method.caseOpen, CaseOpenParams.self, .student()) { ctx, p in
            try engine.checkStudent(p.student, for: ctx.actor)
            guard let kind = CaseKind(text: p.kind) else {
                throw LiaisonError.invalid("\"\(p.kind)\" is not a case kind; use one of \(CaseKind.usageList)")
            }
            var facts = CaseFacts(effectiveAt: try instant(p.effective, field: "effective", engine))
            if let l = p.level {
                guard let level = SanctionLevel(text: l) else {
                    throw LiaisonError.invalid("level \"\(l)\" is not a sanction level; use one of \(SanctionLevel.allCases.map { "\($0.chineseName) (\($0.rawValue))" }.joined(separator: ", "))")
                }
                facts.sanctionLevel = level
            }
            return try engine.openCase(kind: kind, studentID: p.student, summary: p.summary,
                                       occurredAt: try instant(p.occurredAt, field: "occurredAt", engine), facts: facts, by: ctx.actor)
        }
        r.add(Method.caseList, CaseListParams.self, .filtered()) { ctx, p in
            let limit = try pageLimit(p.limit, of: "cases")
            var f = CaseFilter(scope: try engine.responsibility(of: ctx.actor), after: p.after, limit: limit)
            if let s = p.state, s != "all" {
                guard let state = CaseState(rawValue: s) else { throw LiaisonError.invalid("state \"\(s)\" is not open, closed or all") }
                f.state = state
            }
            if let k = p.kind {
                guard let kind = CaseKind(text: k) else { throw LiaisonError.invalid("\"\(k)\" is not a case kind; use one of \(CaseKind.usageList)") }
                f.kind = kind
            }
            if p.mine == true { f.involving = ctx.actor.id }
            f.studentID = p.student
            let page = try engine.casePage(f, for: ctx.actor)
            try engine.auditList(Method.caseList, by: ctx.actor, rows: page.cases.count,
                                 filter: [p.state.map { "state=\($0)" }, p.kind.map { "kind=\($0)" }, p.student.map { "student=\($0)" },
                                          p.mine == true ? "mine" : nil, p.after.map { "after=\($0)" }])
            return page
        }
        r.add(Method.caseShow, ReadParams.self, .studentRead) { ctx, p in
            let grant = try engine.checkCaseRead(p.id, for: ctx.actor, reason: p.reason, mayBreakGlass: ctx.mayBreakGlass)
            return try engine.caseDetail(p.id, for: ctx.actor, grant: grant)
        }
        r.add(Method.caseNote, CaseNoteParams.self, .student()) { ctx, p in
            try engine.checkCase(p.id, for: ctx.actor)
            return try engine.visible(try engine.noteCase(p.id, text: p.text, by: ctx.actor), to: ctx.actor)
        }
        r.add(Method.caseClose, CaseCloseParams.self, .student()) { ctx, p in
            try engine.checkCase(p.id, for: ctx.actor)
            return try engine.visible(try engine.closeCase(p.id, resolution: p.resolution, waive: p.waive ?? [], reason: p.reason, by: ctx.actor), to: ctx.actor)
        }
    }

    static func addContacts(_ r: inout Router, _ engine: Engine) {
        r.add(Method.contactLog, ContactLogParams.self, .student()) { ctx, p in
            try engine.checkStudent(p.student, for: ctx.actor)
            guard let channel = ContactChannel(text: p.channel) else {
                throw LiaisonError.invalid("\"\(p.channel)\" is not a channel; use one of \(ContactChannel.usageList)")
            }
            var topics: [ContactTopic] = []
            for t in p.topics.flatMap({ $0.split(separator: ",") }).map(String.init) {
                guard let topic = ContactTopic(text: t) else {
                    throw LiaisonError.invalid("\"\(t)\" is not a topic; use any of \(ContactTopic.usageList)")
                }
                if !topics.contains(topic) { topics.append(topic) }
            }
            return try engine.logContact(studentID: p.student, guardian: p.guardian, channel: channel, topics: topics,
                                         summary: p.summary, feedback: p.feedback ?? "",
                                         contactedAt: try instant(p.contactedAt, field: "contactedAt", engine), by: ctx.actor)
        }
        r.add(Method.contactList, ContactListParams.self, .studentRead) { ctx, p in
            let grant = try engine.checkStudentRead(p.student, for: ctx.actor, reason: p.reason, mayBreakGlass: ctx.mayBreakGlass)
            return try engine.contacts(studentID: p.student, by: ctx.actor, scope: grant.scope, reason: grant.reason)
        }
    }
}
