import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore

extension Routes {
    static func addSteps(_ r: inout Router, _ engine: Engine) {
        r.add(Method.caseStep, CaseStepParams.self, .student()) { ctx, p in
            try engine.checkCase(p.id, for: ctx.actor)
            var level: EvidenceLevel?
            if let e = p.evidence {
                guard let l = EvidenceLevel(name: e) else {
                    throw LiaisonError.invalid("evidence \"\(e)\" is not a level; use \(EvidenceLevel.allCases.map(\.name).joined(separator: " < "))")
                }
                level = l
            }
            var outcome: ContactOutcome?
            if let o = p.outcome {
                guard let v = ContactOutcome(text: o) else { throw LiaisonError.invalid("outcome \"\(o)\" is not one of \(ContactOutcome.usageList)") }
                outcome = v
            }
            if let ch = p.channel, ContactChannel(text: ch) == nil {
                throw LiaisonError.invalid("\"\(ch)\" is not a channel; use one of \(ContactChannel.usageList)")
            }
            let updated = try engine.recordStaffEvidence(caseID: p.id, stepID: p.step, guardian: p.guardian, outcome: outcome, evidence: level,
                                                         channel: p.channel.flatMap { ContactChannel(text: $0)?.rawValue } ?? "",
                                                         note: p.note ?? "", by: ctx.actor)
            return try engine.visible(updated, to: ctx.actor)
        }
        r.add(Method.caseMeeting, CaseMeetingParams.self, .student()) { ctx, p in
            try engine.checkCase(p.id, for: ctx.actor)
            return try engine.visible(try engine.recordMeeting(caseID: p.id, at: try instant(p.at, field: "at", engine), with: p.with, note: p.note ?? "",
                                                           by: ctx.actor), to: ctx.actor)
        }
        r.add(Method.deadlines, DeadlinesParams.self, .filtered()) { ctx, p in
            let now = engine.clock.now()
            var f = DeadlineFilter(college: p.college, overdueOnly: p.overdue ?? false, scope: try engine.responsibility(of: ctx.actor))
            if let w = p.dueWithin {
                guard let s = parseDuration(w) else { throw LiaisonError.invalid("due-within \"\(w)\" is not a duration; write 24h, 3d or 90m") }
                f.dueBefore = now.addingTimeInterval(s)
            }
            return DeadlinesResult(now: now, rows: try engine.deadlines(f))
        }
        r.add(Method.clockAdvance, ClockParams.self, .operations) { _, p in
            guard let text = p.duration, let s = parseDuration(text), s > 0 else {
                throw LiaisonError.invalid("clock advance needs a positive duration such as 2h, 3d or 90m")
            }
            return ClockResult(now: try engine.moveClock(to: engine.clock.now().addingTimeInterval(s)))
        }
        r.add(Method.clockShow, Empty.self, .anyone) { _, _ in
            ClockShowResult(now: engine.clock.now(), virtual: engine.clock is VirtualClock, timeZone: engine.calendar.timeZone.identifier)
        }
        r.add(Method.clockSet, ClockParams.self, .operations) { _, p in
            guard let t = try instant(p.time, field: "time", engine) else { throw LiaisonError.invalid("clock set needs a time") }
            return ClockResult(now: try engine.moveClock(to: t))
        }
    }
}
