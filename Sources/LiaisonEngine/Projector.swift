import Foundation
import LiaisonCore
import LiaisonStore

/// Appends events to the log and folds each into the current-state tables,
/// in the caller's transaction. The only place projections are written, so
/// that replaying the log rebuilds them exactly.
enum Projector {
    /// Returns the case the last case event left behind, so callers need not
    /// read it back.
    @discardableResult
    static func record(_ events: [Event], in tx: any StoreWriter) throws -> CaseRecord? {
        try recordNumbered(events, in: tx).lastCase
    }

    /// `record`, also returning the seqs the events got: an audit row of a
    /// change names them.
    static func recordNumbered(_ events: [Event], in tx: any StoreWriter) throws -> (lastCase: CaseRecord?, seqs: [Int64]) {
        var lastCase: CaseRecord?
        var seqs: [Int64] = []
        for var event in events {
            event.seq = try tx.append(event)
            seqs.append(event.seq!)
            lastCase = try project(event, in: tx) ?? lastCase
        }
        return (lastCase, seqs)
    }

    @discardableResult
    static func project(_ e: Event, in tx: any StoreWriter) throws -> CaseRecord? {
        switch e.type {
        case .caseOpened, .caseNoted, .caseClosed, .stepEvidence, .stepCompleted, .deadlineMissed, .escalationSent, .meetingRecorded, .caseMigrated, .stepWaived:
            guard let id = e.caseID else { return nil }
            // An opening starts from nothing: no need to look.
            let current = e.type == .caseOpened ? nil : try tx.caseRecord(id)
            guard let updated = CaseMachine.apply(e, to: current) else { return nil }
            try tx.save(updated)
            // A phone-call task is done once its step is (however it got done).
            if e.type == .stepCompleted, let step = e.payload["step"] { try tx.closeTasks(caseID: id, stepID: step, at: e.at) }
            if e.type == .caseClosed { try tx.closeTasks(caseID: id, stepID: nil, at: e.at) }
            return updated
        case .contactLogged:
            let p = e.payload
            guard let seq = e.seq, let student = e.studentID, let channel = ContactChannel(rawValue: p["channel"] ?? "") else { return nil }
            try tx.save(ContactRecord(
                id: seq, studentID: student, guardianID: p["guardian"] ?? "", channel: channel,
                topics: (p["topics"] ?? "").split(separator: ",").compactMap { ContactTopic(rawValue: String($0)) },
                summary: p["summary"] ?? "", feedback: p["feedback"] ?? "",
                contactedAt: Event.parseTimestamp(p["contacted_at"]) ?? e.at, recordedBy: e.actor, term: p["term"] ?? ""))
        case .studentAdded, .studentChanged:
            if let s = Student(fields: e.payload) { try tx.save(s) }
        case .guardianAdded, .guardianChanged:
            guard let g = RosterGuardian(fields: e.payload) else { break }
            try tx.save(g)
            // Before households a guardian's address was their own: their household of one keeps it.
            if e.payload["students"] == nil { try tx.save(HouseholdRecord(id: g.householdID, address: e.payload["address"] ?? "")) }
        case .householdAdded, .householdChanged:
            if let h = HouseholdRecord(fields: e.payload) { try tx.save(h) }
        case .classAdded, .classChanged:
            if let c = ClassRecord(fields: e.payload) { try tx.save(c) }
        case .recordAdded, .recordChanged:
            if let r = StudentRecord(fields: e.payload) { try tx.save(r) }
        case .staffAdded, .staffChanged:
            if let s = Staff(fields: e.payload) { try tx.save(s) }
        case .rosterImported, .rosterExported:
            break
        }
        return nil
    }
}
