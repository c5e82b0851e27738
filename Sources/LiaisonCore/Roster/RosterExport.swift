/// The roster written back as the three files `roster import` reads (issue
/// 13, P2.1.1): the same columns, so export → import changes nothing. A cell
/// a spreadsheet would run as a formula (one starting with = + - @) is
/// written with a leading ', which the import takes off again.
public enum RosterExport {
    public static func students(_ list: [Student]) -> String {
        table(["student_id", "name", "gender", "college", "major", "class", "counselor_id", "tier", "phone", "birth_date"],
              list.sorted { $0.id < $1.id }.map { [$0.id, $0.name, $0.gender, $0.college, $0.major, $0.className, $0.counselorID,
                                                  $0.tier.rawValue, $0.phone, $0.birthDate] })
    }

    public static func guardians(_ list: [Guardian]) -> String {
        table(["guardian_id", "student_id", "name", "relation", "phone", "phone2", "wechat", "qq", "address", "preference"],
              list.sorted { $0.id < $1.id }.map { [$0.id, $0.studentID, $0.name, $0.relation, $0.phone, $0.phone2, $0.wechat, $0.qq, $0.address,
                                                  $0.preference.map(\.rawValue).joined(separator: ">")] })
    }

    public static func staff(_ list: [Staff]) -> String {
        table(["staff_id", "name", "role", "college", "unix_user", "phone"],
              list.sorted { $0.id < $1.id }.map { [$0.id, $0.name, $0.role.rawValue, $0.college, $0.unixUser, $0.phone] })
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
