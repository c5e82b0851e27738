import Foundation
import LiaisonCore
import LiaisonStore
import Logging

extension Engine {
    /// Opens an incident case for a student (P2.2.3, P2.2.2, P1.5).
    public func openCase(kind: CaseKind, studentID: String, summary: String, occurredAt: Date?, facts: CaseFacts = CaseFacts(),
                         by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        let book = try rulebook(kind)
        let opened = try store.write { tx in
            let student = try requireStudent(studentID, tx)
            var facts = facts
            // Flagged at opening: nobody can be reached, by any channel or phone.
            let guardians = try tx.guardians(ofStudent: student.id)
            facts.unreachable = guardians.allSatisfy { Self.routes(for: $0).isEmpty }
            if let t = book.proposesTier, t.rank > student.tier.rank { facts.proposedTier = t }
            let year = calendar.year(of: now)
            let id = CaseRecord.makeID(year: year, sequence: try tx.nextSequence("case-\(year)"))
            var events = try CaseMachine.decide(nil, .open(kind: kind, student: student, summary: summary, occurredAt: occurredAt, facts: facts),
                                                caseID: id, actor: actor.id, now: now)
            // The rulebook's steps and first deadlines travel in the opening
            // event; the case pins the rulebook version it was opened under.
            let (payload, effects) = CaseSteps.opening(book, caseID: id, student: student, facts: facts, at: now, calendar: calendar)
            events[0].payload.merge(payload) { a, _ in a }
            // Who answered for the class when the case opened (issue 14.1): the
            // case keeps it though classes.csv later hands the class to others.
            events[0].payload["class"] = student.className
            if let cls = try tx.schoolClass(student.className) {
                events[0].payload["class_counselor"] = cls.counselorID
                if !cls.teacherID.isEmpty { events[0].payload["class_teacher"] = cls.teacherID }
            }
            if !isPinned(book) { try tx.pin(book) }
            let (recorded, seqs) = try Projector.recordNumbered(events, in: tx)
            let c = recorded!
            try perform(effects, tx, now: now, known: Known(c: c, student: student, guardians: guardians))
            try audit(.caseOpen, by: actor, student: student.id, case: c.id, scope: try relation(of: actor, toStudent: student.id, tx),
                      detail: Self.eventsDetail(seqs), in: tx)
            return c
        }.logged(logger, "case opened", MessageID.caseOpened)
        committed()
        return opened
    }

    public func noteCase(_ id: String, text: String, by actor: Staff) throws -> CaseRecord {
        try command(id, .note(text: text), audited: .caseNote, by: actor)
    }

    /// Closes a case; refused while a mandatory step is open unless a
    /// supervisor or the office waives it with a reason (`CaseClosing`).
    public func closeCase(_ id: String, resolution: String, waive: [String] = [], reason: String? = nil, by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        let closed = try store.write { tx in
            guard let c = try tx.caseRecord(id) else { throw LiaisonError.notFound("no case \(id); `liaisonctl case list` shows the cases") }
            let events = try CaseClosing.decide(c, book: try pinnedRulebook(c, tx), resolution: resolution, waive: waive, reason: reason,
                                                actor: actor, now: now, calendar: calendar)
            let (recorded, seqs) = try Projector.recordNumbered(events, in: tx)
            let closed = recorded ?? c
            // A closed case has nothing left to be late for.
            try perform(closed.steps.map { .cancel(caseID: closed.id, stepID: $0.id) }, tx, now: now)
            try audit(.caseClose, by: actor, student: c.studentID, case: c.id, scope: try relation(of: actor, toStudent: c.studentID, tx),
                      detail: Self.eventsDetail(seqs), in: tx)
            return closed
        }.logged(logger, "case closed", MessageID.caseClosed)
        committed()
        return closed
    }

    func command(_ id: String, _ command: CaseCommand, audited action: AuditAction, by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        return try store.write { tx in
            let events = try CaseMachine.decide(try tx.caseRecord(id), command, caseID: id, actor: actor.id, now: now)
            let (recorded, seqs) = try Projector.recordNumbered(events, in: tx)
            let c = recorded!
            // A closed case has nothing left to be late for.
            if c.state == .closed {
                try perform(c.steps.map { .cancel(caseID: c.id, stepID: $0.id) }, tx, now: now)
            }
            try audit(action, by: actor, student: c.studentID, case: c.id, scope: try relation(of: actor, toStudent: c.studentID, tx),
                      detail: Self.eventsDetail(seqs), in: tx)
            return c
        }
    }

    /// A case's content: summary, steps, timeline. Recorded in the audit
    /// log as `case.read` by `actor` under `scope` (when an access rule
    /// decided it; else the actor's relation to the student) with `reason`
    /// (break-glass), before it is returned.
    public func caseDetail(_ id: String, by actor: Staff, scope: AuditScope? = nil, reason: String = "") throws -> CaseDetail {
        let (detail, granted) = try store.read { tx -> (CaseDetail, AuditScope) in
            guard let record = try tx.caseRecord(id) else {
                throw LiaisonError.notFound("no case \(id); `liaisonctl case list` shows the cases")
            }
            let detail = CaseDetail(record: record, student: try tx.student(record.studentID), events: try tx.events(caseID: id), now: clock.now())
            return (detail, try scope ?? self.relation(of: actor, toStudent: record.studentID, tx))
        }
        try audit(.caseRead, by: actor, student: detail.record.studentID, case: id, scope: granted, reason: reason)
        return detail
    }

    public func cases(_ filter: CaseFilter) throws -> [CaseRecord] {
        try store.read { try $0.cases(filter) }
    }

    /// A page of cases, newest first; `next` is the id to pass as `after`.
    public func casePage(_ filter: CaseFilter) throws -> CasePage {
        var f = filter
        f.limit += 1
        return try store.read { tx in
            let (list, total) = try tx.casePage(f)
            let page = Array(list.prefix(filter.limit))
            return CasePage(cases: page, total: total, next: list.count > filter.limit ? page.last?.id : nil)
        }
    }
}

extension CaseRecord {
    /// Logs ids and kind only: summaries may hold health details, which the
    /// journal must not (PIPL Art. 28).
    func logged(_ logger: Logger, _ what: String, _ messageID: String) -> CaseRecord {
        logger.notice("\(what): \(id) \(kind.rawValue)", metadata: [
            "message_id": "\(messageID)", "case_id": "\(id)", "student_id": "\(studentID)", "case_kind": "\(kind.rawValue)",
            "counselor_id": "\(counselorID)",
        ])
        return self
    }
}
