import Foundation

/// Reads the three roster CSV files into checked roster values. Every
/// problem in every file is collected, each with file:line:column, so a
/// person can fix them all in one pass; any problem means nothing is
/// imported. References (a student's counselor, a guardian's student) are
/// checked against the incoming files together with what is already held.
public struct RosterParser {
    /// Errors: any one refuses the whole import.
    var problems: [RosterProblem] = []
    /// Data-quality warnings: the row is imported without the bad value.
    var warnings: [RosterProblem] = []
    let existing: Roster

    public init(existing: Roster = Roster()) { self.existing = existing }

    /// Parses and checks; throws `invalid_input` listing every problem, the
    /// warnings too, when there is an error; else the roster and its warnings.
    public static func parse(students: CSVTable?, guardians: CSVTable?, staff: CSVTable?, existing: Roster) throws -> (roster: Roster, warnings: [RosterProblem]) {
        var p = RosterParser(existing: existing)
        // Each record paired with its row, so later checks can name its place.
        let staffRows = staff.map { p.rows($0, RosterColumns.staff) } ?? []
        let staffPairs = staffRows.compactMap { row in p.staffRecord(row).map { (row, $0) } }
        let studentRows = students.map { p.rows($0, RosterColumns.students) } ?? []
        let studentPairs = studentRows.compactMap { row in p.student(row).map { (row, $0) } }
        let guardianRows = guardians.map { p.rows($0, RosterColumns.guardians) } ?? []
        let guardianPairs = guardianRows.compactMap { row in p.guardian(row).map { (row, $0) } }
        let newStaff = staffPairs.map(\.1), newStudents = studentPairs.map(\.1), newGuardians = guardianPairs.map(\.1)

        p.checkUnique(staffRows, newStaff.map(\.id), what: "staff id")
        p.checkUnique(studentRows, newStudents.map(\.id), what: "student id")
        p.checkUnique(guardianRows, newGuardians.map(\.id), what: "guardian id")
        let accounts = newStaff.map(\.unixUser)
        p.checkUnique(staffRows, accounts, what: "unix_user", skipEmpty: true)

        // References resolve against the import and what is already held.
        var staffByID = Dictionary(existing.staff.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for s in newStaff { staffByID[s.id] = s }
        for (row, s) in studentPairs where staffByID[s.counselorID] == nil {
            p.problem(row, "counselor_id", "no staff member \(s.counselorID); add them to staff.csv")
        }
        var studentIDs = Set(existing.students.map(\.id))
        studentIDs.formUnion(newStudents.map(\.id))
        for (row, g) in guardianPairs where !studentIDs.contains(g.studentID) {
            p.problem(row, "student_id", "no student \(g.studentID); add them to students.csv")
        }
        if !p.problems.isEmpty {
            // Every one of them, errors first: the office fixes them in one pass (`--report FILE` writes them as CSV).
            let warned = p.warnings.isEmpty ? "" : " and \(p.warnings.count) warning\(p.warnings.count == 1 ? "" : "s")"
            throw LiaisonError.invalid(
                "the roster has \(p.problems.count) error\(p.problems.count == 1 ? "" : "s")\(warned); nothing was imported. Fix the errors and import again:",
                details: (p.problems + p.warnings).map(\.description))
        }
        return (Roster(students: newStudents, guardians: newGuardians, staff: newStaff), p.warnings)
    }

    // MARK: rows

    /// A row with its cells looked up by column name.
    struct Row {
        var file: String
        var line: Int
        var cells: [String: CSVField]
        var fallbackColumn: Int
        func value(_ name: String) -> String { RosterExport.unguarded(cells[name]?.value.trimmingCharacters(in: .whitespaces) ?? "") }
        func place(_ name: String) -> (line: Int, column: Int) {
            let f = cells[name]
            return (f?.line ?? line, f?.column ?? fallbackColumn)
        }
    }

    mutating func rows(_ table: CSVTable, _ columns: [RosterColumn]) -> [Row] {
        var index: [String: Int] = [:]
        for (i, field) in table.header.fields.enumerated() {
            let h = field.value.trimmingCharacters(in: .whitespaces)
            guard let col = columns.first(where: { $0.name == h.lowercased() || $0.aliases.contains(h) }) else {
                problems.append(RosterProblem(file: table.file, line: field.line, column: field.column,
                                              message: "unknown column \"\(h)\"; the columns are \(columns.map(\.name).joined(separator: ", ")) (docs/ROSTER.md)"))
                continue
            }
            if index[col.name] != nil {
                problems.append(RosterProblem(file: table.file, line: field.line, column: field.column, message: "column \(col.name) appears twice"))
            }
            index[col.name] = i
        }
        let missing = columns.filter { $0.required && index[$0.name] == nil }.map(\.name)
        if !missing.isEmpty {
            problems.append(RosterProblem(file: table.file, line: table.header.line, column: 1,
                                          message: "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))"))
            return []
        }
        let width = table.header.fields.count
        var out: [Row] = []
        for r in table.rows {
            if r.fields.count != width {
                let at = r.fields.count > width ? r.fields[width] : r.fields.last!
                problems.append(RosterProblem(file: table.file, line: at.line, column: at.column,
                                              message: "this row has \(r.fields.count) fields but the header has \(width); quote any field that contains a comma"))
                continue
            }
            var cells: [String: CSVField] = [:]
            for (name, i) in index { cells[name] = r.fields[i] }
            out.append(Row(file: table.file, line: r.line, cells: cells, fallbackColumn: 1))
        }
        return out
    }

    mutating func problem(_ row: Row, _ column: String, _ message: String) {
        let at = row.place(column)
        problems.append(RosterProblem(file: row.file, line: at.line, column: at.column, field: column, message: message))
    }

    /// A data-quality problem: the row is imported without the bad value.
    mutating func warn(_ row: Row, _ column: String, _ code: String, _ message: String) {
        let at = row.place(column)
        warnings.append(RosterProblem(file: row.file, line: at.line, column: at.column, field: column, severity: .warning, code: code, message: message))
    }

    /// A required cell, checked as an identifier when `id` is set.
    mutating func required(_ row: Row, _ column: String, id: Bool = false) -> String? {
        let v = row.value(column)
        if v.isEmpty { problem(row, column, "is empty"); return nil }
        if id, !RosterParser.isValidID(v) {
            problem(row, column, "\"\(v)\" is not a valid id: use 1–32 letters, digits, '-' or '_'")
            return nil
        }
        return v
    }

    public static func isValidID(_ s: String) -> Bool {
        guard (1...32).contains(s.count), let first = s.unicodeScalars.first, first.properties.isASCIIHexDigit || CharacterSet.letters.contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }

    /// Chinese mobile (optionally +86) or a landline such as 0888-5123456;
    /// returns the number as stored, or nil.
    /// Numbers as people write them (issue 13): full-width digits
    /// (１３８…), `+86 138…`, `0086…`, `86-138…`, `(0888)5123456`,
    /// `0888 5123456`, `0888-5123456`. Stored in one form per kind: a mobile
    /// as its 11 digits, a landline as `AREA-LOCAL` (a 3-digit area code for
    /// 010 and 02x, else 4), so that equal numbers compare equal.
    public static func normalizePhone(_ raw: String) -> String? {
        var ascii = ""
        for u in raw.unicodeScalars {
            switch u.value {
            case 0xFF10...0xFF19: ascii.unicodeScalars.append(Unicode.Scalar(u.value - 0xFF10 + 0x30)!)  // full-width digits
            case 0xFF0B: ascii += "+"
            case 0x20, 0xA0, 0x3000, 0x2D, 0xFF0D, 0x2010...0x2015, 0x28, 0x29, 0xFF08, 0xFF09, 0x2E: continue  // spaces, dashes, brackets, dots
            default: ascii.unicodeScalars.append(u)
            }
        }
        var digits = ascii
        var international = false
        if digits.hasPrefix("+") { digits.removeFirst(); international = true } else if digits.hasPrefix("00") { digits.removeFirst(2); international = true }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func isMobile(_ d: String) -> Bool {
            d.count == 11 && d.hasPrefix("1") && "3456789".contains(d[d.index(after: d.startIndex)])
        }
        if international || (digits.hasPrefix("86") && isMobile(String(digits.dropFirst(2)))) {
            guard digits.hasPrefix("86") else { return nil }  // only Chinese numbers
            digits.removeFirst(2)
            if !digits.hasPrefix("0") && !digits.hasPrefix("1") { digits = "0" + digits }  // +86 888 5123456: the trunk 0 is left out
        }
        if isMobile(digits) { return digits }
        guard digits.hasPrefix("0"), (10...12).contains(digits.count) else { return nil }
        let area = digits.hasPrefix("01") || digits.hasPrefix("02") ? 3 : 4
        return String(digits.prefix(area)) + "-" + String(digits.dropFirst(area))
    }

    mutating func phone(_ row: Row, _ column: String) -> String {
        let v = row.value(column)
        if v.isEmpty { return "" }
        guard let p = RosterParser.normalizePhone(v) else {
            warn(row, column, "invalid_phone", "\"\(v)\" is not a phone number (a mobile such as 13812345678 or a landline such as 0888-5123456); imported without it")
            return ""
        }
        return p
    }

    // MARK: records

    mutating func staffRecord(_ row: Row) -> Staff? {
        let id = required(row, "staff_id", id: true)
        let name = required(row, "name")
        let roleText = row.value("role")
        let role = StaffRole(text: roleText)
        if role == nil {
            problem(row, "role", "\"\(roleText)\" is not a role; use one of \(StaffRole.usageList)")
        }
        let account = row.value("unix_user")
        if !account.isEmpty, account.range(of: "^[a-z_][a-z0-9_-]{0,31}$", options: .regularExpression) == nil {
            problem(row, "unix_user", "\"\(account)\" is not a Unix login name")
        }
        if account == "root" { problem(row, "unix_user", "root is always the administrator; leave unix_user empty or name a personal account") }
        let phone = phone(row, "phone")
        guard let id, let name, let role else { return nil }
        return Staff(id: id, name: name, role: role, college: row.value("college"), unixUser: account, phone: phone)
    }

    mutating func student(_ row: Row) -> Student? {
        let id = required(row, "student_id", id: true)
        let name = required(row, "name")
        let college = required(row, "college")
        let className = required(row, "class")
        let counselor = required(row, "counselor_id", id: true)
        let tierText = row.value("tier")
        var tier = Tier.general
        if !tierText.isEmpty {
            if let t = Tier(text: tierText) { tier = t } else {
                problem(row, "tier", "\"\(tierText)\" is not a tier; use special, key or general (特殊, 重点, 一般)")
            }
        }
        let birth = row.value("birth_date")
        if !birth.isEmpty, SchoolCalendar().parse(birth) == nil || birth.count != 10 {
            problem(row, "birth_date", "\"\(birth)\" is not a date; write it as 2006-09-01")
        }
        let phone = phone(row, "phone")
        guard let id, let name, let college, let className, let counselor else { return nil }
        return Student(id: id, name: name, gender: row.value("gender"), college: college, major: row.value("major"),
                       className: className, counselorID: counselor, tier: tier, phone: phone, birthDate: birth)
    }

    mutating func guardian(_ row: Row) -> Guardian? {
        let id = required(row, "guardian_id", id: true)
        let student = required(row, "student_id", id: true)
        let name = required(row, "name")
        let relation = required(row, "relation")
        var g = Guardian(id: id ?? "", studentID: student ?? "", name: name ?? "", relation: relation ?? "",
                         phone: phone(row, "phone"), wechat: row.value("wechat"), qq: row.value("qq"),
                         address: row.value("address"), phone2: phone(row, "phone2"))
        if !g.qq.isEmpty, !(g.qq.allSatisfy(\.isASCII) && g.qq.allSatisfy(\.isNumber)) {
            warn(row, "qq", "invalid_qq", "\"\(g.qq)\" is not a QQ number; imported without it")
            g.qq = ""
        }
        let reachable = ContactChannel.allCases.filter { $0 != .visit && g.address(for: $0) != nil }
        if reachable.isEmpty {
            warn(row, "phone", "no_valid_channel", "the guardian has no usable phone, WeChat, QQ or address; the policy needs a way to reach them at once (P2.1.1): the counselor should find one")
        }
        let prefText = row.value("preference")
        if prefText.isEmpty {
            g.preference = reachable
        } else {
            for token in prefText.split(whereSeparator: { ">,;|、 ".contains($0) }).map(String.init) {
                guard let c = ContactChannel(text: token) else {
                    warn(row, "preference", "unusable_preference", "\"\(token)\" is not a channel; use \(ContactChannel.usageList) in order of preference, e.g. wechat>phone; left out")
                    continue
                }
                if c == .sms, g.phoneKind == .landline {
                    warn(row, "preference", "unusable_preference", "prefers sms but \(g.phone) is a landline: an SMS would reach nobody; left out (list phone instead)")
                } else if g.address(for: c) == nil {
                    warn(row, "preference", "unusable_preference", "prefers \(c.rawValue) but has no \(c == .letter || c == .visit ? "address" : c == .sms ? "phone" : c.rawValue) in this row")
                } else if !g.preference.contains(c) {
                    g.preference.append(c)
                }
            }
        }
        guard id != nil, student != nil, name != nil, relation != nil else { return nil }
        return g
    }

    mutating func checkUnique(_ rows: [Row], _ ids: [String], what: String, skipEmpty: Bool = false) {
        // Rows that failed to parse are absent from `ids`; match by value instead.
        let column = what == "unix_user" ? "unix_user" : what == "staff id" ? "staff_id" : what == "student id" ? "student_id" : "guardian_id"
        var first: [String: Row] = [:]
        let ids = Set(ids)
        for row in rows {
            let v = row.value(column)
            if v.isEmpty && skipEmpty { continue }
            guard ids.contains(v) else { continue }
            if let earlier = first[v] {
                problem(row, column, "duplicate \(what) \(v); line \(earlier.line) has it too")
            } else {
                first[v] = row
            }
        }
    }
}
