import Foundation

/// One thing wrong with a roster file, where it is and how bad (issue 13):
/// an `error` (ids, references, required fields, duplicates: nothing is
/// imported) or a `warning` (data quality: the row is imported without the
/// bad value, and counselors fix it). Written as
/// `FILE:LINE:COLUMN: FIELD: MESSAGE`, a warning's message starting
/// `warning (CODE):`; `liaisonctl roster import --report` turns the same
/// text back into CSV rows for the office's spreadsheet.
public struct RosterProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable { case error, warning }

    public var file: String
    public var line: Int
    public var column: Int
    /// The column of the roster file, empty for a problem of the file or header.
    public var field: String
    public var severity: Severity
    /// For warnings: `invalid_phone`, `invalid_qq`, `unusable_preference`, `no_valid_channel`.
    public var code: String
    public var message: String

    public init(file: String, line: Int, column: Int, field: String = "", severity: Severity = .error, code: String = "", message: String) {
        self.file = file; self.line = line; self.column = column; self.field = field
        self.severity = severity; self.code = code; self.message = message
    }

    public var description: String {
        "\(file):\(line):\(column): " + (field.isEmpty ? "" : "\(field): ") + (severity == .warning ? "warning (\(code)): " : "") + message
    }

    /// Reads `description` back (for the CSV report of a refused import).
    public init?(parsing text: String) {
        // FILE:LINE:COLUMN: then the rest; the file name itself may not hold ": ".
        let parts = text.components(separatedBy: ": ")
        guard parts.count >= 2 else { return nil }
        let place = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        guard place.count >= 3, let line = Int(place[place.count - 2]), let column = Int(place[place.count - 1]) else { return nil }
        file = place.dropLast(2).joined(separator: ":")
        self.line = line; self.column = column
        var rest = Array(parts.dropFirst())
        field = ""
        if rest.count > 1, rest[0].range(of: #"^[a-z_0-9]+$"#, options: .regularExpression) != nil { field = rest.removeFirst() }
        severity = .error; code = ""
        if let first = rest.first, first.hasPrefix("warning ("), first.hasSuffix(")") {
            severity = .warning
            code = String(first.dropFirst("warning (".count).dropLast())
            rest.removeFirst()
        }
        message = rest.joined(separator: ": ")
    }

    /// By file (in the order the files first appear), then line and column.
    public static func inFileOrder(_ problems: [RosterProblem]) -> [RosterProblem] {
        var files: [String: Int] = [:]
        for p in problems where files[p.file] == nil { files[p.file] = files.count }
        return problems.enumerated().sorted { a, b in
            (files[a.element.file]!, a.element.line, a.element.column, a.offset) < (files[b.element.file]!, b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// The CSV the office opens in a spreadsheet: one row per problem.
    public static func csv(_ problems: [RosterProblem]) -> String {
        var out = "file,line,column,field,severity,code,message\r\n"
        for p in problems {
            out += [p.file, "\(p.line)", "\(p.column)", p.field, p.severity.rawValue, p.code, p.message].map(csvCell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// A cell quoted as RFC 4180 wants, and guarded against formula
    /// injection: a cell a spreadsheet would evaluate (= + - @) gets a '.
    static func csvCell(_ s: String) -> String {
        var v = s
        if let f = v.first, "=+-@".contains(f) { v = "'" + v }
        // (By scalar: "\r\n" is one Character, so a lone "\n" would slip past a Character test.)
        if v.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) { return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return v
    }
}
