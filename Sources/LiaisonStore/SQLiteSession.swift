import Foundation
import GRDB
import LiaisonCore

/// Reads and writes on one GRDB connection, inside whatever transaction the
/// store opened. Rows map to domain values by hand, column by column: the
/// schema is the contract, not a Codable synthesis.
struct SQLiteSession: StoreWriter {
    let db: Database
    /// Personal data is sealed on the way in and opened on the way out
    /// (issue 14.4); the rest of the engine never sees a sealed value.
    let sealer: Sealer

    func seal(_ value: String, _ column: SealedColumn) -> String { sealer.seal(value, column) }
    func open(_ r: Row, _ name: String, _ column: SealedColumn) throws -> String { try sealer.open(r[name], column) }
    func open(_ value: String, _ column: SealedColumn) throws -> String { try sealer.open(value, column) }

    // MARK: statements

    // Cached statements: compiling SQL is most of the cost of a small
    // transaction (GRDB's authorizer and region tracking run per compile).
    func exec(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func one(_ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func all(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // MARK: time

    static func ms(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
    static func date(_ ms: Int64?) -> Date? { ms.map(date) }

    // MARK: events

    func append(_ event: Event) throws -> Int64 {
        let payload = seal(FlatJSON.encode(event.payload), .eventPayload)
        try exec("""
            INSERT INTO events (at, actor, type, case_id, student_id, policy, payload) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [Self.ms(event.at), event.actor, event.type.rawValue, event.caseID, event.studentID,
                             event.policy.joined(separator: ","), payload])
        return db.lastInsertedRowID
    }

    // Reads the steps column: configured once, never mutated, safe across threads.
    static let stepsDecoder = JSONDecoder()

    /// The steps column read back: the shape `stepsJSON` writes, by hand
    /// (JSONDecoder was a fifth of the writer's time: every receipt and
    /// every step reads its case), or, for anything else an older release
    /// wrote, JSONDecoder.
    static func steps(_ text: String) -> [StepState] {
        if let objects = try? FlatJSON.decodeArray(Array(text.utf8)), let steps = try? objects.map(step) { return steps }
        return (try? stepsDecoder.decode([StepState].self, from: Data(text.utf8))) ?? []
    }

    /// Not the shape `stepsJSON` writes: JSONDecoder reads it.
    struct OtherShape: Error {}

    static func step(_ o: [String: String]) throws -> StepState {
        guard o.keys.allSatisfy(stepKeys.contains), let id = o["id"], let status = o["status"].flatMap(StepStatus.init(rawValue:)),
              let escalations = o["escalations"].flatMap({ Int($0) }) else { throw OtherShape() }
        func number(_ key: String) throws -> Double? {
            guard let v = o[key], !v.isEmpty else { return nil }
            guard let d = Double(v) else { throw OtherShape() }
            return d
        }
        var s = StepState(id: id, status: status, due: try number("due").map(Date.init(timeIntervalSinceReferenceDate:)))
        s.escalations = escalations
        s.doneAt = try number("doneAt").map(Date.init(timeIntervalSinceReferenceDate:))
        s.lateSeconds = try number("lateSeconds")
        if let e = o["evidence"], !e.isEmpty {
            guard let level = EvidenceLevel(name: e) else { throw OtherShape() }
            s.evidence = level
        }
        s.dueBy = o["dueBy"]
        return s
    }

    static let stepKeys: Set<String> = ["id", "status", "escalations", "due", "doneAt", "evidence", "lateSeconds", "dueBy"]

    /// The steps column by hand, in the shape JSONDecoder reads back into
    /// `[StepState]` (dates as seconds since 2001, Foundation's default): it
    /// is written on every case change, inside the commit.
    static func stepsJSON(_ steps: [StepState]) -> String {
        var out = "["
        for (i, s) in steps.enumerated() {
            if i > 0 { out += "," }
            out += "{\"id\":"
            FlatJSON.appendString(s.id, to: &out)
            out += ",\"status\":\"\(s.status.rawValue)\",\"escalations\":\(s.escalations)"
            if let d = s.due { out += ",\"due\":\(d.timeIntervalSinceReferenceDate)" }
            if let d = s.doneAt { out += ",\"doneAt\":\(d.timeIntervalSinceReferenceDate)" }
            if let e = s.evidence { out += ",\"evidence\":\"\(e.name)\"" }
            if let l = s.lateSeconds { out += ",\"lateSeconds\":\(l)" }
            if let b = s.dueBy { out += ",\"dueBy\":"; FlatJSON.appendString(b, to: &out) }
            out += "}"
        }
        return out + "]"
    }


    func rewritePayloads(_ payloads: [Int64: [String: String]]) throws {
        guard !payloads.isEmpty else { return }
        try withEventRewrite {
            for (seq, payload) in payloads.sorted(by: { $0.key < $1.key }) {
                try exec("UPDATE events SET payload = ? WHERE seq = ?", [seal(FlatJSON.encode(payload), .eventPayload), seq])
            }
        }
    }

    /// Lets `body` rewrite event payloads (the trigger `events_no_update`
    /// reads the flag); the flag never outlives this transaction.
    func withEventRewrite(_ body: () throws -> Void) throws {
        try exec("INSERT OR REPLACE INTO sequences (name, value) VALUES ('events-rewrite', 1)", [])
        defer { try? exec("DELETE FROM sequences WHERE name = 'events-rewrite'", []) }
        try body()
    }

    func events(caseID: String) throws -> [Event] {
        try all("SELECT * FROM events WHERE case_id = ? ORDER BY seq", [caseID]).map(event)
    }

    func events(types: [EventType]) throws -> [Event] {
        guard !types.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: types.count).joined(separator: ", ")
        return try all("SELECT * FROM events WHERE type IN (\(marks)) ORDER BY seq", StatementArguments(types.map(\.rawValue))).map(event)
    }

    func event(_ r: Row) throws -> Event {
        let payloadText = try open(r, "payload", .eventPayload)
        let payload = try FlatJSON.decode(payloadText)
        let policy: String = r["policy"]
        let typeText: String = r["type"]
        guard let type = EventType(rawValue: typeText) else {
            throw LiaisonError(.internal, "event \(r["seq"] as Int64) has unknown type \(typeText); is this database from a newer liaisond?")
        }
        return Event(seq: r["seq"], at: Self.date(r["at"] as Int64), actor: r["actor"], type: type, caseID: r["case_id"],
                     studentID: r["student_id"], policy: policy.split(separator: ",").map(String.init), payload: payload)
    }

    func nextSequence(_ name: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            INSERT INTO sequences (name, value) VALUES (?, 1)
            ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value
            """), arguments: [name])!
    }

    // MARK: roster

    func save(_ s: Student) throws {
        try exec("""
            INSERT OR REPLACE INTO students (id, name, gender, college, major, class_name, counselor_id, tier, phone, birth_date)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [s.id, s.name, s.gender, s.college, s.major, s.className, s.counselorID, s.tier.rawValue, seal(s.phone, .studentPhone), s.birthDate])
    }

    /// The person, and a link to each of their students (links are only
    /// added: an import keeps a guardian's students held but not in its file).
    func save(_ g: RosterGuardian) throws {
        try exec("""
            INSERT OR REPLACE INTO guardians (id, name, phone, wechat, qq, preference, phone2, household_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [g.id, g.name, seal(g.phone, .guardianPhone), seal(g.wechat, .guardianWeChat), seal(g.qq, .guardianQQ),
                  g.preference.map(\.rawValue).joined(separator: ">"), seal(g.phone2, .guardianPhone2), g.householdID])
        try saveLookup(guardianID: g.id, addresses: [g.phone, g.phone2, g.wechat, g.qq])
        for link in g.students {
            try exec("INSERT OR REPLACE INTO guardian_students (guardian_id, student_id, relation) VALUES (?, ?, ?)",
                     [g.id, link.studentID, link.relation])
        }
    }

    func save(_ h: HouseholdRecord) throws {
        try exec("INSERT OR REPLACE INTO households (id, address) VALUES (?, ?)", [h.id, seal(h.address, .householdAddress)])
    }

    func save(_ c: ClassRecord) throws {
        try exec("""
            INSERT OR REPLACE INTO classes (name, college, major, grade, counselor_id, teacher_id) VALUES (?, ?, ?, ?, ?, ?)
            """, [c.name, c.college, c.major, c.grade, c.counselorID, c.teacherID])
    }

    func save(_ r: StudentRecord) throws {
        try exec("""
            INSERT OR REPLACE INTO student_records (key, student_id, kind, title, level, date, reasons, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [r.key, r.studentID, r.kind.rawValue, r.title, r.level, r.date, seal(r.reasons, .recordReasons), r.document])
    }

    func save(_ s: Staff) throws {
        try exec("""
            INSERT OR REPLACE INTO staff (id, name, role, college, unix_user, phone) VALUES (?, ?, ?, ?, ?, ?)
            """, [s.id, s.name, s.role.rawValue, s.college, s.unixUser, seal(s.phone, .staffPhone)])
    }

    func student(_ r: Row) throws -> Student {
        Student(id: r["id"], name: r["name"], gender: r["gender"], college: r["college"], major: r["major"],
                className: r["class_name"], counselorID: r["counselor_id"], tier: Tier(rawValue: r["tier"]) ?? .general,
                phone: try open(r, "phone", .studentPhone), birthDate: r["birth_date"])
    }

    /// A guardian as the guardian of one student: the person, the link and the household's address.
    static let selectGuardians = """
        SELECT g.id, g.name, g.phone, g.phone2, g.wechat, g.qq, g.preference, g.household_id, l.student_id, l.relation,
               coalesce(h.address, '') AS address
        FROM guardian_students l JOIN guardians g ON g.id = l.guardian_id LEFT JOIN households h ON h.id = g.household_id
        """

    /// A row of `selectGuardians`, by column position (every case opening
    /// and every notice reads its guardians; a lookup by name lowercases).
    func guardian(_ r: Row) throws -> Guardian {
        Guardian(id: r[0], studentID: r[8], name: r[1], relation: r[9], phone: try open(r[2], .guardianPhone),
                 wechat: try open(r[4], .guardianWeChat), qq: try open(r[5], .guardianQQ),
                 address: try open(r[10], .householdAddress), preference: Self.preference(r[6]),
                 phone2: try open(r[3], .guardianPhone2), householdID: r[7])
    }

    static func preference(_ text: String) -> [ContactChannel] {
        text.split(separator: ">").compactMap { ContactChannel(rawValue: String($0)) }
    }

    func staff(_ r: Row) throws -> Staff {
        Staff(id: r["id"], name: r["name"], role: StaffRole(rawValue: r["role"]) ?? .counselor, college: r["college"],
              unixUser: r["unix_user"], phone: try open(r, "phone", .staffPhone))
    }

    func student(_ id: String) throws -> Student? {
        try one("SELECT * FROM students WHERE id = ?", [id]).map(student)
    }

    func students(className: String?, counselorID: String?, scope: Responsibility, after: String?, limit: Int) throws -> (students: [Student], total: Int) {
        let inScope = scope.studentCondition()
        var filter = " AND " + inScope.sql
        var args = inScope.arguments
        if let className { filter += " AND class_name = ?"; args += [className] }
        if let counselorID { filter += " AND counselor_id = ?"; args += [counselorID] }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM students WHERE 1" + filter, arguments: args) ?? 0
        var page = filter
        if let after { page += " AND id > ?"; args += [after] }
        args += [limit]
        return (try all("SELECT * FROM students WHERE 1" + page + " ORDER BY id LIMIT ?", args).map(student), total)
    }

    func guardians(ofStudent id: String) throws -> [Guardian] {
        try all(Self.selectGuardians + " WHERE l.student_id = ? ORDER BY g.id", [id]).map(guardian)
    }

    func staff(_ id: String) throws -> Staff? {
        try one("SELECT * FROM staff WHERE id = ?", [id]).map(staff)
    }

    func staff(unixUser: String) throws -> Staff? {
        try one("SELECT * FROM staff WHERE unix_user = ?", [unixUser]).map(staff)
    }

    func siblings(of studentID: String) throws -> [Student] {
        try all("""
            SELECT * FROM students WHERE id <> ?1 AND id IN (
                SELECT o.student_id FROM guardian_students mine JOIN guardian_students o ON o.guardian_id = mine.guardian_id
                WHERE mine.student_id = ?1)
            ORDER BY id
            """, [studentID]).map(student)
    }

    func staffPage(role: StaffRole?, college: String?, after: String?, limit: Int) throws -> (staff: [Staff], total: Int) {
        var filter = ""
        var args: StatementArguments = []
        if let role { filter += " AND role = ?"; args += [role.rawValue] }
        if let college { filter += " AND college = ?"; args += [college] }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM staff WHERE 1" + filter, arguments: args) ?? 0
        if let after { filter += " AND id > ?"; args += [after] }
        args += [limit]
        return (try all("SELECT * FROM staff WHERE 1" + filter + " ORDER BY id LIMIT ?", args).map(staff), total)
    }

    func classes(staffID: String) throws -> [ClassRecord] {
        try all("SELECT * FROM classes WHERE counselor_id = ?1 OR teacher_id = ?1 ORDER BY name", [staffID]).map(Self.schoolClass)
    }

    func schoolClass(_ name: String) throws -> ClassRecord? {
        try one("SELECT * FROM classes WHERE name = ?", [name]).map(Self.schoolClass)
    }

    func records(studentID: String) throws -> [StudentRecord] {
        try all("SELECT * FROM student_records WHERE student_id = ? ORDER BY date, key", [studentID]).compactMap(studentRecord)
    }

    static func schoolClass(_ r: Row) -> ClassRecord {
        ClassRecord(name: r["name"], college: r["college"], major: r["major"], grade: r["grade"], counselorID: r["counselor_id"], teacherID: r["teacher_id"])
    }

    func studentRecord(_ r: Row) throws -> StudentRecord? {
        guard let kind = RecordKind(rawValue: r["kind"]) else { return nil }
        return StudentRecord(studentID: r["student_id"], kind: kind, title: r["title"], level: r["level"], date: r["date"],
                             reasons: try open(r, "reasons", .recordReasons), document: r["document"])
    }

    func roster() throws -> Roster {
        var links: [String: [GuardianLink]] = [:]
        // In the order they were linked (rowid-less table: by student id within a guardian).
        for r in try all("SELECT guardian_id, student_id, relation FROM guardian_students ORDER BY guardian_id, student_id", []) {
            links[r["guardian_id"], default: []].append(GuardianLink(studentID: r["student_id"], relation: r["relation"]))
        }
        let guardians = try all("SELECT * FROM guardians ORDER BY id", []).map { r in
            RosterGuardian(id: r["id"], name: r["name"], phone: try open(r, "phone", .guardianPhone), phone2: try open(r, "phone2", .guardianPhone2),
                           wechat: try open(r, "wechat", .guardianWeChat), qq: try open(r, "qq", .guardianQQ),
                           preference: Self.preference(r["preference"]), householdID: r["household_id"], students: links[r["id"]] ?? [])
        }
        return Roster(
            students: try all("SELECT * FROM students ORDER BY id", []).map(student),
            guardians: guardians,
            households: try all("SELECT * FROM households ORDER BY id", []).map { HouseholdRecord(id: $0["id"], address: try open($0, "address", .householdAddress)) },
            staff: try all("SELECT * FROM staff ORDER BY id", []).map(staff),
            classes: try all("SELECT * FROM classes ORDER BY name", []).map(Self.schoolClass),
            records: try all("SELECT * FROM student_records ORDER BY student_id, date, key", []).compactMap(studentRecord))
    }

    // MARK: cases

    func save(_ c: CaseRecord) throws {
        let steps = Self.stepsJSON(c.steps)
        try exec("""
            INSERT INTO cases (id, kind, student_id, counselor_id, state, summary, occurred_at, opened_at,
                opened_by, updated_at, closed_at, closed_by, resolution, note_count, rulebook_version, steps, facts, overdue_steps)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, student_id = excluded.student_id, counselor_id = excluded.counselor_id,
                state = excluded.state, summary = excluded.summary, occurred_at = excluded.occurred_at, opened_at = excluded.opened_at,
                opened_by = excluded.opened_by, updated_at = excluded.updated_at, closed_at = excluded.closed_at, closed_by = excluded.closed_by,
                resolution = excluded.resolution, note_count = excluded.note_count, rulebook_version = excluded.rulebook_version,
                steps = excluded.steps, facts = excluded.facts, overdue_steps = excluded.overdue_steps
            """, [c.id, c.kind.rawValue, c.studentID, c.counselorID, c.state.rawValue, seal(c.summary, .caseSummary),
                             Self.ms(c.occurredAt), Self.ms(c.openedAt), c.openedBy, Self.ms(c.updatedAt),
                             c.closedAt.map(Self.ms), c.closedBy, c.resolution.map { seal($0, .caseResolution) }, c.noteCount, c.rulebookVersion, steps,
                             c.facts.isEmpty ? "{}" : FlatJSON.encode(c.facts.payload), c.steps.count { $0.status == .overdue }])
    }

    func caseRecord(_ r: Row) throws -> CaseRecord {
        var c = CaseRecord(id: r["id"], kind: CaseKind(rawValue: r["kind"]) ?? .accident, studentID: r["student_id"],
                   counselorID: r["counselor_id"], state: CaseState(rawValue: r["state"]) ?? .open, summary: try open(r, "summary", .caseSummary),
                   occurredAt: Self.date(r["occurred_at"] as Int64), openedAt: Self.date(r["opened_at"] as Int64),
                   openedBy: r["opened_by"], updatedAt: Self.date(r["updated_at"] as Int64),
                   closedAt: Self.date(r["closed_at"] as Int64?), closedBy: r["closed_by"], resolution: try (r["resolution"] as String?).map { try open($0, .caseResolution) },
                   noteCount: r["note_count"])
        c.rulebookVersion = r["rulebook_version"]
        let steps: String = r["steps"]
        c.steps = Self.steps(steps)
        let facts: String = r["facts"]
        if facts != "{}", let p = try? FlatJSON.decode(facts) { c.facts = CaseFacts(payload: p) }
        return c
    }

    func caseRecord(_ id: String) throws -> CaseRecord? {
        try one("SELECT * FROM cases WHERE id = ?", [id]).map(caseRecord)
    }

    func cases(_ f: CaseFilter) throws -> [CaseRecord] { try casePage(f).cases }

    func openCases(kind: CaseKind, otherThanVersion version: Int) throws -> [CaseRecord] {
        // Two ranges of cases_open_by_version, not `<>` (which walked every
        // open case of the kind through the table, at every start: 74 ms a
        // kind at 100k open cases; the ranges find none in a millisecond).
        try all("""
            SELECT * FROM (SELECT * FROM cases WHERE state = 'open' AND kind = ?1 AND rulebook_version < ?2
                           UNION ALL SELECT * FROM cases WHERE state = 'open' AND kind = ?1 AND rulebook_version > ?2) ORDER BY id
            """, [kind.rawValue, version])
            .map(caseRecord)
    }

    func casePage(_ f: CaseFilter) throws -> (cases: [CaseRecord], total: Int) {
        let inScope = f.scope.studentIDCondition("student_id")
        var sql = " WHERE " + inScope.sql
        var args = inScope.arguments
        if let s = f.state { sql += " AND state = ?"; args += [s.rawValue] }
        if let k = f.kind { sql += " AND kind = ?"; args += [k.rawValue] }
        if let who = f.involving { sql += " AND (counselor_id = ? OR opened_by = ?)"; args += [who, who] }
        if let s = f.studentID { sql += " AND student_id = ?"; args += [s] }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM cases" + sql, arguments: args) ?? 0
        if let after = f.after, let anchor = try one("SELECT opened_at FROM cases WHERE id = ?", [after]) {
            // Keyset paging in the list's order: older, or as old with a smaller id.
            let at: Int64 = anchor["opened_at"]
            sql += " AND (opened_at < ? OR (opened_at = ? AND id < ?))"
            args += [at, at, after]
        }
        sql += " ORDER BY opened_at DESC, id DESC LIMIT ?"
        args += [f.limit]
        return (try all("SELECT * FROM cases" + sql, args).map(caseRecord), total)
    }

    // MARK: contacts

    func save(_ c: ContactRecord) throws {
        try exec("""
            INSERT OR REPLACE INTO contacts (id, student_id, guardian_id, channel, topics, summary, feedback, contacted_at, recorded_by, term)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [c.id, c.studentID, c.guardianID, c.channel.rawValue, c.topics.map(\.rawValue).joined(separator: ","),
                             seal(c.summary, .contactSummary), seal(c.feedback, .contactFeedback), Self.ms(c.contactedAt), c.recordedBy, c.term])
    }

    func contacts(studentID: String) throws -> [ContactRecord] {
        try all("SELECT * FROM contacts WHERE student_id = ? ORDER BY contacted_at, id", [studentID]).map { r in
            let topics: String = r["topics"]
            return ContactRecord(id: r["id"], studentID: r["student_id"], guardianID: r["guardian_id"],
                                 channel: ContactChannel(rawValue: r["channel"]) ?? .phone,
                                 topics: topics.split(separator: ",").compactMap { ContactTopic(rawValue: String($0)) },
                                 summary: try open(r, "summary", .contactSummary), feedback: try open(r, "feedback", .contactFeedback), contactedAt: Self.date(r["contacted_at"] as Int64),
                                 recordedBy: r["recorded_by"], term: r["term"])
        }
    }

    func counts() throws -> StoreCounts {
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db.cachedStatement(sql: sql)) ?? 0 }
        return StoreCounts(students: try count("SELECT count(*) FROM students"),
                           guardians: try count("SELECT count(*) FROM guardians"),
                           staff: try count("SELECT count(*) FROM staff"),
                           // Kept by triggers (Migrations: "kept counts"), not counted each time.
                           openCases: try count("SELECT n FROM counters WHERE name = 'open_cases'"),
                           overdueSteps: try count("SELECT n FROM counters WHERE name = 'overdue_steps'"),
                           events: try count("SELECT n FROM counters WHERE name = 'events'"))
    }
}

// MARK: rulebooks, deadlines, outbox

extension SQLiteSession {
    func pin(_ book: Rulebook) throws {
        let body = String(decoding: try JSONEncoder().encode(book), as: UTF8.self)
        try exec("INSERT OR IGNORE INTO rulebooks (kind, version, body) VALUES (?, ?, ?)", [book.kind.rawValue, book.version, body])
    }

    func pinnedRulebook(kind: CaseKind, version: Int) throws -> Rulebook? {
        guard let r = try one("SELECT body FROM rulebooks WHERE kind = ? AND version = ?", [kind.rawValue, version]) else { return nil }
        let body: String = r["body"]
        return try JSONDecoder().decode(Rulebook.self, from: Data(body.utf8))
    }

    func schedule(_ d: Deadline) throws {
        try exec("INSERT OR REPLACE INTO deadlines (case_id, step_id, level, due_at, fired_at) VALUES (?, ?, ?, ?, NULL)",
                 [d.caseID, d.stepID, d.level, Self.ms(d.due)])
    }

    func cancelDeadlines(caseID: String, stepID: String) throws {
        try exec("DELETE FROM deadlines WHERE case_id = ? AND step_id = ? AND fired_at IS NULL", [caseID, stepID])
    }

    func markFired(_ d: Deadline, at: Date) throws -> Bool {
        try exec("UPDATE deadlines SET fired_at = ? WHERE case_id = ? AND step_id = ? AND level = ? AND fired_at IS NULL",
                 [Self.ms(at), d.caseID, d.stepID, d.level])
        return db.changesCount == 1
    }

    static func deadline(_ r: Row) -> Deadline {
        Deadline(caseID: r["case_id"], stepID: r["step_id"], level: r["level"], due: date(r["due_at"] as Int64))
    }

    func nextDeadline() throws -> Deadline? {
        try one("SELECT * FROM deadlines WHERE fired_at IS NULL ORDER BY due_at, case_id, step_id, level LIMIT 1", []).map(Self.deadline)
    }

    func dueDeadlines(upTo date: Date, limit: Int) throws -> [Deadline] {
        try all("SELECT * FROM deadlines WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at, case_id, step_id, level LIMIT ?",
                [Self.ms(date), limit]).map(Self.deadline)
    }

    func deadlineRows(filter f: DeadlineFilter) throws -> [DeadlineRow] {
        var sql = """
            SELECT d.case_id, d.step_id, d.due_at, d.fired_at, c.kind, c.counselor_id, s.id AS sid, s.name, s.college
            FROM deadlines d JOIN cases c ON c.id = d.case_id JOIN students s ON s.id = c.student_id
            WHERE d.level = 0 AND c.state = 'open'
              -- a fired deadline stays listed only while its step is still not done
              AND NOT EXISTS (SELECT 1 FROM json_each(c.steps) st
                              WHERE json_extract(st.value, '$.id') = d.step_id AND json_extract(st.value, '$.status') = 'done')
            """
        var args: StatementArguments = []
        if let college = f.college { sql += " AND s.college = ?"; args += [college] }
        let inScope = f.scope.studentCondition("s.")
        sql += " AND " + inScope.sql
        args += inScope.arguments
        if f.overdueOnly { sql += " AND d.fired_at IS NOT NULL" }
        if let before = f.dueBefore { sql += " AND d.due_at <= ?"; args += [Self.ms(before)] }
        sql += " ORDER BY d.due_at, d.case_id"
        return try all(sql, args).map { r in
            DeadlineRow(caseID: r["case_id"], kind: CaseKind(rawValue: r["kind"]) ?? .accident, stepID: r["step_id"],
                               due: Self.date(r["due_at"] as Int64), missed: (r["fired_at"] as Int64?) != nil,
                               studentID: r["sid"], studentName: r["name"], college: r["college"], counselorID: r["counselor_id"])
        }
    }

    func staff(role: StaffRole, college: String?) throws -> [Staff] {
        if let college {
            return try all("SELECT * FROM staff WHERE role = ? AND college = ? ORDER BY id", [role.rawValue, college]).map(staff)
        }
        return try all("SELECT * FROM staff WHERE role = ? ORDER BY id", [role.rawValue]).map(staff)
    }
}

extension SQLiteSession {
    func setVirtualNow(_ d: Date) throws {
        try exec("INSERT OR REPLACE INTO sequences (name, value) VALUES ('virtual-clock-ms', ?)", [Self.ms(d)])
    }

    func virtualNow() throws -> Date? {
        try one("SELECT value FROM sequences WHERE name = 'virtual-clock-ms'", []).map { Self.date($0["value"] as Int64) }
    }

    func latestEventAt() throws -> Date? {
        // By seq, the primary key: one row, no scan of the log.
        try one("SELECT at FROM events ORDER BY seq DESC LIMIT 1", []).map { Self.date($0["at"] as Int64) }
    }
}
