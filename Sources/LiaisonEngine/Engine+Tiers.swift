import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// Sets a student's tier with its reasons (issue 16.2, P3.1): a tier
    /// record marked as set in Liaison, the student changed, an audit row.
    public func setTier(_ studentID: String, to tier: Tier, reasons: String, by actor: Staff) throws -> StudentTier {
        let now = clock.now()
        return try store.write { tx in
            let student = try requireStudent(studentID, tx)
            let events = try TierChange.decide(student: student, to: tier, reasons: reasons, actor: actor.id, now: now, calendar: calendar)
            let seqs = try Projector.recordNumbered(events, in: tx).seqs
            try audit(.tierSet, by: actor, student: student.id, scope: try relation(of: actor, toStudent: student.id, tx),
                      detail: Self.eventsDetail(seqs), in: tx)
            return StudentTier(studentID: student.id, name: student.name, tier: tier,
                               history: try tx.records(studentID: student.id).filter { $0.kind == .tier })
        }
    }

    /// A student's tier and its history; the reasons are sensitive, so the
    /// read is audited as `student.read` under `scope` (break-glass `reason`).
    public func tierHistory(_ studentID: String, by actor: Staff, scope: AuditScope? = nil, reason: String = "") throws -> StudentTier {
        let (view, granted) = try store.read { tx -> (StudentTier, AuditScope) in
            let student = try requireStudent(studentID, tx)
            return (StudentTier(studentID: student.id, name: student.name, tier: student.tier,
                                history: try tx.records(studentID: student.id).filter { $0.kind == .tier }),
                    try scope ?? relation(of: actor, toStudent: student.id, tx))
        }
        try audit(.studentRead, by: actor, student: studentID, scope: granted, reason: reason, detail: "tier")
        return view
    }
}
