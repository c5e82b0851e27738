import Foundation
import GRDB
import LiaisonCore

/// Reads and writes on one GRDB connection, inside whatever transaction the
/// store opened. Rows map to domain values by hand, column by column: the
/// schema is the contract, not a Codable synthesis.
struct SQLiteSession: StoreWriter {
    let db: Database

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
        let payload = Self.jsonObject(event.payload)
        try exec("""
            INSERT INTO events (at, actor, type, case_id, student_id, policy, payload) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [Self.ms(event.at), event.actor, event.type.rawValue, event.caseID, event.studentID,
                             event.policy.joined(separator: ","), payload])
        return db.lastInsertedRowID
    }

    /// A payload as a JSON object with sorted keys, written by hand: it is
    /// on the commit path of every write, where JSONEncoder showed in profiles.
    static func jsonObject(_ d: [String: String]) -> String {
        var out = "{"
        for (i, key) in d.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            appendJSONString(key, to: &out)
            out += ":"
            appendJSONString(d[key]!, to: &out)
        }
        return out + "}"
    }

    static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                out += "\\u00" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }

    func events(caseID: String) throws -> [Event] {
        try all("SELECT * FROM events WHERE case_id = ? ORDER BY seq", [caseID]).map(Self.event)
    }

    static func event(_ r: Row) throws -> Event {
        let payloadText: String = r["payload"]
        let payload = try JSONDecoder().decode([String: String].self, from: Data(payloadText.utf8))
        let policy: String = r["policy"]
        let typeText: String = r["type"]
        guard let type = EventType(rawValue: typeText) else {
            throw LiaisonError(.internal, "event \(r["seq"] as Int64) has unknown type \(typeText); is this database from a newer liaisond?")
        }
        return Event(seq: r["seq"], at: date(r["at"] as Int64), actor: r["actor"], type: type, caseID: r["case_id"],
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
            """, [s.id, s.name, s.gender, s.college, s.major, s.className, s.counselorID, s.tier.rawValue, s.phone, s.birthDate])
    }

    func save(_ g: Guardian) throws {
        try exec("""
            INSERT OR REPLACE INTO guardians (id, student_id, name, relation, phone, wechat, qq, address, preference)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [g.id, g.studentID, g.name, g.relation, g.phone, g.wechat, g.qq, g.address,
                             g.preference.map(\.rawValue).joined(separator: ">")])
    }

    func save(_ s: Staff) throws {
        try exec("""
            INSERT OR REPLACE INTO staff (id, name, role, college, unix_user, phone) VALUES (?, ?, ?, ?, ?, ?)
            """, [s.id, s.name, s.role.rawValue, s.college, s.unixUser, s.phone])
    }

    static func student(_ r: Row) -> Student {
        Student(id: r["id"], name: r["name"], gender: r["gender"], college: r["college"], major: r["major"],
                className: r["class_name"], counselorID: r["counselor_id"], tier: Tier(rawValue: r["tier"]) ?? .general,
                phone: r["phone"], birthDate: r["birth_date"])
    }

    static func guardian(_ r: Row) -> Guardian {
        let pref: String = r["preference"]
        return Guardian(id: r["id"], studentID: r["student_id"], name: r["name"], relation: r["relation"], phone: r["phone"],
                        wechat: r["wechat"], qq: r["qq"], address: r["address"],
                        preference: pref.split(separator: ">").compactMap { ContactChannel(rawValue: String($0)) })
    }

    static func staff(_ r: Row) -> Staff {
        Staff(id: r["id"], name: r["name"], role: StaffRole(rawValue: r["role"]) ?? .counselor, college: r["college"],
              unixUser: r["unix_user"], phone: r["phone"])
    }

    func student(_ id: String) throws -> Student? {
        try one("SELECT * FROM students WHERE id = ?", [id]).map(Self.student)
    }

    func students(className: String?, counselorID: String?) throws -> [Student] {
        var sql = "SELECT * FROM students WHERE 1"
        var args: StatementArguments = []
        if let className { sql += " AND class_name = ?"; args += [className] }
        if let counselorID { sql += " AND counselor_id = ?"; args += [counselorID] }
        return try all(sql + " ORDER BY class_name, id", args).map(Self.student)
    }

    func guardian(_ id: String) throws -> Guardian? {
        try one("SELECT * FROM guardians WHERE id = ?", [id]).map(Self.guardian)
    }

    func guardians(ofStudent id: String) throws -> [Guardian] {
        try all("SELECT * FROM guardians WHERE student_id = ? ORDER BY id", [id]).map(Self.guardian)
    }

    func staff(_ id: String) throws -> Staff? {
        try one("SELECT * FROM staff WHERE id = ?", [id]).map(Self.staff)
    }

    func staff(unixUser: String) throws -> Staff? {
        try one("SELECT * FROM staff WHERE unix_user = ?", [unixUser]).map(Self.staff)
    }

    func roster() throws -> Roster {
        Roster(students: try all("SELECT * FROM students ORDER BY id", []).map(Self.student),
               guardians: try all("SELECT * FROM guardians ORDER BY id", []).map(Self.guardian),
               staff: try all("SELECT * FROM staff ORDER BY id", []).map(Self.staff))
    }

    // MARK: cases

    func save(_ c: CaseRecord) throws {
        try exec("""
            INSERT OR REPLACE INTO cases (id, kind, student_id, counselor_id, state, summary, occurred_at, opened_at,
                opened_by, updated_at, closed_at, closed_by, resolution, note_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [c.id, c.kind.rawValue, c.studentID, c.counselorID, c.state.rawValue, c.summary,
                             Self.ms(c.occurredAt), Self.ms(c.openedAt), c.openedBy, Self.ms(c.updatedAt),
                             c.closedAt.map(Self.ms), c.closedBy, c.resolution, c.noteCount])
    }

    static func caseRecord(_ r: Row) -> CaseRecord {
        CaseRecord(id: r["id"], kind: CaseKind(rawValue: r["kind"]) ?? .accident, studentID: r["student_id"],
                   counselorID: r["counselor_id"], state: CaseState(rawValue: r["state"]) ?? .open, summary: r["summary"],
                   occurredAt: date(r["occurred_at"] as Int64), openedAt: date(r["opened_at"] as Int64),
                   openedBy: r["opened_by"], updatedAt: date(r["updated_at"] as Int64),
                   closedAt: date(r["closed_at"] as Int64?), closedBy: r["closed_by"], resolution: r["resolution"],
                   noteCount: r["note_count"])
    }

    func caseRecord(_ id: String) throws -> CaseRecord? {
        try one("SELECT * FROM cases WHERE id = ?", [id]).map(Self.caseRecord)
    }

    func cases(_ f: CaseFilter) throws -> [CaseRecord] {
        var sql = "SELECT * FROM cases WHERE 1"
        var args: StatementArguments = []
        if let s = f.state { sql += " AND state = ?"; args += [s.rawValue] }
        if let k = f.kind { sql += " AND kind = ?"; args += [k.rawValue] }
        if let who = f.involving { sql += " AND (counselor_id = ? OR opened_by = ?)"; args += [who, who] }
        if let s = f.studentID { sql += " AND student_id = ?"; args += [s] }
        sql += " ORDER BY opened_at DESC, id DESC LIMIT ?"
        args += [f.limit]
        return try all(sql, args).map(Self.caseRecord)
    }

    // MARK: contacts

    func save(_ c: ContactRecord) throws {
        try exec("""
            INSERT OR REPLACE INTO contacts (id, student_id, guardian_id, channel, topics, summary, feedback, contacted_at, recorded_by, term)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [c.id, c.studentID, c.guardianID, c.channel.rawValue, c.topics.map(\.rawValue).joined(separator: ","),
                             c.summary, c.feedback, Self.ms(c.contactedAt), c.recordedBy, c.term])
    }

    func contacts(studentID: String) throws -> [ContactRecord] {
        try all("SELECT * FROM contacts WHERE student_id = ? ORDER BY contacted_at, id", [studentID]).map { r in
            let topics: String = r["topics"]
            return ContactRecord(id: r["id"], studentID: r["student_id"], guardianID: r["guardian_id"],
                                 channel: ContactChannel(rawValue: r["channel"]) ?? .phone,
                                 topics: topics.split(separator: ",").compactMap { ContactTopic(rawValue: String($0)) },
                                 summary: r["summary"], feedback: r["feedback"], contactedAt: Self.date(r["contacted_at"] as Int64),
                                 recordedBy: r["recorded_by"], term: r["term"])
        }
    }

    func counts() throws -> StoreCounts {
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db.cachedStatement(sql: sql)) ?? 0 }
        return StoreCounts(students: try count("SELECT count(*) FROM students"),
                           guardians: try count("SELECT count(*) FROM guardians"),
                           staff: try count("SELECT count(*) FROM staff"),
                           openCases: try count("SELECT count(*) FROM cases WHERE state = 'open'"),
                           events: try count("SELECT count(*) FROM events"))
    }
}
