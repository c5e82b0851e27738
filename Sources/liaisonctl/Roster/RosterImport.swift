import ArgumentParser
import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RosterImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Upsert the roster from the student information system's CSV exports.",
        discussion: """
            Errors (ids, references, required fields, duplicates) refuse the whole import; warnings (a number that is not one, \
            a guardian with no usable route: no_valid_channel) import the row without the bad value. Every problem is listed, \
            each with file:line:column; --report FILE writes them as CSV for a spreadsheet. Columns: docs/ROSTER.md.
            """)

    @Argument(help: "students.csv guardians.csv staff.csv, in that order; or one directory holding any of the five files (as `roster export` writes them).")
    var files: [String]
    @Option(help: "classes.csv: each class's college, counselor and class teacher.") var classes: String?
    @Option(help: "records.csv: awards, sanctions, status changes and tiers.") var records: String?
    @Flag(help: "Show what would change (added, changed, unchanged, absent from the source) and change nothing.")
    var dryRun = false
    @Option(help: "Write every error and warning to this CSV file (file, line, column, field, severity, code, message).")
    var report: String?
    @OptionGroup var global: GlobalOptions

    /// The five files, in the order a directory is read and the export writes them.
    static let fileNames = ["students.csv", "guardians.csv", "staff.csv", "classes.csv", "records.csv"]

    /// The path of each of the five files, nil for those not given.
    func paths() throws -> [String?] {
        var isDirectory: ObjCBool = false
        if files.count == 1, FileManager.default.fileExists(atPath: files[0], isDirectory: &isDirectory), isDirectory.boolValue {
            let found = Self.fileNames.map { name -> String? in
                let path = URL(fileURLWithPath: files[0]).appendingPathComponent(name).path
                return FileManager.default.fileExists(atPath: path) ? path : nil
            }
            guard found.contains(where: { $0 != nil }) else {
                throw LiaisonError.invalid("\(files[0]) holds none of \(Self.fileNames.joined(separator: ", ")); name the files or give the directory `roster export` wrote")
            }
            return [found[0], found[1], found[2], classes ?? found[3], records ?? found[4]]
        }
        guard files.count == 3 else {
            throw LiaisonError(.invalidParams, "give students.csv guardians.csv staff.csv (in that order) or one directory; got \(files.count) path\(files.count == 1 ? "" : "s")")
        }
        return files + [classes, records]
    }

    func run() throws {
        let paths = try paths()
        // The report's place is checked before the daemon is asked: an import
        // that went through must not end in "cannot write the report".
        if let report, !FileManager.default.createFile(atPath: report, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw LiaisonError.invalid("cannot write the report to \(report) (\(String(cString: strerror(errno)))); give a path you can write to. Nothing was imported")
        }
        try global.session { client, _ in
            let ids = try paths.map { try $0.map { try client.upload(path: $0) } }
            let params = RosterImportParams(students: ids[0], guardians: ids[1], staff: ids[2], classes: ids[3], records: ids[4], dryRun: dryRun)
            let result: RosterImportResult
            do {
                result = try client.call(Method.rosterImport, params, as: RosterImportResult.self)
            } catch let e as LiaisonError where e.code == .invalidInput || e.code == .invalidParams {
                try writeReport(e.details.compactMap(RosterProblem.init(parsing:)))
                throw e
            }
            try writeReport(result.warnings)
            try global.emit(result) { render(result) }
        }
    }

    /// The problems as CSV, for the office to fix in a spreadsheet (an empty report says there were none).
    func writeReport(_ problems: [RosterProblem]) throws {
        guard let report else { return }
        do {
            // (Into the file made above, readable by its owner alone: the messages quote the values.)
            try Data(RosterProblem.csv(problems).utf8).write(to: URL(fileURLWithPath: report))
        } catch {
            throw LiaisonError.invalid("cannot write the report to \(report): \(error.localizedDescription); give a writable path")
        }
    }

    func render(_ r: RosterImportResult) -> String {
        var t = TextTable(["", "added", "changed", "unchanged", "absent from source"])
        let kinds = r.diff.kinds
        for (name, d) in kinds { t.add([name, "\(d.added.count)", "\(d.changed.count)", "\(d.unchanged)", "\(d.removedFromSource.count)"]) }
        var out = [t.render(), ""]
        for (name, d) in kinds {
            for c in d.changed.prefix(20) {
                out.append("~ \(name) \(c.id): " + c.fields.map { f in
                    // Numbers as people write them (stored in E.164).
                    let shown = f.field.hasPrefix("phone") ? (PhoneNumber.display(f.old), PhoneNumber.display(f.new)) : (f.old, f.new)
                    return "\(f.field) \"\(shown.0)\" → \"\(shown.1)\""
                }.joined(separator: ", "))
            }
            if d.changed.count > 20 { out.append("~ \(name): … and \(d.changed.count - 20) more changed (--json lists all)") }
            if !d.removedFromSource.isEmpty {
                out.append("? \(name) held but absent from the source (kept): " + d.removedFromSource.prefix(10).joined(separator: ", ")
                           + (d.removedFromSource.count > 10 ? " … (\(d.removedFromSource.count) in all)" : ""))
            }
        }
        if !r.warnings.isEmpty {
            out.append("\(r.warnings.count) warning\(r.warnings.count == 1 ? "" : "s") (imported without the bad values; fix them at the source):")
            out += r.warnings.map { "  \($0)" }
            for (code, what) in [("unknown_class", "student is in a class that classes.csv does not list"), ("tier_mismatch", "student's tier differs from their latest tier record")] {
                let n = r.warnings.filter { $0.code == code }.count
                if n > 0 { out.append("\(n) \(what) (\(code))") }
            }
            let unreachable = r.warnings.filter { $0.code == "no_valid_channel" }.count
            if unreachable > 0 { out.append("\(unreachable) guardian\(unreachable == 1 ? " has" : "s have") no usable route (no_valid_channel): their counselors should find one") }
        }
        out.append(r.dryRun ? "dry run: nothing was changed" : r.events == 0 ? "nothing to change: the roster already matches" : "imported: \(r.events) events recorded")
        return out.joined(separator: "\n")
    }
}
