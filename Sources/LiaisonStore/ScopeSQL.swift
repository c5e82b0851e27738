import GRDB
import LiaisonCore

/// A `Responsibility` as SQL (issue 14): lists are cut to what the caller
/// answers for in the query itself, so nothing out of scope is read, counted
/// or paged over.
extension Responsibility {
    /// A condition on the `students` table's own columns (`prefix` its alias with a dot, or empty).
    func studentCondition(_ prefix: String = "") -> (sql: String, arguments: StatementArguments) {
        switch self {
        case let .students(id, classes):
            let placeholders = Array(repeating: "?", count: classes.count).joined(separator: ", ")
            var sql = "(\(prefix)counselor_id = ?"
            if !classes.isEmpty { sql += " OR \(prefix)class_name IN (\(placeholders))" }
            return (sql + ")", StatementArguments([id.isEmpty ? "\u{0}" : id] + classes.sorted()))
        case let .college(c): return ("\(prefix)college = ?", [c])
        case .school: return ("1", [])
        case .nobody, .breakGlassOnly: return ("0", [])
        }
    }

    /// A condition on a column holding a student id.
    func studentIDCondition(_ column: String) -> (sql: String, arguments: StatementArguments) {
        if self == .school { return ("1", []) }
        let inner = studentCondition()
        return ("\(column) IN (SELECT id FROM students WHERE \(inner.sql))", inner.arguments)
    }

    /// A condition on a column holding a case id.
    func caseIDCondition(_ column: String) -> (sql: String, arguments: StatementArguments) {
        if self == .school { return ("1", []) }
        let inner = studentIDCondition("student_id")
        return ("\(column) IN (SELECT id FROM cases WHERE \(inner.sql))", inner.arguments)
    }
}
