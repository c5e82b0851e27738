import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// The tiers' contact intervals (`obligations.intervals` in the config).
    public func installContactIntervals(_ intervals: ContactIntervals) { contactIntervalsBox.withLock { $0 = intervals } }
    public var contactIntervals: ContactIntervals { contactIntervalsBox.withLock { $0 } }

    /// Up to this many students, their contacts are read by student id.
    static let evidenceByStudentUpTo = 2000

    /// The contact obligations of the students in `scope` in a term (today's
    /// by default), most urgent first (issue 16.3, P2.2.1, P3.1): decided
    /// from one read of the term's contacts and delivered notices.
    public func obligations(_ filter: ObligationFilter, scope: Responsibility) throws -> ObligationPage {
        let (term, today, all) = try obligationList(filter, scope: scope)
        return ObligationPage.make(all, filter: filter, term: term.id, today: today, calendar: calendar)
    }

    /// Every obligation in `scope` that `filter`'s class, counselor and
    /// college select (its status filters and page are the page's), unsorted.
    func obligationList(_ filter: ObligationFilter, scope: Responsibility) throws -> (term: AcademicTerm, today: String, all: [Obligation]) {
        let now = clock.now()
        let today = calendar.day(of: now)
        let id = filter.term ?? calendar.term(containing: now)
        guard let term = calendar.termBounds(id) else {
            throw LiaisonError.invalid("\"\(id)\" is not a term; write it as 2026-2027-1 (`liaisonctl calendar show` lists the terms)")
        }
        guard let from = calendar.startOfDay(term.start), let to = calendar.startOfDay(calendar.adding(days: 1, to: term.end)) else {
            throw LiaisonError(.internal, "term \(term.id) has no valid days")
        }
        let intervals = contactIntervals
        let (students, evidence) = try store.read { tx in
            let students = try tx.students(className: filter.className, counselorID: filter.counselorID, scope: scope, after: nil,
                                           limit: Int(Int32.max)).students
            // A few hundred students (a counselor's, a class): by their ids; more, one pass over the term.
            let ids = students.count <= Self.evidenceByStudentUpTo ? students.map(\.id) : nil
            return (students, try tx.contactEvidence(students: ids, from: from, to: to))
        }
        let all = students.filter { filter.college == nil || $0.college == filter.college }.map { s in
            ObligationRule.decide(student: s, term: term, interval: intervals[s.tier], evidence: evidence[s.id] ?? [], today: today, calendar: calendar)
        }
        return (term, today, all)
    }

    /// The guardians of the students in `scope` no message can reach:
    /// no usable route, or every route of their last message failed.
    public func unreachableGuardians(className: String?, counselorID: String?, college: String?, scope: Responsibility,
                                     after: String?, limit: Int) throws -> UnreachablePage {
        let all = try store.read { tx -> [UnreachableGuardian] in
            let students = try tx.students(className: className, counselorID: counselorID, scope: scope, after: nil, limit: Int(Int32.max)).students
            let last = try tx.lastGuardianMessages()
            var out: [UnreachableGuardian] = []
            for s in students where college == nil || s.college == college {
                for g in try tx.guardians(ofStudent: s.id) {
                    if Self.routes(for: g).isEmpty {
                        out.append(UnreachableGuardian(student: s, guardian: g, reason: .noRoute))
                    } else if let m = last[g.id], m.state == .failed {
                        out.append(UnreachableGuardian(student: s, guardian: g, reason: .everyRouteFailed, messageID: m.id, failedAt: m.at))
                    }
                }
            }
            return out
        }
        return UnreachablePage.make(all, after: after, limit: limit)
    }
}
