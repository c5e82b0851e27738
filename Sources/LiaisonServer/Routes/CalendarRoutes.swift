import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    /// The calendar holds no personal data: every role may read it, ops too.
    static func addCalendar(_ r: inout Router, _ engine: Engine) {
        r.add(Method.calendarShow, CalendarShowParams.self, .anyone) { _, p in
            try CalendarView(engine.calendar, now: engine.clock.now(), term: p.term)
        }
    }
}

extension Routes {
    /// A caseworker's own students, a supervisor's college, the office's
    /// school; names are personal data, so the read is audited as a list.
    static func addObligations(_ r: inout Router, _ engine: Engine) {
        r.add(Method.studentTier, ReadParams.self, .studentRead) { ctx, p in
            let grant = try engine.checkStudentRead(p.id, for: ctx.actor, reason: p.reason, mayBreakGlass: ctx.mayBreakGlass)
            return try engine.tierHistory(p.id, by: ctx.actor, scope: grant.scope, reason: grant.reason)
        }
        r.add(Method.studentTierSet, StudentTierParams.self, .student()) { ctx, p in
            try engine.checkStudent(p.id, for: ctx.actor)
            guard let text = p.tier, let tier = Tier(text: text) else {
                throw LiaisonError.invalid("\"\(p.tier ?? "")\" is not a tier; use special, key or general (特殊, 重点, 一般)")
            }
            return try engine.setTier(p.id, to: tier, reasons: p.reason ?? "", by: ctx.actor)
        }
        r.add(Method.obligations, ObligationsParams.self, .filtered()) { ctx, p in
            var f = ObligationFilter()
            f.term = p.term
            f.limit = try pageLimit(p.limit, of: "students")
            if let text = p.dueWithin {
                guard let s = parseDuration(text), s >= 86400, s.truncatingRemainder(dividingBy: 86400) == 0 else {
                    throw LiaisonError.invalid("--due-within \"\(text)\" is not a number of days; write 7d or 2w")
                }
                f.dueWithinDays = Int(s / 86400)
            }
            f.overdueOnly = p.overdue ?? false
            if let t = p.tier {
                guard let tier = Tier(text: t) else { throw LiaisonError.invalid("\"\(t)\" is not a tier; use special, key or general (特殊, 重点, 一般)") }
                f.tier = tier
            }
            f.className = p.className
            f.counselorID = p.counselor
            f.college = p.college
            f.after = p.after
            let page = try engine.obligations(f, scope: try engine.responsibility(of: ctx.actor))
            try engine.auditList(Method.obligations, by: ctx.actor, rows: page.obligations.count,
                                 filter: [p.term.map { "term=\($0)" }, p.className.map { "class=\($0)" }, p.counselor.map { "counselor=\($0)" },
                                          p.college.map { "college=\($0)" }, p.after.map { "after=\($0)" }])
            return page
        }
    
        r.add(Method.obligationsUnreachable, ObligationsParams.self, .filtered()) { ctx, p in
            let limit = try pageLimit(p.limit, of: "guardians")
            let page = try engine.unreachableGuardians(className: p.className, counselorID: p.counselor, college: p.college,
                                                       scope: try engine.responsibility(of: ctx.actor), after: p.after, limit: limit)
            try engine.auditList(Method.obligationsUnreachable, by: ctx.actor, rows: page.guardians.count,
                                 filter: [p.className.map { "class=\($0)" }, p.counselor.map { "counselor=\($0)" }, p.college.map { "college=\($0)" },
                                          p.after.map { "after=\($0)" }])
            return page
        }
    }
}
