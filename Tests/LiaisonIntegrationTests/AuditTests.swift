import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// The audit log through the real liaisond and liaisonctl (issue 14.3):
/// reads, copies and changes leave rows; only the office and the
/// administrator may list or verify them; and a row edited in the SQLite
/// file, by someone who first drops the append-only trigger, is named by
/// `audit verify`.
@Suite struct AuditTests {
    struct ErrorObject: Decodable { var error: WireError }

    /// A page of a list that shows personal data is one row: which list,
    /// how many rows and the filter, under the caller's scope; an empty
    /// page showed nothing and leaves none.
    @Test func listsOfPersonalDataLeaveOneRowAPage() throws {
        let d = try Daemon(demo: false, socketGroup: "nogroup")
        try d.start()
        try d.importFixtures()
        let c = try d.json(CaseRecord.self, "case", "open", "study-aversion", "--student", "2023010201", "--summary", "连续旷课")
        // Nobody is counselor T0102, whose one student is 2023010201.
        for args in [["student", "list", "--counselor", "T0102"], ["case", "list"], ["message", "list", "--case", c.id], ["task", "list"],
                     ["case", "list", "--kind", "fraud-victim"]] {
            let o = try d.asNobody(args)
            #expect(o.status == 0, "\(args): \(o.err)")
        }
        let rows = try d.json(AuditPage.self, "audit", "list", "--staff", "T0102").entries
        #expect(rows.allSatisfy { $0.action == .listRead && $0.scope == .own && $0.studentID == nil }, "\(rows)")
        let details = rows.map(\.detail)
        #expect(details.contains("student.list: 1 rows; counselor=T0102") && details.contains("case.list: 1 rows"), "\(details)")
        #expect(details.contains { $0.hasPrefix("message.list: ") && $0.hasSuffix("case=\(c.id)") }, "\(details)")
        #expect(!details.contains { $0.contains("fraud-victim") }, "an empty page leaves no row")
        #expect(!details.contains { $0.contains("连续旷课") || $0.contains("13900000003") })
    }

    @Test func actionsLeaveRowsOnlyTheOfficeReadsThemAndAnEditedRowIsNamed() throws {
        let d = try Daemon(socketGroup: "nogroup")
        try d.start()
        func asNobody(_ args: String...) throws -> Output { try d.asNobody(args) }

        // Nobody is counselor T0102 of the fixture (旅游管理学院).
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Fixtures.guardians),
                     try d.write("staff.csv", Fixtures.staff)]
        #expect(try d.ctl(["roster", "import"] + files).status == 0)
        #expect(try d.ctl(["roster", "import", "--dry-run"] + files).status == 0)
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        #expect(try d.ctl("case", "show", c.id).status == 0)
        #expect(try d.ctl("student", "show", "2023010101").status == 0)
        #expect(try d.ctl("contact", "list", "--student", "2023010101").status == 0)
        #expect(try d.ctl("roster", "export", d.dir.appendingPathComponent("export").path).status == 0)
        let backup = d.dir.appendingPathComponent("copy.db").path
        #expect(try d.ctl("backup", backup).status == 0)
        let plan = try d.json(RulesPlanResult.self, "rules", "plan")
        #expect(try d.ctl("rules", "apply", plan.plan).status == 0)
        // T0102 works on their own student's case; another counselor's is
        // refused (issue 14 scopes), and a refusal reads nothing.
        let refused = try asNobody("case", "show", c.id)
        #expect(refused.status == 1 && refused.err.contains("not among the students you answer for"), "\(refused.err)")
        let mine = try asNobody("case", "open", "study-aversion", "--student", "2023010201", "--summary", "连续旷课", "--json")
        #expect(mine.status == 0, "\(mine.err)")
        let c2 = try Wire.decoder().decode(CaseRecord.self, from: Data(mine.out.utf8))
        let note = try asNobody("case", "note", c2.id, "已电话联系")
        #expect(note.status == 0, "\(note.err)")
        #expect(try asNobody("case", "show", c2.id).status == 0)

        let page = try d.json(AuditPage.self, "audit", "list")
        let rows = page.entries
        #expect(rows.map(\.action.rawValue) == ["roster.import", "case.open", "case.read", "student.read", "contact.read",
                                                 "roster.export", "server.backup", "rules.apply", "refused", "case.open", "case.note", "case.read"], "\(rows.map(\.action))")
        #expect(page.total == 12 && page.next == nil && rows.map(\.seq) == Array(1...12))
        #expect(rows.map(\.actor) == ["root", "root", "root", "root", "root", "root", "root", "root", "T0102", "T0102", "T0102", "T0102"])
        // The refused attempt is recorded too, naming the method and the refusal, not the student's data.
        #expect(rows[8].detail == "case.show" && rows[8].reason.contains("not among the students you answer for") && rows[8].studentID == nil)
        #expect(rows[2].studentID == "2023010101" && rows[2].caseID == c.id && rows[2].scope == .school)
        #expect(rows[11].scope == .own && rows[11].studentID == "2023010201", "T0102 is the student's counselor")
        #expect(rows[6].detail.hasPrefix(backup) && rows[7].detail.hasPrefix("plan \(plan.plan) from "))
        // Listing is itself recorded, with its filter.
        let theirs = try d.json(AuditPage.self, "audit", "list", "--student", "2023010201", "--staff", "T0102", "--limit", "1")
        #expect(theirs.total == 3 && theirs.entries.map(\.seq) == [10] && theirs.next == 10)
        let rest = try d.json(AuditPage.self, "audit", "list", "--student", "2023010201", "--staff", "T0102", "--after", "10")
        #expect(rest.entries.map(\.seq) == [11, 12] && rest.next == nil)
        let since = try d.json(AuditPage.self, "audit", "list", "--since", "2000-01-01", "--limit", "3")
        #expect(since.entries.first?.seq == 1 && since.total > 12 && since.next == 3)
        let human = try d.ctl("audit", "list", "--staff", "root", "--limit", "2")
        #expect(human.status == 0 && human.out.contains("roster.import") && human.out.contains("2 of ") && human.out.contains("; next page: --after 2"),
                "\(human.out)")
        let reads = try d.json(AuditPage.self, "audit", "list", "--staff", "root", "--after", "12")
        #expect(reads.entries.allSatisfy { $0.action == .auditRead } && reads.entries.contains { $0.studentID == "2023010201" && $0.detail.contains("staff=T0102") })
        #expect(try d.ctl("audit", "list", "--limit", "0").status == 1)

        // A counselor may neither list nor verify.
        let list = try asNobody("audit", "list")
        #expect(list.status == 1 && list.err.contains("audit.list is for office (学生工作处), admin (管理员) (it shows who read and changed whose personal data)"), "\(list.err)")
        let verifyAsCounselor = try asNobody("audit", "verify", "--json")
        #expect(verifyAsCounselor.status == 1)
        #expect(try Wire.decoder().decode(ErrorObject.self, from: Data(verifyAsCounselor.out.utf8)).error.code == "forbidden")

        let intact = try d.ctl("audit", "verify")
        #expect(intact.status == 0 && intact.out.hasPrefix("audit log intact: ") && intact.out.contains("head: row "), "\(intact.out)")
        let before = try d.json(AuditVerification.self, "audit", "verify")
        #expect(before.ok && before.firstBad == nil && before.lastSeq == Int64(before.rows))

        // Someone with the file drops the trigger and edits row 3: who read the case.
        let edit = try run("/usr/bin/sqlite3", [d.database, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'T0101' WHERE seq = 3;"])
        #expect(edit.status == 0, "\(edit.err)")
        let broken = try d.ctl("audit", "verify", "--json")
        #expect(broken.status == 1, "a broken log fails the command")
        let v = try Wire.decoder().decode(AuditVerification.self, from: Data(broken.out.utf8))
        #expect(!v.ok && v.firstBad == 3 && v.reason == "row 3 was changed: its fields do not match its hash", "\(v)")
        let told = try d.ctl("audit", "verify")
        #expect(told.status == 1 && told.out.contains("BROKEN at row 3") && told.out.contains("its fields do not match its hash"), "\(told.out)")
        // The journal names the row, and nothing about the student.
        #expect(d.log.contains("audit log broken at row 3"))
        #expect(!d.log.contains("张三") && !d.log.contains("13900000001"))
        // The daemon goes on recording after the break.
        #expect(try d.ctl("case", "show", c.id).status == 0)
        let still = try d.ctl("audit", "verify", "--json")
        #expect(try still.status == 1 && Wire.decoder().decode(AuditVerification.self, from: Data(still.out.utf8)).firstBad == 3)
    }
}
