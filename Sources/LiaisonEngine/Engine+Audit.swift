import Foundation
import LiaisonCore
import LiaisonStore
import Logging

/// The audit log (PIPL Art. 51, 56; docs/AUDIT.md): every read of a case's
/// content or of a student's guardians and contacts, every copy out, every
/// change by staff is a row in the store's append-only, hash-chained
/// `audit` table.
///
/// Two ways in:
/// - a change: `audit(_:by:student:case:scope:reason:detail:in:)` inside the
///   `store.write` closure that makes the change, so the row commits or
///   rolls back with it;
/// - a read: read on a snapshot (`store.read`), then
///   `audit(_:by:student:case:scope:reason:detail:)`, a small write of its
///   own that joins the group commit, before answering. If the row cannot
///   be written the read fails: nothing is shown unrecorded.
extension Engine {
    /// Records one audited act in a write of its own (after a read). A
    /// break-glass row takes its notices to the student's counselor and
    /// supervisors along, in the same transaction (`tellOfBreakGlass`): no
    /// break-glass read is answered unrecorded or untold.
    @discardableResult
    public func audit(_ action: AuditAction, by actor: Staff, student: String? = nil, case caseID: String? = nil,
                      scope: AuditScope, reason: String = "", detail: String = "") throws -> AuditEntry {
        let entry = try store.write { tx in
            try audit(action, by: actor, student: student, case: caseID, scope: scope, reason: reason, detail: detail, in: tx)
        }
        if scope == .breakGlass { committed() }  // the notices wait in the outbox
        return entry
    }

    /// Records one audited act inside a write the caller holds: it commits,
    /// or rolls back, with the change it records (and, for break-glass, the
    /// notices it sends).
    @discardableResult
    public func audit(_ action: AuditAction, by actor: Staff, student: String? = nil, case caseID: String? = nil,
                      scope: AuditScope, reason: String = "", detail: String = "", in tx: any StoreWriter) throws -> AuditEntry {
        let entry = try tx.appendAudit(AuditDraft(at: clock.now(), actor: actor.id, action: action, studentID: student, caseID: caseID,
                                                  scope: scope, reason: reason, detail: detail))
        if scope == .breakGlass { try tellOfBreakGlass(entry, by: actor, tx) }
        return entry
    }

    /// The scope to record: the one `actor`'s responsibility gives the
    /// student (`Responsibility.auditScope`: own, college, school); school
    /// when there is no student or it is not on the roster.
    public func relation(of actor: Staff, toStudent id: String?, _ tx: any StoreReader) throws -> AuditScope {
        guard let id, let student = try tx.student(id) else { return .school }
        let classes = actor.role == .counselor || actor.role == .teacher ? try tx.classes(staffID: actor.id) : []
        return Responsibility(staff: actor, classes: classes).auditScope(for: student)
    }

    /// A page of a list that shows personal data is one row (issue 14.3):
    /// which list, how many rows and what filter, under the caller's scope.
    /// No student is named (a page names many; the rows say who looked at
    /// lists, `audit list --staff`). An empty page showed nothing.
    public func auditList(_ method: String, by actor: Staff, rows: Int, filter: [String?] = []) throws {
        guard rows > 0 else { return }
        let scope: AuditScope = switch try responsibility(of: actor) {
        case .students: .own
        case .college: .college
        default: .school
        }
        let said = filter.compactMap { $0 }.filter { !$0.isEmpty }
        try audit(.listRead, by: actor, scope: scope, detail: "\(method): \(rows) rows" + (said.isEmpty ? "" : "; " + said.joined(separator: " ")))
    }

    /// A page of the audit log (`audit.list`, office and administrator).
    /// Reading it is itself recorded (`audit.read`): the log says whose data
    /// was looked at.
    public func auditLog(_ filter: AuditFilter, by actor: Staff) throws -> AuditPage {
        var probe = filter
        probe.limit = filter.limit + 1
        let (rows, total) = try store.read { try $0.auditEntries(probe) }
        let page = Array(rows.prefix(filter.limit))
        var said: [String] = []
        if let a = filter.actor { said.append("staff=\(a)") }
        if let s = filter.since { said.append("since=\(Event.timestamp(s))") }
        if let a = filter.after { said.append("after=\(a)") }
        said.append("limit=\(filter.limit)")
        try audit(.auditRead, by: actor, student: filter.studentID, scope: .school, detail: said.joined(separator: " "))
        return AuditPage(entries: page, total: total, next: rows.count > filter.limit ? page.last?.seq : nil)
    }

    /// Checks the whole chain (`audit.verify`). A break is logged with its
    /// row and reason, which hold no personal data.
    public func verifyAudit() throws -> AuditVerification {
        let v = try store.read { try $0.verifyAudit() }
        if let seq = v.firstBad {
            logger.error("audit log broken at row \(seq): \(v.reason ?? "")", metadata: [
                "message_id": "\(MessageID.auditBroken)", "audit_seq": "\(seq)",
            ])
        }
        return v
    }

    /// "event 12", "events 12-14": the event-log rows an audit row of a
    /// change stands for (one write's events are consecutive).
    static func eventsDetail(_ seqs: [Int64]) -> String {
        guard let first = seqs.min(), let last = seqs.max() else { return "" }
        return first == last ? "event \(first)" : "events \(first)-\(last)"
    }
}
