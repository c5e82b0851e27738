import Foundation

/// Closing a case, pure. A case whose mandatory steps are still open does
/// not close: the parents would never be told or met and nothing would
/// escalate again (P2.2.3). A supervisor or the office may close it anyway
/// by waiving those steps with a reason, which the timeline keeps.
public enum CaseClosing {
    /// Who may waive a mandatory step.
    public static let waivers: Set<StaffRole> = [.supervisor, .office, .admin]

    /// The mandatory steps of `c` still to do under `book`.
    public static func openMandatory(_ c: CaseRecord, book: Rulebook) -> [StepState] {
        c.steps.filter { s in s.status.isOpen && book.step(s.id)?.mandatory == true }
    }

    public static func decide(_ c: CaseRecord, book: Rulebook, resolution: String, waive: [String], reason: String?,
                              actor: Staff, now: Date, calendar: SchoolCalendar) throws -> [Event] {
        guard c.state == .open else {
            throw LiaisonError.conflict("case \(c.id) is already closed (\(c.closedBy ?? "?") closed it); add a note instead")
        }
        let resolution = try requireText(resolution, field: "resolution")
        let open = openMandatory(c, book: book)
        var waived: [String] = []
        for id in waive where !waived.contains(id) {
            guard let s = c.steps.first(where: { $0.id == id }) else {
                throw LiaisonError.notFound("case \(c.id) has no step \(id); its steps are \(c.steps.map(\.id).joined(separator: ", "))")
            }
            guard s.status.isOpen else {
                throw LiaisonError.invalid("step \(id) of case \(c.id) is \(s.status.rawValue), not open: there is nothing to waive")
            }
            waived.append(id)
        }
        if !waived.isEmpty {
            guard waivers.contains(actor.role) else {
                throw LiaisonError(.forbidden, "waiving a step is for a supervisor or the Student Affairs Office; \(actor.id) is \(actor.role.rawValue) — finish the steps, or ask your supervisor")
            }
            guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw LiaisonError.invalid("a waiver needs --reason: why \(waived.joined(separator: ", ")) will not be done (the timeline keeps it)")
            }
        }
        let left = open.filter { !waived.contains($0.id) }
        if !left.isEmpty {
            let list = left.map { s in
                let title = book.step(s.id)?.title ?? s.id
                let due = s.due.map { ", due \(calendar.format($0))" } ?? ""
                return "\(s.id) (\(title), \(s.status.rawValue)\(due))"
            }
            throw LiaisonError(.conflict, "case \(c.id) still has \(left.count) mandatory step\(left.count == 1 ? "" : "s") open: "
                + list.joined(separator: "; ")
                + ". Finish them (`liaisonctl case step`, `liaisonctl case meeting`); a supervisor or the office may close it anyway with --waive \(left.map(\.id).joined(separator: " ")) --reason TEXT",
                details: left.map(\.id))
        }
        var events: [Event] = []
        let why = try waived.isEmpty ? "" : requireText(reason ?? "", field: "reason")
        for id in waived {
            events.append(Event(at: now, actor: actor.id, type: .stepWaived, caseID: c.id, studentID: c.studentID,
                                policy: book.step(id)?.policy ?? c.kind.policyIDs, payload: ["step": id, "reason": why]))
        }
        var payload = ["resolution": resolution]
        if !waived.isEmpty { payload["waived"] = waived.joined(separator: ","); payload["reason"] = why }
        events.append(Event(at: now, actor: actor.id, type: .caseClosed, caseID: c.id, studentID: c.studentID,
                            policy: c.kind.policyIDs + [Policy.records], payload: payload))
        return events
    }
}
