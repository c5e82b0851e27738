import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RosterImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Upsert the roster from the student information system's CSV exports.",
        discussion: "All or nothing: any bad row is reported with file:line:column and nothing is imported. Columns: docs/ROSTER.md.")

    @Argument(help: "students.csv") var students: String
    @Argument(help: "guardians.csv") var guardians: String
    @Argument(help: "staff.csv") var staff: String
    @Flag(help: "Show what would change (added, changed, unchanged, absent from the source) and change nothing.")
    var dryRun = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session { client, _ in
            let params = RosterImportParams(students: try client.upload(path: students), guardians: try client.upload(path: guardians),
                                            staff: try client.upload(path: staff), dryRun: dryRun)
            let result = try client.call(Method.rosterImport, params, as: RosterImportResult.self)
            try global.emit(result) { render(result) }
        }
    }

    func render(_ r: RosterImportResult) -> String {
        var t = TextTable(["", "added", "changed", "unchanged", "absent from source"])
        let kinds = [("students", r.diff.students), ("guardians", r.diff.guardians), ("staff", r.diff.staff)]
        for (name, d) in kinds { t.add([name, "\(d.added.count)", "\(d.changed.count)", "\(d.unchanged)", "\(d.removedFromSource.count)"]) }
        var out = [t.render(), ""]
        for (name, d) in kinds {
            for c in d.changed.prefix(20) {
                out.append("~ \(name) \(c.id): " + c.fields.map { "\($0.field) \"\($0.old)\" → \"\($0.new)\"" }.joined(separator: ", "))
            }
            if d.changed.count > 20 { out.append("~ \(name): … and \(d.changed.count - 20) more changed (--json lists all)") }
            if !d.removedFromSource.isEmpty {
                out.append("? \(name) held but absent from the source (kept): " + d.removedFromSource.prefix(10).joined(separator: ", ")
                           + (d.removedFromSource.count > 10 ? " … (\(d.removedFromSource.count) in all)" : ""))
            }
        }
        out.append(r.dryRun ? "dry run: nothing was changed" : r.events == 0 ? "nothing to change: the roster already matches" : "imported: \(r.events) events recorded")
        return out.joined(separator: "\n")
    }
}
