import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// Records one individual contact with a parent (P2.2.1, P3.2).
    /// `guardian` is the guardian's id or name.
    public func logContact(studentID: String, guardian: String, channel: ContactChannel, topics: [ContactTopic],
                           summary: String, feedback: String, contactedAt: Date?, by actor: Staff) throws -> ContactRecord {
        let now = clock.now()
        return try store.write { tx in
            let student = try requireStudent(studentID, tx)
            let g = try resolveGuardian(guardian, of: student, tx)
            let report = ContactReport(student: student, guardian: g, channel: channel, topics: topics, summary: summary,
                                       feedback: feedback, contactedAt: contactedAt)
            var event = try report.decide(actor: actor.id, now: now, calendar: calendar)
            event.seq = try tx.append(event)
            try Projector.project(event, in: tx)
            try audit(.contactLog, by: actor, student: student.id, scope: try relation(of: actor, toStudent: student.id, tx),
                      detail: Self.eventsDetail([event.seq!]), in: tx)
            return try tx.contacts(studentID: student.id).first { $0.id == event.seq }!
        }
    }

    /// A student's contact records, recorded in the audit log as
    /// `contact.read` (see `caseDetail(_:by:scope:reason:)`).
    public func contacts(studentID: String, by actor: Staff, scope: AuditScope? = nil, reason: String = "") throws -> [ContactRecord] {
        let (contacts, granted) = try store.read { tx -> ([ContactRecord], AuditScope) in
            _ = try requireStudent(studentID, tx)
            return (try tx.contacts(studentID: studentID), try scope ?? self.relation(of: actor, toStudent: studentID, tx))
        }
        try audit(.contactRead, by: actor, student: studentID, scope: granted, reason: reason)
        return contacts
    }

    func resolveGuardian(_ ref: String, of student: Student, _ tx: any StoreReader) throws -> Guardian {
        let guardians = try tx.guardians(ofStudent: student.id)
        let ref = ref.trimmingCharacters(in: .whitespaces)
        if let g = guardians.first(where: { $0.id == ref }) { return g }
        let byName = guardians.filter { $0.name == ref || $0.relation == ref }
        if byName.count == 1 { return byName[0] }
        let known = guardians.map { "\($0.id) \($0.name) (\($0.relation))" }.joined(separator: ", ")
        if byName.count > 1 {
            throw LiaisonError.invalid("\"\(ref)\" matches \(byName.count) guardians of \(student.id); give the guardian id: \(known)")
        }
        throw LiaisonError.notFound(guardians.isEmpty
            ? "student \(student.id) (\(student.name)) has no guardian on record; import guardians.csv first"
            : "student \(student.id) (\(student.name)) has no guardian \"\(ref)\"; the guardians are \(known)")
    }

    /// A student's file with their guardians' numbers and addresses,
    /// recorded in the audit log as `student.read` (see
    /// `caseDetail(_:by:scope:reason:)`).
    public func studentDetail(_ id: String, by actor: Staff, scope: AuditScope? = nil, reason: String = "") throws -> StudentDetail {
        let term = calendar.term(containing: clock.now())
        let detail = try store.read { tx in
            let s = try requireStudent(id, tx)
            let schoolClass = try tx.schoolClass(s.className)
            return StudentDetail(student: s, guardians: try tx.guardians(ofStudent: id), counselor: try tx.staff(s.counselorID),
                                 openCases: try tx.cases(CaseFilter(state: .open, studentID: id)),
                                 contactsThisTerm: try tx.contacts(studentID: id).filter { $0.term == term }.count, term: term,
                                 schoolClass: schoolClass, teacher: try schoolClass.flatMap { try tx.staff($0.teacherID) }, siblings: try tx.siblings(of: id), records: try tx.records(studentID: id))
        }
        try audit(.studentRead, by: actor, student: id,
                  scope: scope ?? responsibility(of: actor).auditScope(for: detail.student), reason: reason)
        return detail
    }

    /// A page of students, by id; `next` is the id to pass as `after` for the next page.
    public func students(className: String?, counselorID: String?, scope: Responsibility = .school, after: String? = nil, limit: Int = 100) throws -> StudentPage {
        try store.read { tx in
            let (list, total) = try tx.students(className: className, counselorID: counselorID, scope: scope, after: after, limit: limit + 1)
            let page = Array(list.prefix(limit))
            return StudentPage(students: page, total: total, next: list.count > limit ? page.last?.id : nil)
        }
    }
}
