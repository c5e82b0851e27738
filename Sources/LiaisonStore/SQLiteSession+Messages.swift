import Foundation
import GRDB
import LiaisonCore

// MARK: messages: the outbox, attempts, receipts, replies, person tasks

extension SQLiteSession {
    /// The columns `message(_:)` reads, by position: rows are read by the
    /// thousand on the delivery path, and lookups by name showed in profiles.
    static let messageColumns = """
        id, case_id, step_id, recipient_role, recipient_id, recipient_name, topic, urgent, fields, routes, body, idempotency_key,
        created_at, route_index, channel, attempts, next_at, provider_id, state, note, updated_at, purpose
        """
    static let selectMessages = "SELECT \(messageColumns) FROM outbox"

    func message(_ r: Row) throws -> Message {
        var m = Message(id: r[0], purpose: MessagePurpose(rawValue: r[21]) ?? .caseNotice, caseID: r[1], stepID: r[2], recipientRole: r[3], recipientID: r[4], recipientName: r[5], topic: r[6],
                        urgent: (r[7] as Int) != 0, fields: (try? FlatJSON.decode(try open(r[8] as String, .messageFields))) ?? [:],
                        routes: MessageRoute.decode(try open(r[9] as String, .messageRoutes)), body: try open(r[10] as String, .messageBody),
                        idempotencyKey: r[11], createdAt: Self.date(r[12] as Int64))
        m.routeIndex = r[13]
        m.channel = r[14]
        m.attempts = r[15]
        m.nextAt = Self.date(r[16] as Int64)
        m.providerID = r[17]
        m.state = MessageState(rawValue: r[18]) ?? .pending
        m.note = try open(r[19] as String, .messageNote)
        m.updatedAt = Self.date(r[20] as Int64)
        return m
    }

    func enqueue(_ m: Message) throws -> Int64? {
        try exec("""
            INSERT OR IGNORE INTO outbox (case_id, step_id, recipient_role, recipient_id, recipient_name, topic, urgent, fields,
                routes, route_index, channel, attempts, next_at, provider_id, body, idempotency_key, state, note, created_at, updated_at,
                purpose)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', 0, ?, '', ?, ?, 'pending', ?, ?, ?, ?)
            """, [m.caseID, m.stepID, m.recipientRole, m.recipientID, m.recipientName, m.topic, m.urgent ? 1 : 0,
                  seal(FlatJSON.encode(m.fields), .messageFields), seal(MessageRoute.encode(m.routes), .messageRoutes), Self.ms(m.nextAt),
                  seal(m.body, .messageBody), m.idempotencyKey, seal(m.note, .messageNote), Self.ms(m.createdAt), Self.ms(m.createdAt), m.purpose.rawValue])
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }

    func update(_ m: Message, body: Bool) throws {
        let setBody = body ? " body = ?," : ""
        var args: StatementArguments = [m.state.rawValue, m.routeIndex, m.channel, m.attempts, Self.ms(m.nextAt), m.providerID]
        if body { args += [seal(m.body, .messageBody)] }
        args += [seal(m.note, .messageNote), Self.ms(m.updatedAt), m.id]
        try exec("""
            UPDATE outbox SET state = ?, route_index = ?, channel = ?, attempts = ?, next_at = ?, provider_id = ?,\(setBody)
                note = ?, updated_at = ? WHERE id = ?
            """, args)
    }

    func finish(_ a: MessageAttempt) throws {
        try exec("UPDATE message_attempts SET finished_at = ?, outcome = ?, provider_id = ?, error = ? WHERE message_id = ? AND n = ?",
                 [a.finishedAt.map(Self.ms), a.outcome, a.providerID, seal(a.error, .attemptError), a.messageID, a.number])
    }

    func record(_ a: MessageAttempt) throws {
        try exec("""
            INSERT OR REPLACE INTO message_attempts (message_id, n, channel, address, started_at, finished_at, outcome, provider_id, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [a.messageID, a.number, a.channel, seal(a.address, .attemptAddress), Self.ms(a.startedAt), a.finishedAt.map(Self.ms), a.outcome,
                  a.providerID, seal(a.error, .attemptError)])
    }

    func record(_ r: MessageReceipt) throws {
        try exec("INSERT INTO message_receipts (message_id, at, channel, receipt, provider_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                 [r.messageID, Self.ms(r.at), r.channel, r.receipt, r.providerID, seal(r.detail, .receiptDetail)])
    }

    func record(_ r: InboundReply) throws -> Int64 {
        try exec("""
            INSERT INTO replies (at, channel, from_address, text, guardian_id, case_id, step_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [Self.ms(r.at), r.channel, seal(r.from, .replyFrom), seal(r.text, .replyText), r.guardianID, r.caseID, r.stepID, r.messageID])
        return db.lastInsertedRowID
    }

    func record(_ t: PersonTask) throws -> Int64 {
        try exec("""
            INSERT INTO tasks (case_id, step_id, message_id, assignee, kind, text, created_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [t.caseID, t.stepID, t.messageID, t.assignee, t.kind, seal(t.text, .taskText), Self.ms(t.createdAt), t.doneAt.map(Self.ms)])
        return db.lastInsertedRowID
    }

    func closeTasks(caseID: String, stepID: String?, at: Date) throws {
        try exec("UPDATE tasks SET done_at = ? WHERE case_id = ? AND (step_id = ? OR ? IS NULL) AND done_at IS NULL",
                 [Self.ms(at), caseID, stepID, stepID])
    }

    func requeueInFlight(at: Date) throws -> Int {
        try exec("""
            UPDATE message_attempts SET outcome = 'unknown', finished_at = ?, error = 'liaisond stopped while this send was in flight'
            WHERE outcome = '' AND message_id IN (SELECT id FROM outbox WHERE state = 'sending')
            """, [Self.ms(at)])
        try exec("""
            UPDATE outbox SET state = 'pending', next_at = ?, updated_at = ?,
                note = 'liaisond stopped during the send; sending again (the idempotency key travels with it)'
            WHERE state = 'sending'
            """, [Self.ms(at), Self.ms(at)])
        return db.changesCount
    }

    func makeDue(ids: [Int64], lastChannel: String?, at: Date) throws -> Int {
        var changed = 0
        var i = 0
        while i < ids.count {
            let chunk = Array(ids[i..<min(ids.count, i + 500)])
            i += chunk.count
            try exec("""
                UPDATE outbox SET next_at = ?, updated_at = ? WHERE state = 'pending' AND next_at > ?
                    AND id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))
                """, StatementArguments([Self.ms(at), Self.ms(at), Self.ms(at)] + chunk))
            changed += db.changesCount
        }
        if let channel = lastChannel {
            try exec("UPDATE outbox SET next_at = ?, updated_at = ? WHERE state = 'pending' AND next_at > ? AND channel = ?",
                     [Self.ms(at), Self.ms(at), Self.ms(at), channel])
            changed += db.changesCount
        }
        return changed
    }

    func messages(_ f: MessageFilter) throws -> [Message] {
        let inScope = f.scope.caseIDCondition("case_id")
        var sql = Self.selectMessages + " WHERE " + inScope.sql
        var args = inScope.arguments
        if let c = f.caseID { sql += " AND case_id = ?"; args += [c] }
        if let s = f.state { sql += " AND state = ?"; args += [s.rawValue] }
        sql += " ORDER BY id DESC LIMIT ?"
        args += [f.limit]
        return try all(sql, args).map(message).reversed()
    }

    func message(_ id: Int64) throws -> Message? { try one(Self.selectMessages + " WHERE id = ?", [id]).map(message) }
    func message(key: String) throws -> Message? { try one(Self.selectMessages + " WHERE idempotency_key = ?", [key]).map(message) }
    func message(providerID: String, channel: String) throws -> Message? {
        try one(Self.selectMessages + " WHERE provider_id = ? AND channel = ? ORDER BY id DESC LIMIT 1", [providerID, channel]).map(message)
    }

    func messageHead(key: String, providerID: String, channel: String) throws -> MessageHead? {
        let columns = "id, case_id, step_id, recipient_role, recipient_name, state, purpose"
        let row = try (key.isEmpty ? nil : one("SELECT \(columns) FROM outbox WHERE idempotency_key = ?", [key]))
            ?? (providerID.isEmpty ? nil : one("SELECT \(columns) FROM outbox WHERE provider_id = ? AND channel = ? ORDER BY id DESC LIMIT 1",
                                               [providerID, channel]))
        return row.map { r in
            MessageHead(id: r[0], purpose: MessagePurpose(rawValue: r[6]) ?? .caseNotice, caseID: r[1], stepID: r[2], recipientRole: r[3],
                        recipientName: r[4], state: MessageState(rawValue: r[5]) ?? .pending)
        }
    }

    func markSent(_ id: Int64, providerID: String, note: String, at: Date) throws {
        try exec("""
            UPDATE outbox SET provider_id = ?, note = CASE state WHEN 'sending' THEN ? ELSE note END,
                state = CASE state WHEN 'sending' THEN 'sent' ELSE state END, updated_at = ?
            WHERE id = ?
            """, [providerID, seal(note, .messageNote), Self.ms(at), id])
    }

    func markDelivered(_ id: Int64, note: String, at: Date) throws {
        try exec("UPDATE outbox SET state = 'delivered', note = ?, updated_at = ? WHERE id = ?", [seal(note, .messageNote), Self.ms(at), id])
    }

    func attempts(messageID: Int64) throws -> [MessageAttempt] {
        try all("SELECT * FROM message_attempts WHERE message_id = ? ORDER BY n", [messageID]).map { r in
            MessageAttempt(messageID: r["message_id"], number: r["n"], channel: r["channel"], address: try open(r, "address", .attemptAddress),
                           startedAt: Self.date(r["started_at"] as Int64), finishedAt: Self.date(r["finished_at"] as Int64?),
                           outcome: r["outcome"], providerID: r["provider_id"], error: try open(r, "error", .attemptError))
        }
    }

    func receipts(messageID: Int64) throws -> [MessageReceipt] {
        try all("SELECT * FROM message_receipts WHERE message_id = ? ORDER BY id", [messageID]).map { r in
            MessageReceipt(messageID: r["message_id"], at: Self.date(r["at"] as Int64), channel: r["channel"], receipt: r["receipt"],
                           providerID: r["provider_id"], detail: try open(r, "detail", .receiptDetail))
        }
    }

    func reply(_ r: Row) throws -> InboundReply {
        InboundReply(id: r["id"], at: Self.date(r["at"] as Int64), channel: r["channel"], from: try open(r, "from_address", .replyFrom),
                     text: try open(r, "text", .replyText),
                     guardianID: r["guardian_id"], caseID: r["case_id"], stepID: r["step_id"], messageID: r["message_id"])
    }

    func replies(messageID: Int64) throws -> [InboundReply] {
        try all("SELECT * FROM replies WHERE message_id = ? ORDER BY id", [messageID]).map(reply)
    }

    func reply(_ id: Int64) throws -> InboundReply? {
        try one("SELECT * FROM replies WHERE id = ?", [id]).map(reply)
    }

    func replies(unmatchedOnly: Bool, caseID: String?, scope: Responsibility, limit: Int, offset: Int) throws -> [InboundReply] {
        // A reply filed under no case is only the school's to see (a number and a text).
        let inScope = scope.caseIDCondition("case_id")
        var sql = "SELECT * FROM replies WHERE " + inScope.sql
        var args = inScope.arguments
        if unmatchedOnly { sql += " AND case_id = ''" }
        if let caseID { sql += " AND case_id = ?"; args += [caseID] }
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [limit, offset]
        return try all(sql, args).map(reply)
    }

    func placeReply(_ id: Int64, caseID: String, stepID: String, messageID: Int64?) throws {
        try exec("UPDATE replies SET case_id = ?, step_id = ?, message_id = ? WHERE id = ?", [caseID, stepID, messageID, id])
    }

    func closeReplyTasks(replyID: Int64, at: Date) throws {
        try exec("UPDATE tasks SET done_at = ? WHERE step_id = ? AND done_at IS NULL", [Self.ms(at), "reply:\(replyID)"])
    }

    func tasks(caseID: String?, scope: Responsibility) throws -> [PersonTask] {
        let inScope = scope.caseIDCondition("case_id")
        let rows = try caseID.map { try all("SELECT * FROM tasks WHERE \(inScope.sql) AND case_id = ? ORDER BY id", inScope.arguments + [$0]) }
            ?? all("SELECT * FROM tasks WHERE \(inScope.sql) AND done_at IS NULL ORDER BY id", inScope.arguments)
        return try rows.map { r in
            PersonTask(id: r["id"], caseID: r["case_id"], stepID: r["step_id"], messageID: r["message_id"], assignee: r["assignee"],
                       kind: r["kind"], text: try open(r, "text", .taskText), createdAt: Self.date(r["created_at"] as Int64), doneAt: Self.date(r["done_at"] as Int64?))
        }
    }

    func dueMessages(upTo date: Date, limit: Int) throws -> [Message] {
        try all(Self.selectMessages + " WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?", [Self.ms(date), limit]).map(message)
    }

    func nextMessageDue() throws -> Date? {
        try one("SELECT min(next_at) AS t FROM outbox WHERE state = 'pending'", []).flatMap { ($0["t"] as Int64?).map(Self.date) }
    }

    func guardians(address: String) throws -> [Guardian] {
        guard !address.isEmpty else { return [] }
        // By keyed hash (one per key held while a rotation runs), never by opening every row.
        let hashes = sealer.lookupHashes(address)
        return try all(Self.selectGuardians + """
             WHERE g.id IN (SELECT guardian_id FROM guardian_lookup WHERE hash IN (\(hashes.map { _ in "?" }.joined(separator: ","))))
            ORDER BY g.id, l.student_id
            """, StatementArguments(hashes)).map(guardian)
    }

    func recentMessages(toGuardian id: String, limit: Int) throws -> [Message] {
        try all("""
            \(Self.selectMessages) WHERE recipient_role = 'guardian' AND state IN ('sending', 'sent', 'delivered')
                AND (recipient_id = ?1 OR instr('+' || recipient_id || '+', '+' || ?1 || '+') > 0)
            ORDER BY id DESC LIMIT ?2
            """, [id, limit]).map(message)
    }

    func messageCounts() throws -> [MessageState: Int] {
        var out: [MessageState: Int] = [:]
        for r in try all("SELECT state, count(*) AS n FROM outbox GROUP BY state", []) {
            if let s = MessageState(rawValue: r["state"]) { out[s] = r["n"] }
        }
        return out
    }

    func nextAttemptNumber(messageID: Int64) throws -> Int {
        try one("SELECT coalesce(max(n), 0) + 1 AS n FROM message_attempts WHERE message_id = ?", [messageID])?["n"] ?? 1
    }
}
