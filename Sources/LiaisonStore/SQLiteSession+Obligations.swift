import Foundation
import GRDB
import LiaisonCore

extension SQLiteSession {
    /// Every individual contact with a student's guardians from `from` up to
    /// `to`, by student (issue 16.3, P2.2.1): logged contacts (a letter sent
    /// is one) and case notices to guardians that a receipt says were
    /// delivered. Reads no sealed column. `students`: only theirs, by the
    /// student indexes (a counselor's few hundred); nil, the whole school
    /// in one pass over the window.
    func contactEvidence(students: [String]?, from: Date, to: Date) throws -> [String: [ContactEvidence]] {
        if students?.isEmpty == true { return [:] }
        let ids = students ?? []
        /// ` AND column IN (?, …)` for the students asked about; nothing for all.
        func among(_ column: String) -> String {
            students == nil ? "" : " AND \(column) IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))"
        }
        var out: [String: [ContactEvidence]] = [:]
        let window: StatementArguments = [Self.ms(from), Self.ms(to)]
        for r in try Row.fetchAll(db, sql: "SELECT id, student_id, channel, contacted_at FROM contacts WHERE contacted_at >= ? AND contacted_at < ?\(among("student_id"))",
                                     arguments: window + StatementArguments(ids)) {
            out[r[1] as String, default: []].append(ContactEvidence(at: Self.date(r[3] as Int64), channel: r[2], source: "contact \(r[0] as Int64)"))
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT o.id, c.student_id, o.channel, o.updated_at FROM outbox o JOIN cases c ON c.id = o.case_id
            WHERE o.state = 'delivered' AND o.purpose = ? AND o.recipient_role = 'guardian' AND o.updated_at >= ? AND o.updated_at < ?\(among("c.student_id"))
            """, arguments: [MessagePurpose.caseNotice.rawValue, Self.ms(from), Self.ms(to)] + StatementArguments(ids)) {
            out[r[1] as String, default: []].append(ContactEvidence(at: Self.date(r[3] as Int64), channel: r[2], source: "message \(r[0] as Int64)"))
        }
        return out
    }
}

extension SQLiteSession {
    /// The last message to each guardian (a household's message counts for
    /// each of its guardians): its id, state and when it last changed.
    func lastGuardianMessages() throws -> [String: (id: Int64, state: MessageState, at: Date)] {
        var out: [String: (id: Int64, state: MessageState, at: Date)] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT o.id, o.recipient_id, o.state, o.updated_at FROM outbox o
            JOIN (SELECT recipient_id, max(id) AS id FROM outbox WHERE recipient_role = 'guardian' GROUP BY recipient_id) l ON l.id = o.id
            """) {
            guard let state = MessageState(rawValue: r[2]) else { continue }
            for g in Household.guardianIDs(r[1]) { out[g] = (r[0], state, Self.date(r[3] as Int64)) }
        }
        return out
    }
}
