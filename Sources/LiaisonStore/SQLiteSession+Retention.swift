import Foundation
import GRDB
import LiaisonCore

/// Retention (issue 14.6; docs/RETENTION.md): what the store still holds
/// about a student that a period can end, and emptying it. Every query
/// here lists only what still holds personal data: columns with text in
/// them, and events whose payload has no `purged` marker
/// (`RetentionCut.marker`). The payloads themselves are cut through
/// `rewritePayloads`, the log's one door for it.
extension SQLiteSession {
    static let lastPurgeKey = "retention-last-daily-ms"

    static func instant(_ r: Row, _ column: String) -> Date { date(r[column] as Int64) as Date }

    func standingRecords() throws -> [StudentRecord] {
        try all("SELECT * FROM student_records WHERE kind IN ('status', 'sanction') ORDER BY student_id, date, key", [])
            .compactMap(studentRecord)
    }

    func events(seqs: [Int64]) throws -> [Event] {
        var out: [Event] = []
        for chunk in stride(from: 0, to: seqs.count, by: 500).map({ Array(seqs[$0..<min($0 + 500, seqs.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            out += try Row.fetchAll(db, sql: "SELECT * FROM events WHERE seq IN (\(marks)) ORDER BY seq", arguments: StatementArguments(chunk))
                .map(event)
        }
        return out
    }

    static func typeList(_ types: [EventType]) -> String { types.map { "'\($0.rawValue)'" }.joined(separator: ", ") }

    /// An event that still holds personal text: one of its type's personal
    /// fields (`RetentionCut.fields`) is not empty, and no purge cut it yet.
    /// Decided on the opened payload: payloads are sealed (issue 14.4), so
    /// SQL cannot look inside them.
    static func holdsText(_ e: Event) -> Bool {
        guard let (_, keys) = RetentionCut.fields(of: e.type), e.payload[RetentionCut.marker] == nil else { return false }
        return keys.contains { !(e.payload[$0] ?? "").isEmpty }
    }

    /// Events of `types` matching `condition`, opened, that still hold personal text.
    func eventsHoldingText(_ types: [EventType], _ condition: String, _ arguments: StatementArguments) throws -> [Event] {
        try all("SELECT * FROM events WHERE type IN (\(Self.typeList(types))) AND \(condition) ORDER BY seq", arguments)
            .map(event).filter(Self.holdsText)
    }

    /// Event types whose payloads hold personal fields, by where they are found.
    static let studentEventTypes: [EventType] = EventType.allCases.filter {
        RetentionCut.fields(of: $0) != nil && ![.guardianAdded, .guardianChanged, .householdAdded, .householdChanged].contains($0)
    }
    static let guardianEventTypes: [EventType] = [.guardianAdded, .guardianChanged]
    static let householdEventTypes: [EventType] = [.householdAdded, .householdChanged]

    func retentionHoldings(studentID s: String) throws -> [HeldItem] {
        var items: [HeldItem] = []
        // The student's own events (roster, records, cases, contacts) not cut yet: one query on events_by_student.
        var studentEvents: [Int64] = [], recordEvents: [String: [Int64]] = [:], caseEvents: [String: [Int64]] = [:]
        var contactEvents: [Int64: Date] = [:]
        for e in try eventsHoldingText(Self.studentEventTypes, "student_id = ?", [s]) {
            guard let seq = e.seq else { continue }
            switch e.type {
            case .studentAdded, .studentChanged: studentEvents.append(seq)
            case .recordAdded, .recordChanged: recordEvents[e.payload["id"] ?? "", default: []].append(seq)
            case .contactLogged: contactEvents[seq] = e.at
            default: if let c = e.caseID { caseEvents[c, default: []].append(seq) }
            }
        }
        let phone = try one("SELECT phone <> '' AS has FROM students WHERE id = ?", [s]).map { ($0["has"] as Bool?) ?? false } ?? false
        if phone || !studentEvents.isEmpty {
            items.append(HeldItem(kind: .student, id: s, students: [s], events: studentEvents, row: phone))
        }
        var records = Set(recordEvents.keys)
        let recordRows = Set(try all("SELECT key FROM student_records WHERE student_id = ? AND reasons <> ''", [s]).map { $0["key"] as String })
        records.formUnion(recordRows)
        for key in records.sorted() {
            items.append(HeldItem(kind: .record, id: key, students: [s], events: recordEvents[key] ?? [], row: recordRows.contains(key)))
        }

        // Cases: the row's texts and the timeline's.
        for r in try all("""
            SELECT id, state, closed_at, (summary <> '' OR coalesce(resolution, '') <> '') AS has FROM cases WHERE student_id = ? ORDER BY id
            """, [s]) {
            let id: String = r["id"]
            let has: Bool = r["has"]
            let events = caseEvents[id] ?? []
            guard has || !events.isEmpty else { continue }
            items.append(HeldItem(kind: .caseFile, id: id, students: [s], date: Self.date(r["closed_at"] as Int64?) as Date?,
                                  open: (r["state"] as String) != CaseState.closed.rawValue, events: events, row: has))
        }

        // Contacts: a row's id is its event's seq.
        var contacts: [Int64: (Date, Bool)] = contactEvents.mapValues { ($0, false) }
        for r in try all("SELECT id, contacted_at FROM contacts WHERE student_id = ? AND (summary <> '' OR feedback <> '')", [s]) {
            contacts[r["id"]] = (Self.instant(r, "contacted_at"), true)
        }
        for (id, (at, row)) in contacts.sorted(by: { $0.key < $1.key }) {
            items.append(HeldItem(kind: .contact, id: "\(id)", students: [s], date: at,
                                  events: contactEvents[id] != nil ? [id] : [], row: row))
        }

        // Messages of the student's cases, their replies and tasks (no events: these tables are the record).
        for r in try all("""
            SELECT o.id, o.case_id, o.state, o.created_at, c.state AS case_state FROM outbox o JOIN cases c ON c.id = o.case_id
            WHERE c.student_id = ? AND (o.body <> '' OR o.fields NOT IN ('', '{}') OR o.routes <> '' OR o.recipient_name <> '' OR o.note <> ''
                OR EXISTS (SELECT 1 FROM message_attempts a WHERE a.message_id = o.id AND (a.address <> '' OR a.error <> ''))
                OR EXISTS (SELECT 1 FROM message_receipts m WHERE m.message_id = o.id AND m.detail <> ''))
            ORDER BY o.id
            """, [s]) {
            let state: String = r["state"]
            items.append(HeldItem(kind: .message, id: "\(r["id"] as Int64)", students: [s], caseID: r["case_id"],
                                  date: Self.instant(r, "created_at"),
                                  open: (r["case_state"] as String) != CaseState.closed.rawValue
                                      || state == MessageState.pending.rawValue || state == MessageState.sending.rawValue, row: true))
        }
        for r in try all("""
            SELECT r.id, r.case_id, r.at, c.state AS case_state FROM replies r JOIN cases c ON c.id = r.case_id
            WHERE c.student_id = ? AND (r.text <> '' OR r.from_address <> '') ORDER BY r.id
            """, [s]) {
            items.append(HeldItem(kind: .reply, id: "\(r["id"] as Int64)", students: [s], caseID: r["case_id"], date: Self.instant(r, "at"),
                                  open: (r["case_state"] as String) != CaseState.closed.rawValue, row: true))
        }
        for r in try all("""
            SELECT t.id, t.case_id, t.created_at, c.state AS case_state FROM tasks t JOIN cases c ON c.id = t.case_id
            WHERE c.student_id = ? AND t.text <> '' ORDER BY t.id
            """, [s]) {
            items.append(HeldItem(kind: .task, id: "\(r["id"] as Int64)", students: [s], caseID: r["case_id"], date: Self.instant(r, "created_at"),
                                  open: (r["case_state"] as String) != CaseState.closed.rawValue, row: true))
        }

        // Guardians, their households and the replies filed on no case:
        // theirs to every student they are the guardians of.
        var households: [String: Bool] = [:]
        for r in try all("""
            SELECT g.id, g.household_id,
                   (g.name <> '' OR g.phone <> '' OR g.phone2 <> '' OR g.wechat <> '' OR g.qq <> '' OR g.preference <> '') AS has
            FROM guardian_students l JOIN guardians g ON g.id = l.guardian_id WHERE l.student_id = ? ORDER BY g.id
            """, [s]) {
            let id: String = r["id"], household: String = r["household_id"]
            households[household] = true
            let students = try all("SELECT student_id FROM guardian_students WHERE guardian_id = ? ORDER BY student_id", [id]).map { $0["student_id"] as String }
            let marks = Array(repeating: "?", count: students.count).joined(separator: ",")
            let events = try eventsHoldingText(Self.guardianEventTypes, "student_id IN (\(marks))", StatementArguments(students))
                .filter { $0.payload["id"] == id }.compactMap(\.seq)
            let has: Bool = r["has"]
            if has || !events.isEmpty { items.append(HeldItem(kind: .guardian, id: id, students: students, events: events, row: has)) }
            for reply in try all("SELECT id, at FROM replies WHERE case_id = '' AND guardian_id = ? AND (text <> '' OR from_address <> '') ORDER BY id", [id]) {
                items.append(HeldItem(kind: .reply, id: "\(reply["id"] as Int64)", students: students, date: Self.instant(reply, "at"), row: true))
            }
        }
        for h in households.keys.sorted() where !h.isEmpty {
            let has = try one("SELECT address <> '' AS has FROM households WHERE id = ?", [h]).map { ($0["has"] as Bool?) ?? false } ?? false
            // Household events name no student: the few of them, by the partial index.
            let events = try eventsHoldingText(Self.householdEventTypes, "1", [])
                .filter { $0.payload["id"] == h }.compactMap(\.seq)
            guard has || !events.isEmpty else { continue }
            let students = try all("""
                SELECT DISTINCT l.student_id FROM guardians g JOIN guardian_students l ON l.guardian_id = g.id
                WHERE g.household_id = ? ORDER BY l.student_id
                """, [h]).map { $0["student_id"] as String }
            items.append(HeldItem(kind: .household, id: h, students: students, events: events, row: has))
        }
        return items
    }

    func purgeRows(_ items: [HeldItem]) throws {
        for item in items {
            switch item.kind {
            case .student: try exec("UPDATE students SET phone = '' WHERE id = ?", [item.id])
            case .record: try exec("UPDATE student_records SET reasons = '' WHERE key = ?", [item.id])
            case .caseFile:
                try exec("UPDATE cases SET summary = '', resolution = CASE WHEN resolution IS NULL THEN NULL ELSE '' END WHERE id = ?", [item.id])
            case .contact: try exec("UPDATE contacts SET summary = '', feedback = '' WHERE id = ?", [Int64(item.id) ?? -1])
            case .message:
                let id = Int64(item.id) ?? -1
                try exec("UPDATE outbox SET body = '', fields = '', routes = '', recipient_name = '', note = '' WHERE id = ?", [id])
                try exec("UPDATE message_attempts SET address = '', error = '' WHERE message_id = ?", [id])
                try exec("UPDATE message_receipts SET detail = '' WHERE message_id = ?", [id])
            case .reply: try exec("UPDATE replies SET text = '', from_address = '' WHERE id = ?", [Int64(item.id) ?? -1])
            case .task: try exec("UPDATE tasks SET text = '' WHERE id = ?", [Int64(item.id) ?? -1])
            case .guardian:
                try exec("UPDATE guardians SET name = '', phone = '', phone2 = '', wechat = '', qq = '', preference = '' WHERE id = ?", [item.id])
                // Its addresses' keyed hashes go too (plaintext under data_key: none).
                try exec("DELETE FROM guardian_lookup WHERE guardian_id = ?", [item.id])
            case .household: try exec("UPDATE households SET address = '' WHERE id = ?", [item.id])
            }
        }
    }

    func secureDelete(_ on: Bool) throws {
        // Freed space (an old value's bytes in its page, freed pages) is
        // overwritten with zeros, so that emptied text does not linger in
        // the file. A connection setting: the purge turns it on for its
        // batches only.
        try db.execute(sql: "PRAGMA secure_delete = \(on ? "ON" : "OFF")")
    }

    func lastDailyPurge() throws -> Date? {
        try one("SELECT value FROM sequences WHERE name = ?", [Self.lastPurgeKey]).map { Self.date($0["value"] as Int64) }
    }

    func setLastDailyPurge(_ d: Date) throws {
        try exec("INSERT OR REPLACE INTO sequences (name, value) VALUES (?, ?)", [Self.lastPurgeKey, Self.ms(d)])
    }
}

extension SQLiteStore {
    public func checkpoint() throws {
        // TRUNCATE: the WAL's frames (old page images holding what a purge
        // emptied) go, not only get copied back.
        try translate { try pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) } }
    }
}
