/// The roster written back as the five files `roster import` reads (issue
/// 13, P2.1.1): the same columns, so export → import changes nothing. A cell
/// a spreadsheet would run as a formula (one starting with = + - @) is
/// written with a leading ', which the import takes off again. Numbers are
/// written as people write them (13812345678, 0888-5123456), not in the
/// stored E.164, which a spreadsheet would take for a formula or a number.
public enum RosterExport {
    public static func students(_ list: [Student]) -> String {
        table(["student_id", "name", "gender", "college", "major", "class", "counselor_id", "tier", "phone", "birth_date"],
              list.sorted { $0.id < $1.id }.map { [$0.id, $0.name, $0.gender, $0.college, $0.major, $0.className, $0.counselorID,
                                                  $0.tier.rawValue, PhoneNumber.display($0.phone), $0.birthDate] })
    }

    /// One row per guardian per student; the household's address on each.
    public static func guardians(_ list: [RosterGuardian], households: [HouseholdRecord]) -> String {
        let addresses = Dictionary(households.map { ($0.id, $0.address) }, uniquingKeysWith: { a, _ in a })
        return table(["guardian_id", "student_id", "name", "relation", "phone", "phone2", "wechat", "qq", "address", "preference", "household_id"],
              list.sorted { $0.id < $1.id }.flatMap { g in
                  g.students.map { [g.id, $0.studentID, g.name, $0.relation, PhoneNumber.display(g.phone), PhoneNumber.display(g.phone2), g.wechat, g.qq, addresses[g.householdID] ?? "",
                                    g.preference.map(\.rawValue).joined(separator: ">"), g.householdID] }
              })
    }

    public static func classes(_ list: [ClassRecord]) -> String {
        table(["class", "college", "major", "grade", "counselor_id", "teacher_id"],
              list.sorted { $0.name < $1.name }.map { [$0.name, $0.college, $0.major, $0.grade, $0.counselorID, $0.teacherID] })
    }

    public static func records(_ list: [StudentRecord]) -> String {
        table(["student_id", "kind", "title", "level", "date", "reasons", "document"],
              list.sorted { ($0.studentID, $0.date, $0.key) < ($1.studentID, $1.date, $1.key) }
                  .map { [$0.studentID, $0.kind.rawValue, $0.title, $0.level, $0.date, $0.reasons, $0.document] })
    }

    public static func staff(_ list: [Staff]) -> String {
        table(["staff_id", "name", "role", "college", "unix_user", "phone"],
              list.sorted { $0.id < $1.id }.map { [$0.id, $0.name, $0.role.rawValue, $0.college, $0.unixUser, PhoneNumber.display($0.phone)] })
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "\u{FEFF}" + header.joined(separator: ",") + "\r\n"  // a BOM: Excel then reads it as UTF-8
        for r in rows { out += r.map(RosterProblem.csvCell).joined(separator: ",") + "\r\n" }
        return out
    }

    /// The value a cell held before the export guarded it against formula injection.
    public static func unguarded(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.dropFirst().first, "=+-@".contains(next) else { return cell }
        return String(cell.dropFirst())
    }
}
