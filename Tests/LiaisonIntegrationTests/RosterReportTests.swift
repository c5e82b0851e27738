import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// Rosters as schools export them (issue 13): numbers as people write them,
/// data-quality problems as warnings that do not stop the import, every
/// problem listed, and a CSV report for the office's spreadsheet.
@Suite struct RosterReportTests {
    static let guardians = """
        guardian_id,student_id,name,relation,phone,wechat,qq,address,preference
        G1,2023010101,张建国,父亲,＋８６ １３９ ００００ ０００１,,,,
        G2,2023010101,刘芳,母亲,(0888)5123456,,,,phone
        G3,2023010102,欧阳海,父亲,12345,,,,
        G4,2023010201,李大山,父亲,+86 139-0000-0004,,qq号,,

        """

    @Test func warningsImportTheRestAndTheReportListsEveryProblem() throws {
        let d = try Daemon(demo: false)
        try d.start()
        let students = try d.write("students.csv", Fixtures.students), staff = try d.write("staff.csv", Fixtures.staff)
        let report = d.dir.appendingPathComponent("report.csv").path
        let o = try d.ctl(["roster", "import", students, try d.write("guardians.csv", Self.guardians), staff, "--report", report])
        #expect(o.status == 0, "\(o.out)\(o.err)")
        #expect(o.out.contains("3 warnings") && o.out.contains("1 guardian has no usable route (no_valid_channel)"), "\(o.out)")
        // Numbers as written, stored one way (E.164), shown the usual way.
        let g = try d.json(StudentDetail.self, "student", "show", "2023010101").guardians
        #expect(g.map(\.phone) == ["+8613900000001", "+868885123456"], "\(g.map(\.phone))")
        let shown = try d.ctl("student", "show", "2023010101")
        #expect(shown.out.contains("13900000001") && shown.out.contains("0888-5123456") && !shown.out.contains("+86"), "\(shown.out)")
        // The bad number is gone, the guardian kept and reported unreachable.
        let unreachable = try #require(try d.json(StudentDetail.self, "student", "show", "2023010102").guardians.first)
        #expect(unreachable.phone.isEmpty && unreachable.preference.isEmpty)
        let csv = try String(contentsOfFile: report, encoding: .utf8)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.first == "file,line,column,field,severity,code,message" && rows.count == 4, "\(csv)")
        #expect(rows.contains { $0.hasPrefix("guardians.csv,4,") && $0.contains(",phone,warning,invalid_phone,") }, "\(csv)")
        #expect(rows.contains { $0.contains(",warning,no_valid_channel,") } && rows.contains { $0.contains(",qq,warning,invalid_qq,") }, "\(csv)")

        // An error refuses the whole import; every problem is still listed, in --json and in the report.
        var many = "guardian_id,student_id,name,relation,phone\n"
        for i in 0..<150 { many += "X\(i),2023010101,某某,母亲,bad\(i)\n" }
        many += "Y1,2099999999,某某,母亲,13900000009\n"
        let refused = try d.ctl(["roster", "import", students, try d.write("g-bad.csv", many), staff, "--report", report, "--json"])
        #expect(refused.status == 1, "\(refused.out)\(refused.err)")
        let err = try JSONDecoder().decode([String: WireError].self, from: Data(refused.out.utf8))["error"]
        // (Each bad number leaves its guardian with no route: two warnings a row.)
        #expect(err?.message.contains("1 error and 300 warnings") == true && err?.details?.count == 301, "\(String(describing: err?.message))")
        #expect(!(err?.details ?? []).contains { $0.contains("more") && $0.hasPrefix("…") })
        let refusedRows = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\r\n")
        #expect(refusedRows.count == 302 && refusedRows[1].contains(",student_id,error,,no student 2099999999"), "\(refusedRows.prefix(3))")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.count == 2, "nothing of the refused file was imported")
    }
}
