import Foundation
import LiaisonCore
import LiaisonStore

/// Whose data a caller sees (issue 14): their `Responsibility`, read from
/// the roster, and the checks a student-scoped method makes before it acts.
extension Engine {
    /// What `staff` answers for: from their role, college and the classes
    /// that name them as counselor or class teacher.
    public func responsibility(of staff: Staff) throws -> Responsibility {
        switch staff.role {
        case .counselor, .teacher: Responsibility(staff: staff, classes: try store.read { try $0.classes(staffID: staff.id) })
        default: Responsibility(staff: staff, classes: [])
        }
    }

    /// The student, if `actor` answers for them; else `forbidden` naming who can.
    @discardableResult
    public func checkStudent(_ id: String, for actor: Staff) throws -> Student {
        let student = try store.read { try requireStudent(id, $0) }
        let r = try responsibility(of: actor)
        guard r.covers(student) else { throw r.refusal("student \(id)") }
        return student
    }

    /// A read of one student's data (`case show`, `student show`, `contact
    /// list`, `message show`): in scope, or out of it by break-glass when
    /// the method lets the actor's role (`mayBreakGlass`, from its
    /// `Access`) and a valid reason is given (`BreakGlass.decide`).
    public func checkStudentRead(_ id: String, for actor: Staff, reason: String?, mayBreakGlass: Bool, what: String? = nil) throws -> BreakGlass.Grant {
        let student = try store.read { try requireStudent(id, $0) }
        return try BreakGlass.decide(what ?? "student \(id)", student: student, responsibility: try responsibility(of: actor),
                                     mayBreakGlass: mayBreakGlass, reason: reason)
    }

    /// The case's student must be one `actor` answers for.
    public func checkCase(_ id: String, for actor: Staff) throws {
        _ = try checkCaseRead(id, for: actor, reason: nil, mayBreakGlass: false)
    }

    /// `checkStudentRead` for the case's student.
    public func checkCaseRead(_ id: String, for actor: Staff, reason: String?, mayBreakGlass: Bool) throws -> BreakGlass.Grant {
        guard let c = try store.read({ try $0.caseRecord(id) }) else {
            throw LiaisonError.notFound("no case \(id); `liaisonctl case list` shows the cases you answer for")
        }
        guard try store.read({ try $0.student(c.studentID) }) != nil else {
            throw try responsibility(of: actor).refusal("case \(id)'s student")
        }
        return try checkStudentRead(c.studentID, for: actor, reason: reason, mayBreakGlass: mayBreakGlass, what: "case \(id)'s student")
    }

    /// A message belongs to a case; its case's student decides.
    public func checkMessage(_ id: Int64, for actor: Staff) throws {
        _ = try checkMessageRead(id, for: actor, reason: nil, mayBreakGlass: false)
    }

    /// `checkCaseRead` for the message's case. A message of no case (a
    /// break-glass notice to staff) is the office's (and root's).
    public func checkMessageRead(_ id: Int64, for actor: Staff, reason: String?, mayBreakGlass: Bool) throws -> BreakGlass.Grant {
        guard let m = try store.read({ try $0.message(id) }) else {
            throw LiaisonError.notFound("no message \(id); `liaisonctl message list` lists them")
        }
        guard !m.caseID.isEmpty else {
            // Not about a case (a notice to staff): no guardian's data in it.
            guard try responsibility(of: actor) == .school else { throw LiaisonError(.forbidden, "message \(id) belongs to no case; the Student Affairs Office can see it") }
            return .inScope
        }
        return try checkCaseRead(m.caseID, for: actor, reason: reason, mayBreakGlass: mayBreakGlass)
    }
}

extension Engine {
    /// The classes that name `staff` as counselor or class teacher.
    public func classes(of staff: Staff) throws -> [ClassRecord] {
        try store.read { try $0.classes(staffID: staff.id) }
    }

    /// A page of staff by id (`staff list`).
    public func staffPage(role: StaffRole?, college: String?, after: String?, limit: Int) throws -> (staff: [Staff], total: Int, next: String?) {
        let (list, total) = try store.read { try $0.staffPage(role: role, college: college, after: after, limit: limit + 1) }
        let page = Array(list.prefix(limit))
        return (page, total, list.count > limit ? page.last?.id : nil)
    }

    /// `staff`'s assignments, past and present, from the roster events in
    /// the log (`AssignmentHistory`): classes they were counselor or class
    /// teacher of, students.csv's counselor_id counted by class, each with
    /// its dates and who imported the change.
    public func assignments(of staff: Staff) throws -> [StaffAssignment] {
        AssignmentHistory.of(staff.id, in: try store.read { try $0.events(types: AssignmentHistory.eventTypes) })
    }

    public func requireStaff(_ id: String) throws -> Staff {
        guard let s = try store.read({ try $0.staff(id) }) else {
            throw LiaisonError.notFound("no staff member \(id); `liaisonctl staff list` shows them")
        }
        return s
    }
}

extension Engine {
    /// Whether `actor` reads the content of case `c` (issue 14.2): always,
    /// unless its kind is sensitive and they are not among its readers.
    public func readsContent(of c: CaseRecord, _ actor: Staff) throws -> Bool {
        guard SensitiveCase.isSensitive(c.kind, rulebook: try? rulebook(c.kind)) else { return true }
        guard let s = try store.read({ try $0.student(c.studentID) }) else { return false }
        return SensitiveCase.mayRead(actor, case: c, student: s)
    }

    /// The case as `actor` may see it (the read audited, under `grant`): a
    /// sensitive case's texts withheld from those who may not read them. A
    /// break-glass read shows what the office sees: the reason for it is
    /// the content (and the counselor is told).
    public func caseDetail(_ id: String, for actor: Staff, grant: BreakGlass.Grant = .inScope) throws -> CaseDetail {
        let d = try caseDetail(id, by: actor, scope: grant.scope, reason: grant.reason)
        return try grant.isBreakGlass || readsContent(of: d.record, actor) ? d : SensitiveCase.withhold(d)
    }

    /// The case as `actor` may see it.
    public func visible(_ c: CaseRecord, to actor: Staff) throws -> CaseRecord {
        try readsContent(of: c, actor) ? c : SensitiveCase.withhold(c)
    }

    /// A page of cases as `actor` may see them.
    public func casePage(_ filter: CaseFilter, for actor: Staff) throws -> CasePage {
        var page = try casePage(filter)
        page.cases = try page.cases.map { try visible($0, to: actor) }
        return page
    }
}

extension Engine {
    /// Everything held about one student and their guardians (issue 14.6,
    /// PIPL Art. 45): the office's copy for the data subject, recorded in
    /// the audit log before it is handed over.
    public func studentExport(_ id: String, by actor: Staff) throws -> StudentExport {
        let now = clock.now()
        var export = try store.read { tx -> StudentExport in
            let s = try requireStudent(id, tx)
            let schoolClass = try tx.schoolClass(s.className)
            let cases = try tx.cases(CaseFilter(studentID: id, limit: 1_000_000))
            let detail = StudentDetail(student: s, guardians: try tx.guardians(ofStudent: id), counselor: try tx.staff(s.counselorID),
                                       openCases: cases.filter { $0.state == .open }, contactsThisTerm: 0, term: calendar.term(containing: now),
                                       schoolClass: schoolClass, teacher: try schoolClass.flatMap { try tx.staff($0.teacherID) },
                                       siblings: try tx.siblings(of: id), records: try tx.records(studentID: id))
            var messages: [Message] = [], replies: [InboundReply] = []
            for c in cases {
                messages += try tx.messages(MessageFilter(caseID: c.id, limit: 100_000))
                replies += try tx.replies(unmatchedOnly: false, caseID: c.id, scope: .school, limit: 100_000, offset: 0)
            }
            return StudentExport(exportedAt: now, exportedBy: actor.id, student: detail,
                                 cases: try cases.map { CaseDetail(record: $0, student: s, events: try tx.events(caseID: $0.id), now: now) },
                                 contacts: try tx.contacts(studentID: id), messages: messages, replies: replies, audit: [])
        }
        try audit(.studentExport, by: actor, student: id, scope: .school, detail: "\(export.cases.count) cases, \(export.contacts.count) contacts")
        export.audit = try store.read { try $0.auditEntries(AuditFilter(studentID: id, limit: 1_000_000)).entries }
        return export
    }
}
