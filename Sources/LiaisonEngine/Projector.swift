import Foundation
import LiaisonCore
import LiaisonStore

/// Appends events to the log and folds each into the current-state tables,
/// in the caller's transaction. The only place projections are written, so
/// that replaying the log rebuilds them exactly.
enum Projector {
    static func record(_ events: [Event], in tx: any StoreWriter) throws {
        for var event in events {
            event.seq = try tx.append(event)
            try project(event, in: tx)
        }
    }

    static func project(_ e: Event, in tx: any StoreWriter) throws {
        switch e.type {
        case .caseOpened, .caseNoted, .caseClosed:
            guard let id = e.caseID else { return }
            if let updated = CaseMachine.apply(e, to: try tx.caseRecord(id)) { try tx.save(updated) }
        case .contactLogged:
            let p = e.payload
            guard let seq = e.seq, let student = e.studentID, let channel = ContactChannel(rawValue: p["channel"] ?? "") else { return }
            try tx.save(ContactRecord(
                id: seq, studentID: student, guardianID: p["guardian"] ?? "", channel: channel,
                topics: (p["topics"] ?? "").split(separator: ",").compactMap { ContactTopic(rawValue: String($0)) },
                summary: p["summary"] ?? "", feedback: p["feedback"] ?? "",
                contactedAt: Event.parseTimestamp(p["contacted_at"]) ?? e.at, recordedBy: e.actor, term: p["term"] ?? ""))
        case .studentAdded, .studentChanged:
            if let s = Student(fields: e.payload) { try tx.save(s) }
        case .guardianAdded, .guardianChanged:
            if let g = Guardian(fields: e.payload) { try tx.save(g) }
        case .staffAdded, .staffChanged:
            if let s = Staff(fields: e.payload) { try tx.save(s) }
        case .rosterImported:
            break
        }
    }
}
