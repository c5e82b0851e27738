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
    /// Tiers set in Liaison that are each student's latest (issue 16.2):
    /// students.csv does not undo them.
    let liaisonTiers: [String: StudentRecord]
    /// The students whose Liaison tier was kept over students.csv's: the
    /// file's tier and the row, undone if records.csv brings a later tier.
    var keptTiers: [String: (tier: Tier, row: Row)] = [:]

    public init(existing: Roster = Roster()) {
        self.existing = existing
        liaisonTiers = TierChange.setInLiaison(existing.records)
    }

    /// Parses and checks; throws `invalid_input` listing every problem, the
    /// warnings too, when there is an error; else the roster and its warnings.
    /// The roster holds what the files hold, merged with what is held where
    /// a file says less (a guardian's other students stay theirs).
    public static func parse(_ files: RosterFiles, existing: Roster) throws -> (roster: Roster, warnings: [RosterProblem]) {
        var p = RosterParser(existing: existing)
        // Each record paired with its row, so later checks can name its place.
        let staffRows = files.staff.map { p.rows($0, RosterColumns.staff) } ?? []
        let staffPairs = staffRows.compactMap { row in p.staffRecord(row).map { (row, $0) } }
        let newStaff = staffPairs.map(\.1)
        p.checkUnique(staffRows, newStaff.map(\.id), column: "staff_id", what: "staff id")
        p.checkUnique(staffRows, newStaff.map(\.unixUser), column: "unix_user", what: "unix_user", skipEmpty: true)
        var staffByID = Dictionary(existing.staff.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for s in newStaff { staffByID[s.id] = s }

        let classes = p.classes(files.classes, staff: staffByID)
        var students = p.students(files.students, staff: staffByID, classes: classes)
        var studentIDs = Set(existing.students.map(\.id))
        studentIDs.formUnion(students.map(\.id))
        let (guardians, households) = p.guardians(files.guardians, students: studentIDs)
        let records = p.records(files.records, students: students)
        p.settleKeptTiers(&students, records: records)

        p.warnings = RosterProblem.inFileOrder(p.warnings)
        p.problems = RosterProblem.inFileOrder(p.problems)
        if !p.problems.isEmpty {
            // Every one of them, errors first: the office fixes them in one pass (`--report FILE` writes them as CSV).
            let warned = p.warnings.isEmpty ? "" : " and \(p.warnings.count) warning\(p.warnings.count == 1 ? "" : "s")"
            throw LiaisonError.invalid(
                "the roster has \(p.problems.count) error\(p.problems.count == 1 ? "" : "s")\(warned); nothing was imported. Fix the errors and import again:",
                details: (p.problems + p.warnings).map(\.description))
        }
        return (Roster(students: students, guardians: guardians, households: households, staff: newStaff,
                       classes: classes.incoming, records: records), p.warnings)
    }

    /// A tier set in Liaison stands over students.csv's (warning
    /// `tier_kept`) unless records.csv brings a tier record as late as it:
    /// then students.csv's tier applies.
    mutating func settleKeptTiers(_ students: inout [Student], records: [StudentRecord]) {
        guard !keptTiers.isEmpty else { return }
        let superseded = Set(records.filter { r in
            r.kind == .tier && r.document != TierChange.source && keptTiers[r.studentID] != nil && r.date >= liaisonTiers[r.studentID]!.date
        }.map(\.studentID))
        for (i, s) in students.enumerated() {
            guard let kept = keptTiers[s.id] else { continue }
            if superseded.contains(s.id) { students[i].tier = kept.tier; continue }
            let set = liaisonTiers[s.id]!
            warn(kept.row, "tier", "tier_kept", "\(s.id)'s tier was set in Liaison on \(set.date) (\(s.tier.rawValue) \(s.tier.chineseName)); this file says \(kept.tier.rawValue): the tier set in Liaison is kept (change it with `liaisonctl student tier \(s.id) --set`)")
        }
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
            var hostile = false
            for (name, i) in index {
                cells[name] = r.fields[i]
                if let why = Self.refusal(r.fields[i].value, column: name) {
                    problems.append(RosterProblem(file: table.file, line: r.fields[i].line, column: r.fields[i].column, field: name, message: why))
                    hostile = true
                }
            }
            // A row with a hostile cell goes no further: nothing of it is read.
            if !hostile { out.append(Row(file: table.file, line: r.line, cells: cells, fallbackColumn: 1)) }
        }
        return out
    }

    /// The longest value each column may hold, in characters (issue 14.7,
    /// docs/ROSTER.md); 100 for the rest.
    public static let maxLength: [String: Int] = [
        "name": 64, "relation": 16, "gender": 8, "college": 64, "major": 64, "class": 64, "role": 16, "tier": 16,
        "phone": 32, "phone2": 32, "wechat": 64, "qq": 16, "preference": 64, "unix_user": 32, "birth_date": 10,
        "address": 300, "title": 100, "level": 32, "kind": 16, "date": 10, "reasons": 300, "document": 64, "grade": 4,
    ]
    /// Columns whose values may hold line breaks.
    static let multiline: Set<String> = ["address", "reasons"]

    /// Why a cell cannot be taken as it is, or nil: a control character
    /// (NUL among them: stored, it would cut the name short wherever C reads
    /// it), a character that reorders text on screen, or a value past its
    /// column's length.
    static func refusal(_ value: String, column: String) -> String? {
        for (i, u) in value.unicodeScalars.enumerated() {
            let v = u.value
            let lineBreak = v == 0x0A || v == 0x0D
            if (v < 0x20 && v != 0x09 && !(lineBreak && multiline.contains(column))) || (0x7F...0x9F).contains(v) {
                return "holds the control character U+\(String(format: "%04X", v)) at character \(i + 1)\(lineBreak ? " (a line break, which only an address may hold)" : ""); remove it and export again"
            }
            if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                return "holds U+\(String(format: "%04X", v)), which reorders how text is shown, at character \(i + 1); remove it"
            }
        }
        let limit = maxLength[column] ?? 100
        if value.count > limit { return "is \(value.count) characters long; \(column) holds at most \(limit) (docs/ROSTER.md)" }
        return nil
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

    mutating func phone(_ row: Row, _ column: String) -> String {
        let v = row.value(column)
        if v.isEmpty { return "" }
        guard let p = PhoneNumber(v)?.e164 else {
            warn(row, column, "invalid_phone", "\"\(v)\" is not a phone number (a mobile such as 13812345678 or a landline such as 0888-5123456); imported without it")
            return ""
        }
        return p
    }

    /// Each value of `column` once in the file; rows that failed to parse
    /// are absent from `ids`, so they are matched by value.
    mutating func checkUnique(_ rows: [Row], _ ids: [String], column: String, what: String, skipEmpty: Bool = false) {
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

    /// A date cell (yyyy-MM-dd), or nil with an error.
    mutating func date(_ row: Row, _ column: String, required: Bool) -> String? {
        let v = row.value(column)
        if v.isEmpty {
            if required { problem(row, column, "is empty; write the date as 2026-09-01") }
            return required ? nil : ""
        }
        guard v.count == 10, SchoolCalendar().parse(v) != nil else {
            problem(row, column, "\"\(v)\" is not a date; write it as 2026-09-01")
            return nil
        }
        return v
    }
}

/// The roster files of one import; each may be absent (left as held).
public struct RosterFiles: Sendable {
    public var students: CSVTable?
    public var guardians: CSVTable?
    public var staff: CSVTable?
    public var classes: CSVTable?
    public var records: CSVTable?

    public init(students: CSVTable? = nil, guardians: CSVTable? = nil, staff: CSVTable? = nil, classes: CSVTable? = nil, records: CSVTable? = nil) {
        self.students = students; self.guardians = guardians; self.staff = staff; self.classes = classes; self.records = records
    }

    public var isEmpty: Bool { students == nil && guardians == nil && staff == nil && classes == nil && records == nil }
}
