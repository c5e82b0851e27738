import Foundation
import Glibc
import Testing
import LiaisonCore
import LiaisonProtocol

/// The data subject's copy (issue 14.6, PIPL Art. 45): everything held
/// about a student and their guardians, for the office, audited.
@Suite struct StudentExportTests {
    @Test func everythingAboutAStudentAsJSONForTheOffice() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "体育课摔伤")
        #expect(try d.ctl("case", "note", c.id, "已送医").status == 0)
        #expect(try d.ctl("contact", "log", "--student", "2023010101", "--guardian", "父亲", "--channel", "phone", "--topics", "study",
                          "--summary", "期中成绩").status == 0)
        _ = try d.messages(["--case", c.id]) { !$0.isEmpty }
        let out = d.dir.appendingPathComponent("2023010101.json").path
        let o = try d.ctl("student", "export", "2023010101", "--output", out)
        #expect(o.status == 0 && o.out.contains("wrote \(out): 1 cases, 1 contacts"), "\(o.out)\(o.err)")
        var st = stat()
        #expect(lstat(out, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let export = try Wire.decoder().decode(StudentExport.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(export.student.student.id == "2023010101" && !export.student.guardians.isEmpty)
        #expect(export.cases.map(\.record.id) == [c.id] && export.cases[0].events.contains { $0.payload["text"] == "已送医" })
        #expect(export.contacts.map(\.summary) == ["期中成绩"] && !export.messages.isEmpty && export.messages.allSatisfy { $0.caseID == c.id })
        // The export itself is in the audit rows it carries.
        #expect(export.audit.contains { $0.action == .studentExport && $0.actor == "root" && $0.studentID == "2023010101" })
        // Another student's case is not in it.
        _ = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010102", "--summary", "别的学生")
        let again = try Wire.decoder().decode(StudentExport.self, from: Data(try d.ctl("student", "export", "2023010101").out.utf8))
        #expect(again.cases.count == 1 && !again.messages.contains { $0.body.contains("别的学生") })
        #expect(try d.ctl("student", "export", "2099999999").status == 1)
    }
}
