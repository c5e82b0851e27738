/// A CSV file read into rows, each field with the line and column where it
/// starts, so that every later complaint can say file:line:column.
public struct CSVTable: Sendable, Equatable {
    public var file: String
    public var header: CSVRow
    public var rows: [CSVRow]
}

public struct CSVRow: Sendable, Equatable {
    /// 1-based line of the row's first character.
    public var line: Int
    public var fields: [CSVField]

    public var values: [String] { fields.map(\.value) }
}

public struct CSVField: Sendable, Equatable {
    public var value: String
    /// 1-based line and column (in Unicode scalars) where the field starts.
    public var line: Int
    public var column: Int
}

/// RFC 4180 CSV, as student information systems export it: comma separated,
/// fields optionally in double quotes with `""` for a quote, quoted fields
/// may span lines, CRLF, LF or CR line ends, blank lines ignored. A byte
/// order mark must already be gone (see `TextDecoding`).
public enum CSVReader {
    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var rows: [CSVRow] = []
        var fields: [CSVField] = []
        var value = String.UnicodeScalarView()
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1, rowLine = 1
        var inQuotes = false, wasQuoted = false, atFieldStart = true
        var quoteLine = 0, quoteColumn = 0
        var wasQuotedRow = false

        func fail(_ l: Int, _ c: Int, _ message: String) -> LiaisonError {
            LiaisonError.invalid("\(file):\(l):\(c): \(message)", details: [])
        }
        func endField() {
            fields.append(CSVField(value: String(value), line: fieldLine, column: fieldColumn))
            value = String.UnicodeScalarView()
            wasQuoted = false
            atFieldStart = true
        }
        func endRow() {
            // A line with nothing on it is not a row.
            if !(fields.count == 1 && fields[0].value.isEmpty && !wasQuotedRow) { rows.append(CSVRow(line: rowLine, fields: fields)) }
            fields = []
        }

        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if atFieldStart {
                fieldLine = line; fieldColumn = column
                if fields.isEmpty { rowLine = line; wasQuotedRow = false }
                atFieldStart = false
                if s == "\"" {
                    inQuotes = true; wasQuoted = true; wasQuotedRow = true
                    quoteLine = line; quoteColumn = column
                    i += 1; column += 1
                    continue
                }
            }
            if inQuotes {
                if s == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        value.append("\""); i += 2; column += 2
                        continue
                    }
                    inQuotes = false
                    i += 1; column += 1
                    if i < scalars.count, !(scalars[i] == "," || scalars[i] == "\n" || scalars[i] == "\r") {
                        throw fail(line, column, "unexpected \(describe(scalars[i])) after the closing quote of a field; a quoted field must end at a comma or the end of the line")
                    }
                    continue
                }
                value.append(s)
                if s == "\n" || (s == "\r" && !(i + 1 < scalars.count && scalars[i + 1] == "\n")) {
                    line += 1; column = 1
                } else if s != "\r" {
                    column += 1
                }
                i += 1
                continue
            }
            switch s {
            case ",":
                endField()
                atFieldStart = true
                i += 1; column += 1
            case "\r", "\n":
                endField()
                endRow()
                if s == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                i += 1; line += 1; column = 1
            case "\"":
                throw fail(line, column, "a quote inside an unquoted field; put the whole field in quotes and write the quote twice (\"\")")
            default:
                value.append(s)
                i += 1; column += 1
            }
        }
        if inQuotes {
            throw fail(quoteLine, quoteColumn, "this quoted field is never closed; add the closing quote")
        }
        if !atFieldStart || !fields.isEmpty || !value.isEmpty || wasQuoted {
            endField()
            endRow()
        }
        guard let header = rows.first else {
            throw LiaisonError.invalid("\(file): the file is empty; it needs a header row and one row per record")
        }
        return CSVTable(file: file, header: header, rows: Array(rows.dropFirst()))
    }

    static func describe(_ s: Unicode.Scalar) -> String {
        s.properties.isWhitespace ? "space" : "'\(s)'"
    }
}
