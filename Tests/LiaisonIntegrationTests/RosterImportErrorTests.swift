import Foundation
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// A bad roster file is reported with file:line:column and nothing at all is
/// imported; the daemon goes on serving.
@Suite struct RosterImportErrorTests {
    @Test func badRowsAnywhereImportNothing() throws {
        let d = try Daemon(demo: false)
        try d.start()
        let before = try d.json(StudentPage.self, "student", "list").total
        #expect(before == 0)
        // Good students, one bad guardian row, good staff: the students must not land either.
        let students = try d.write("students.csv", Fixtures.students)
        let guardians = try d.write("guardians.csv", Fixtures.guardians + "G9,2023010101,某某,\"舅舅,13900000009\n")
        let staff = try d.write("staff.csv", Fixtures.staff)
        let o = try d.ctl("roster", "import", students, guardians, staff)
        #expect(o.status == 1)
        #expect(o.err.contains("nothing was imported"), "\(o.err)")
        #expect(o.err.contains("guardians.csv:7:18: this quoted field is never closed"), "\(o.err)")
        #expect(try d.json(StudentPage.self, "student", "list").total == before)

        // A structural error (a guardian of a student nobody has) refuses it all;
        // a bad number alone would be a warning, and is listed with it.
        let bad = try d.write("guardians-bad.csv", Fixtures.guardians.replacingOccurrences(of: "13900000002", with: "1390000")
                              .replacingOccurrences(of: "G3,2023010102", with: "G3,2099010102"))
        let o2 = try d.ctl("roster", "import", students, bad, staff)
        #expect(o2.status == 1)
        #expect(o2.err.contains("guardians-bad.csv:4:") && o2.err.contains("no student 2099010102"), "\(o2.err)")
        #expect(o2.err.contains("guardians-bad.csv:3:") && o2.err.contains("warning (invalid_phone): \"1390000\" is not a phone number"), "\(o2.err)")
        #expect(try d.json(StudentPage.self, "student", "list").total == before)
        #expect(try d.ctl(["student", "show", "2023010102"]).status == 1, "the student from the refused file is absent")
    }

    @Test func gbkIsRefusedWithTheFix() throws {
        let d = try Daemon()
        try d.start()
        // "学号,姓名\n" then 张三 in GBK. 学 (D1 A7) happens to be valid
        // UTF-8 as well; 号 (BA C5) is the first byte that is not.
        let gbk: [UInt8] = [0xD1, 0xA7, 0xBA, 0xC5, 0x2C, 0xD0, 0xD5, 0xC3, 0xFB, 0x0A, 0x31, 0x2C, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A]
        let path = d.dir.appendingPathComponent("students-gbk.csv").path
        FileManager.default.createFile(atPath: path, contents: Data(gbk))
        let o = try d.ctl("roster", "import", path, try d.write("g.csv", Fixtures.guardians), try d.write("s.csv", Fixtures.staff))
        #expect(o.status == 1)
        #expect(o.err.contains("students-gbk.csv:1:2: the file is not UTF-8"), "\(o.err)")
        #expect(o.err.contains("iconv -f GB18030 -t UTF-8"))
        #expect(try d.ctl("case", "list").status == 0)
    }

    @Test func aMissingFileSaysWhich() throws {
        let d = try Daemon()
        try d.start()
        let o = try d.ctl("roster", "import", "/nonexistent/students.csv", "g.csv", "s.csv")
        #expect(o.status == 1 && o.err.contains("/nonexistent/students.csv: cannot read the file"))
    }
}
