import Foundation

/// staff.csv, classes.csv, students.csv and records.csv (docs/ROSTER.md).
extension RosterParser {
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
        if id == "root" { problem(row, "staff_id", "root is the Unix superuser's id in the event and audit logs; give this person another id") }
        if account == "root" { problem(row, "unix_user", "root is always the administrator; leave unix_user empty or name a personal account") }
        let phone = phone(row, "phone")
        guard let id, let name, let role else { return nil }
        return Staff(id: id, name: name, role: role, college: row.value("college"), unixUser: account, phone: phone)
    }

    /// The classes of classes.csv, and every class known (these and those held).
    struct Classes {
        var incoming: [ClassRecord] = []
        var known: [String: ClassRecord] = [:]
    }

    mutating func classes(_ table: CSVTable?, staff: [String: Staff]) -> Classes {
        var out = Classes()
        for c in existing.classes { out.known[c.name] = c }
        guard let table else { return out }
        let rows = rows(table, RosterColumns.classes)
        for row in rows {
            let name = required(row, "class")
            let college = required(row, "college")
            let counselor = required(row, "counselor_id", id: true)
            let teacher = row.value("teacher_id")
            for (column, id) in [("counselor_id", counselor ?? ""), ("teacher_id", teacher)] where !id.isEmpty && staff[id] == nil {
                problem(row, column, "no staff member \(id); add them to staff.csv")
            }
            let grade = row.value("grade")
            if !grade.isEmpty, !(grade.count == 4 && grade.allSatisfy { $0.isASCII && $0.isNumber }) {
                problem(row, "grade", "\"\(grade)\" is not a year of entry; write it as 2023")
            }
            guard let name, let college, let counselor else { continue }
            let c = ClassRecord(name: name, college: college, major: row.value("major"), grade: grade, counselorID: counselor, teacherID: teacher)
            out.incoming.append(c)
        }
        checkUnique(rows, out.incoming.map(\.name), column: "class", what: "class")
        for c in out.incoming { out.known[c.name] = c }
        return out
    }

    mutating func students(_ table: CSVTable?, staff: [String: Staff], classes: Classes) -> [Student] {
        guard let table else { return [] }
        let rows = rows(table, RosterColumns.students)
        let pairs = rows.compactMap { row in student(row, staff: staff, classes: classes).map { (row, $0) } }
        checkUnique(rows, pairs.map(\.1.id), column: "student_id", what: "student id")
        return pairs.map(\.1)
    }

    /// A student; an empty counselor_id is the class's counselor (classes.csv).
    mutating func student(_ row: Row, staff: [String: Staff], classes: Classes) -> Student? {
        let id = required(row, "student_id", id: true)
        let name = required(row, "name")
        let college = required(row, "college")
        let className = required(row, "class")
        var counselor: String? = row.value("counselor_id")
        let known = className.flatMap { classes.known[$0] }
        if counselor!.isEmpty {
            if let known { counselor = known.counselorID } else {
                problem(row, "counselor_id", "is empty and class \(className ?? "") is not in classes.csv; give the counselor's staff id here or list the class with its counselor in classes.csv")
                counselor = nil
            }
        } else if !RosterParser.isValidID(counselor!) {
            problem(row, "counselor_id", "\"\(counselor!)\" is not a valid id: use 1–32 letters, digits, '-' or '_'")
            counselor = nil
        } else if staff[counselor!] == nil {
            problem(row, "counselor_id", "no staff member \(counselor!); add them to staff.csv")
        }
        if let className, known == nil, !classes.known.isEmpty {
            warn(row, "class", "unknown_class", "class \(className) is not in classes.csv: nobody but the counselor named here answers for it; add the class")
        }
        let tierText = row.value("tier")
        var tier = Tier.general
        if !tierText.isEmpty {
            if let t = Tier(text: tierText) { tier = t } else {
                problem(row, "tier", "\"\(tierText)\" is not a tier; use special, key or general (特殊, 重点, 一般)")
            }
        }
        if let id, let set = liaisonTiers[id], let held = Tier(rawValue: set.level), held != tier, !tierText.isEmpty || held != .general {
            // Kept unless records.csv brings a later tier (checked once it is read: `settleKeptTiers`).
            keptTiers[id] = (tier, row)
            tier = held
        }
        let birth = date(row, "birth_date", required: false)
        let phone = phone(row, "phone")
        guard let id, let name, let college, let className, let counselor, let birth else { return nil }
        return Student(id: id, name: name, gender: row.value("gender"), college: college, major: row.value("major"),
                       className: className, counselorID: counselor, tier: tier, phone: phone, birthDate: birth)
    }

    /// records.csv: awards, sanctions, status changes and tiers, each once.
    mutating func records(_ table: CSVTable?, students incoming: [Student]) -> [StudentRecord] {
        guard let table else { return [] }
        var tiers = Dictionary(existing.students.map { ($0.id, $0.tier) }, uniquingKeysWith: { a, _ in a })
        for s in incoming { tiers[s.id] = s.tier }
        var out: [StudentRecord] = []
        var seen: [String: Int] = [:]
        var latestTier: [String: (StudentRecord, Row)] = [:]
        for row in rows(table, RosterColumns.records) {
            let student = required(row, "student_id", id: true)
            if let student, tiers[student] == nil { problem(row, "student_id", "no student \(student); add them to students.csv") }
            let kindText = row.value("kind")
            let kind = RecordKind.named(kindText)
            if kind == nil {
                problem(row, "kind", kindText.isEmpty ? "is empty; use \(RecordKind.usageList) (奖励, 处分, 学籍异动, 关注等级)"
                                                      : "\"\(kindText)\" is not a kind of record; use \(RecordKind.usageList) (奖励, 处分, 学籍异动, 关注等级)")
            }
            let title = row.value("title")
            if let kind, kind == .award || kind == .sanction, title.isEmpty {
                problem(row, "title", "is empty; name the \(kind == .award ? "award (e.g. 国家奖学金)" : "sanction's cause (e.g. 考试作弊)")")
            }
            let levelText = row.value("level")
            var level: String?
            if let kind {
                level = StudentRecord.level(levelText, of: kind)
                if level == nil {
                    problem(row, "level", "\"\(levelText)\" is not a level of \(kind.rawValue); use one of \(StudentRecord.levels(of: kind))")
                }
            }
            let date = date(row, "date", required: true)
            guard let student, let kind, let level, let date else { continue }
            let r = StudentRecord(studentID: student, kind: kind, title: title, level: level, date: date,
                                  reasons: row.value("reasons"), document: row.value("document"))
            if let earlier = seen[r.key] {
                problem(row, "student_id", "duplicate record \(r.key); line \(earlier) has it too")
                continue
            }
            seen[r.key] = row.line
            out.append(r)
            if kind == .tier, (latestTier[student]?.0.date ?? "") <= date { latestTier[student] = (r, row) }
        }
        for (student, (r, row)) in latestTier.sorted(by: { $0.key < $1.key }) where tiers[student].map({ $0.rawValue != r.level }) == true {
            warn(row, "level", "tier_mismatch", "the latest tier of \(student) here is \(r.level) but the student's tier is \(tiers[student]!.rawValue); the student's tier (students.csv) is kept: correct one of them")
        }
        return out
    }
}
