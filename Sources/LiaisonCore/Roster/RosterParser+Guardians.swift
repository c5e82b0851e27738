import Foundation

/// guardians.csv: one row per guardian per student. A guardian of two
/// students (siblings, twins) has two rows with one `guardian_id`; their own
/// columns must agree or be left empty on all but one row. `address` is the
/// household's (`household_id`; a guardian without one is a household
/// alone, whose id is the guardian's), and a household's rows must agree on it.
extension RosterParser {
    /// One guardians.csv row, checked.
    struct GuardianRow {
        var row: Row
        var id: String
        var link: GuardianLink
        var own: [String: String]
        var address: String
    }

    /// The guardian's own columns: the same person on every row.
    static let ownColumns = ["name", "phone", "phone2", "wechat", "qq", "preference", "household_id"]

    mutating func guardians(_ table: CSVTable?, students: Set<String>) -> ([RosterGuardian], [HouseholdRecord]) {
        guard let table else { return ([], []) }
        var order: [String] = []
        var byID: [String: [GuardianRow]] = [:]
        for row in rows(table, RosterColumns.guardians) {
            guard let r = guardianRow(row, students: students) else { continue }
            if byID[r.id] == nil { order.append(r.id) }
            byID[r.id, default: []].append(r)
        }
        // Households first: a guardian's preference needs their address.
        var addresses: [String: (String, Row)] = [:]
        var householdOrder: [String] = []
        for id in order {
            let rows = byID[id]!
            let household = rows.lazy.map { $0.own["household_id"]! }.first { !$0.isEmpty } ?? id
            for r in rows {
                guard let (held, at) = addresses[household] else { householdOrder.append(household); addresses[household] = (r.address, r.row); continue }
                if held.isEmpty { addresses[household] = (r.address, r.row) } else if !r.address.isEmpty, Household.normalize(r.address) != Household.normalize(held) {
                    problem(r.row, "address", "household \(household) has another address on line \(at.line); the guardians of one household share one address (leave it empty on all but one row)")
                }
            }
        }
        let held = Dictionary(existing.guardians.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [RosterGuardian] = []
        for id in order {
            guard let (person, preference) = person(byID[id]!) else { continue }
            var g = person
            // Students held for this guardian but not in this file stay theirs (a partial export).
            if let before = held[id] {
                g.students = before.students.map { old in g.students.first { $0.studentID == old.studentID } ?? old }
                    + g.students.filter { new in !before.students.contains { $0.studentID == new.studentID } }
            }
            out.append(checkRoutes(g, address: addresses[g.householdID]?.0 ?? "", preference: preference, row: byID[id]![0].row))
        }
        return (out, householdOrder.map { HouseholdRecord(id: $0, address: addresses[$0]!.0) })
    }

    mutating func guardianRow(_ row: Row, students: Set<String>) -> GuardianRow? {
        let id = required(row, "guardian_id", id: true)
        let student = required(row, "student_id", id: true)
        let relation = required(row, "relation")
        if let student, !students.contains(student) { problem(row, "student_id", "no student \(student); add them to students.csv") }
        let household = row.value("household_id")
        if !household.isEmpty, !RosterParser.isValidID(household) {
            problem(row, "household_id", "\"\(household)\" is not a valid id: use 1–32 letters, digits, '-' or '_'")
        }
        var qq = row.value("qq")
        if !qq.isEmpty, !(qq.allSatisfy(\.isASCII) && qq.allSatisfy(\.isNumber)) {
            warn(row, "qq", "invalid_qq", "\"\(qq)\" is not a QQ number; imported without it")
            qq = ""
        }
        let own = ["name": row.value("name"), "phone": phone(row, "phone"), "phone2": phone(row, "phone2"), "wechat": row.value("wechat"),
                   "qq": qq, "preference": row.value("preference"), "household_id": household]
        guard let id, let student, let relation else { return nil }
        return GuardianRow(row: row, id: id, link: GuardianLink(studentID: student, relation: relation), own: own,
                           address: row.cells["address"]?.value.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// One guardian from their rows: each own column's value is the one
    /// non-empty value among the rows; two different ones are an error.
    /// Also the preference as written, with its row.
    mutating func person(_ rows: [GuardianRow]) -> (RosterGuardian, preference: (String, Row))? {
        var own: [String: (String, Row)] = [:]
        var ok = true
        for r in rows {
            for column in Self.ownColumns {
                let v = r.own[column]!
                guard !v.isEmpty else { continue }
                if let (held, at) = own[column], held != v {
                    problem(r.row, column, "guardian \(r.id) has \"\(held)\" here on line \(at.line); a guardian's own columns must agree on each of their rows (or be left empty)")
                    ok = false
                } else if own[column] == nil {
                    own[column] = (v, r.row)
                }
            }
        }
        var links: [GuardianLink] = []
        for r in rows {
            if links.contains(where: { $0.studentID == r.link.studentID }) {
                problem(r.row, "student_id", "guardian \(r.id) is listed for student \(r.link.studentID) twice; keep one row")
                ok = false
            } else {
                links.append(r.link)
            }
        }
        func v(_ c: String) -> String { own[c]?.0 ?? "" }
        if v("name").isEmpty { problem(rows[0].row, "name", "is empty on every row of guardian \(rows[0].id)"); ok = false }
        guard ok else { return nil }
        let g = RosterGuardian(id: rows[0].id, name: v("name"), phone: v("phone"), phone2: v("phone2"), wechat: v("wechat"), qq: v("qq"),
                               householdID: v("household_id"), students: links)
        return (g, (v("preference"), own["preference"]?.1 ?? rows[0].row))
    }

    /// The preference checked against the routes the guardian has, and a
    /// guardian with none reported (`no_valid_channel`).
    mutating func checkRoutes(_ person: RosterGuardian, address: String, preference: (String, Row), row: Row) -> RosterGuardian {
        var person = person
        let g = person.guardian(of: person.students[0], address: address)
        let reachable = ContactChannel.allCases.filter { $0 != .visit && g.address(for: $0) != nil }
        if reachable.isEmpty {
            warn(row, "phone", "no_valid_channel", "the guardian has no usable phone, WeChat, QQ or address; the policy needs a way to reach them at once (P2.1.1): the counselor should find one")
        }
        let (text, at) = preference
        if text.isEmpty {
            person.preference = reachable
            return person
        }
        for token in text.split(whereSeparator: { ">,;|、 ".contains($0) }).map(String.init) {
            guard let c = ContactChannel(text: token) else {
                warn(at, "preference", "unusable_preference", "\"\(token)\" is not a channel; use \(ContactChannel.usageList) in order of preference, e.g. wechat>phone; left out")
                continue
            }
            // SMS goes to the first mobile of phone and phone2 (Guardian.addresses(for:)), as when the
            // preference is left empty: a landline first with a mobile second still takes it.
            if c == .sms, g.phoneKind == .landline, g.address(for: .sms) == nil {
                warn(at, "preference", "unusable_preference", "prefers sms but \(g.phone) is a landline: an SMS would reach nobody; left out (list phone instead)")
            } else if g.address(for: c) == nil {
                warn(at, "preference", "unusable_preference", "prefers \(c.rawValue) but has no \(c == .letter || c == .visit ? "address" : c == .sms ? "phone" : c.rawValue) in this row")
            } else if !person.preference.contains(c) {
                person.preference.append(c)
            }
        }
        return person
    }
}
