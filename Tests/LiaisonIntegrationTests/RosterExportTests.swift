import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// `roster export DIR` writes the files `roster import` reads (issue 13.5):
/// importing them again changes nothing, formulas are defused both ways,
/// the files are the exporter's alone, and the export is in the log.
@Suite struct RosterExportTests {
    @Test func exportThenImportChangesNothing() throws {
        let d = try Daemon()
        try d.start()
        // A guardian whose name a spreadsheet would run as a formula.
        let files = [try d.write("s.csv", Fixtures.students),
                     try d.write("g.csv", Fixtures.guardians + "G7,2023010102,\"=HYPERLINK(\"\"http://x\"\")\",舅舅,+86 139 0000 0007,,,,\n"),
                     try d.write("t.csv", Fixtures.staff)]
        let imported = try d.ctl(["roster", "import"] + files)
        #expect(imported.status == 0, "\(imported.out)\(imported.err)")

        let out = d.dir.appendingPathComponent("export").path
        let o = try d.ctl("roster", "export", out, "--json")
        #expect(o.status == 0, "\(o.out)\(o.err)")
        guard o.status == 0 else { return }
        let counts = try JSONDecoder().decode([String: String].self, from: Data(o.out.utf8))
        #expect(counts["students"] == "320" && counts["directory"] == out, "\(counts)")
        for name in ["students.csv", "guardians.csv", "staff.csv", "classes.csv", "records.csv"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: "\(out)/\(name)")
            #expect((attrs[.posixPermissions] as? Int) == 0o600, "\(name) is personal data")
        }
        let guardians = try String(contentsOfFile: "\(out)/guardians.csv", encoding: .utf8)
        #expect(guardians.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "the formula is defused")

        // Importing the export changes nothing.
        // The directory, as export wrote it: all five files.
        let again = try d.json(RosterImportResult.self, "roster", "import", out, "--dry-run")
        for (name, diff) in again.diff.kinds {
            #expect(diff.added.isEmpty && diff.changed.isEmpty && diff.removedFromSource.isEmpty, "\(name): \(diff)")
        }
        #expect(again.diff.students.unchanged == 320 && again.diff.classes.unchanged == 8 && again.diff.households.unchanged > 320)
        // (The fixture's 旅游2302班 is no demo class: warned about on the way in and again, nothing else.)
        #expect(again.warnings.map(\.code) == ["unknown_class"], "\(again.warnings)")
        // (The fixture's two-line address travels whole, quoted.)
        #expect(guardians.contains("\"云南省大理市\n下关镇2号\""))
        let g7 = try d.json(StudentDetail.self, "student", "show", "2023010102").guardians.first { $0.id == "G7" }
        #expect(g7?.name == "=HYPERLINK(\"http://x\")" && g7?.phone == "+8613900000007")

        // Students a page at a time, by id, with the total (issue 13.7).
        var seen: [String] = []
        var after: String?
        repeat {
            let page = try d.json(StudentPage.self, "student", "list", "--limit", "128", "--after", after ?? "")
            #expect(page.total == 320 && page.students.count <= 128)
            seen += page.students.map(\.id)
            after = page.next
        } while after != nil
        #expect(seen.count == 320 && seen == seen.sorted() && Set(seen).count == 320)
        #expect(try d.ctl("student", "list", "--limit", "5").out.contains("5 of 320 students; next page: --after"))
        #expect(try d.ctl("student", "list", "--limit", "0").status == 1)

        // Files are not overwritten by accident; the export is recorded.
        let twice = try d.ctl("roster", "export", out)
        #expect(twice.status == 1 && twice.err.contains("--force"), "\(twice.err)")
        #expect(try d.ctl("roster", "export", out, "--force").status == 0)
        // (The event is in the database or its write-ahead log, not yet checkpointed.)
        let stored = [d.database, d.database + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
        #expect(stored.contains { $0.range(of: Data("roster.exported".utf8)) != nil }, "the export is in the event log")
    }
}
