import Foundation
import LiaisonCore
import LiaisonStore

/// Break-glass notices (issue 14.2): a read out of scope is told to those
/// who answer for the student, through their staff channel.
extension Engine {
    /// Who is told of a break-glass read of `student`: their counselor (the
    /// student's, and their class's when another), and their college's
    /// supervisors; if the roster names none of them, the Student Affairs
    /// Office. The reader is never told of their own read.
    func breakGlassRecipients(_ student: Student, reader: Staff, _ tx: any StoreReader) throws -> [Staff] {
        var out: [Staff] = []
        func add(_ s: Staff?) { if let s, s.id != reader.id, !out.contains(where: { $0.id == s.id }) { out.append(s) } }
        add(try tx.staff(student.counselorID))
        add(try tx.schoolClass(student.className).flatMap { try tx.staff($0.counselorID) })
        for s in try tx.staff(role: .supervisor, college: student.college) { add(s) }
        if out.isEmpty { for s in try tx.staff(role: .office, college: nil) { add(s) } }
        return out
    }

    /// One staff message per recipient, naming who read what of whom, when
    /// and why, and the audit row; never the data read. Urgent: those who
    /// answer for the student learn of it at once, whatever the hour. A
    /// message of no case (only the office and root see it in `message
    /// list`); its key, `break-glass:SEQ:STAFF`, makes it one per row and person.
    func tellOfBreakGlass(_ entry: AuditEntry, by reader: Staff, _ tx: any StoreWriter) throws {
        guard let id = entry.studentID, let student = try tx.student(id) else { return }
        let now = entry.at
        let text = BreakGlass.notice(reader: reader, action: entry.action, student: student, caseID: entry.caseID, detail: entry.detail,
                                     reason: entry.reason, at: calendar.format(now), auditSeq: entry.seq)
        for r in try breakGlassRecipients(student, reader: reader, tx) {
            let role = r.role == .supervisor ? "supervisor" : r.role == .office ? "office" : "counselor"
            try tx.enqueue(Message(purpose: .staffNotice, recipientRole: role, recipientID: r.id, recipientName: r.name, topic: "break-glass",
                                   urgent: true, fields: ["student_id": student.id, "audit_seq": "\(entry.seq)"],
                                   routes: [MessageRoute(via: "staff", address: r.phone)], body: text,
                                   idempotencyKey: "break-glass:\(entry.seq):\(r.id)", createdAt: now))
        }
        logger.notice("break-glass: \(reader.id) read \(entry.action.rawValue) of a student out of scope (audit row \(entry.seq)); their counselor and supervisors are told",
                      metadata: ["audit_seq": "\(entry.seq)", "actor": "\(reader.id)"])
    }
}
