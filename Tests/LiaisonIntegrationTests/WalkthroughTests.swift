import Foundation
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// The walkthrough a counselor and the Student Affairs Office do, through
/// the real liaisonctl against the real liaisond.
@Suite struct WalkthroughTests {
    @Test func rosterCasesAndContacts() throws {
        let d = try Daemon(demo: false)
        try d.start()
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Fixtures.guardians),
                     try d.write("staff.csv", Fixtures.staff)]

        // Dry run: the diff, and nothing changes.
        let dry = try d.ctl(["roster", "import"] + files + ["--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.err)")
        let plan = try Wire.decoder().decode(RosterImportResult.self, from: Data(dry.out.utf8))
        #expect(plan.dryRun && plan.diff.students.added.count == 3 && plan.diff.guardians.added.count == 4 && plan.diff.staff.added.count == 3)
        #expect(try d.json(StudentPage.self, "student", "list").total == 0)

        // The import, then the same import again changes nothing.
        let imported = try d.ctl(["roster", "import"] + files)
        #expect(imported.status == 0 && imported.out.contains("imported: 15 events recorded"), "\(imported.out)\(imported.err)")
        let again = try d.ctl(["roster", "import"] + files)
        #expect(again.out.contains("nothing to change"), "\(again.out)")

        // A changed phone shows up field by field.
        let changed = try d.write("guardians2.csv", Fixtures.guardians.replacingOccurrences(of: "13900000003", with: "13900000033"))
        let diff = try d.ctl(["roster", "import", files[0], changed, files[2], "--dry-run"])
        #expect(diff.out.contains("~ guardians G3: phone \"13900000003\" → \"13900000033\""), "\(diff.out)")

        // The student as a counselor sees them.
        let zhang = try d.json(StudentDetail.self, "student", "show", "2023010101")
        #expect(zhang.student.name == "张三" && zhang.student.tier == .key && zhang.counselor?.name == "王丽")
        #expect(zhang.guardians.map(\.preference) == [[.wechat, .phone], [.phone, .qq]])
        let li = try d.json(StudentDetail.self, "student", "show", "2023010201")
        #expect(li.guardians.first?.address == "云南省大理市\n下关镇2号")
        #expect(try d.json(StudentPage.self, "student", "list", "--class", "旅游2301班").students.map(\.id) == ["2023010101", "2023010102"])
        #expect(try d.json(StudentPage.self, "student", "list", "--counselor", "T0102").students.map(\.name) == ["李四"])
        let table = try d.ctl("student", "show", "2023010102")
        #expect(table.out.contains("酒店管理,国际方向"))

        // A case from opening to closing.
        let opened = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101",
                                "--summary", "宿舍楼梯摔倒，右腿骨折，已送医", "--occurred-at", "2026-11-28 22:40")
        #expect(opened.state == .open && opened.kind == .accident && opened.counselorID == "T0101" && opened.openedBy == "root")
        #expect(Event.timestamp(opened.occurredAt) == "2026-11-28T14:40:00.000Z")
        let second = try d.json(CaseRecord.self, "case", "open", "心理危机", "--student", "2023010201", "--summary", "情绪低落")
        #expect(second.kind == .psychologicalCrisis)
        #expect(try d.ctl("case", "note", opened.id, "已电话通知父亲张建国，家长明日到校").status == 0)
        #expect(try d.json(CasePage.self, "case", "list", "--state", "open").cases.count == 2)
        #expect(try d.json(CasePage.self, "case", "list", "--kind", "accident").cases.map(\.id) == [opened.id])
        // Its parents are neither told nor met yet: it does not close.
        let early = try d.ctl("case", "close", opened.id, "--resolution", "家长到校当面协商，已安排休养")
        #expect(early.status == 1 && early.err.contains("2 mandatory steps open") && early.err.contains("notify-parents")
                && early.err.contains("meet-parents") && early.err.contains("--waive"), "\(early.err)")
        _ = try d.json(CaseRecord.self, "case", "step", opened.id, "notify-parents", "--guardian", "父亲", "--outcome", "spoke")
        _ = try d.json(CaseRecord.self, "case", "meeting", opened.id, "--with", "父亲张建国")
        let closed = try d.ctl("case", "close", opened.id, "--resolution", "家长到校当面协商，已安排休养")
        #expect(closed.status == 0 && closed.out.contains("closed \(opened.id)"))
        let detail = try d.json(CaseDetail.self, "case", "show", opened.id)
        #expect(detail.events.map(\.type).filter { ![.stepEvidence, .stepCompleted, .meetingRecorded].contains($0) } == [.caseOpened, .caseNoted, .caseClosed])
        #expect(detail.events.allSatisfy { $0.actor == "root" && !$0.policy.isEmpty })
        #expect(detail.record.resolution == "家长到校当面协商，已安排休养")
        let shown = try d.ctl("case", "show", opened.id)
        #expect(shown.out.contains("timeline") && shown.out.contains("case.noted") && shown.out.contains("2026-11-28 22:40"))
        #expect(try d.json(CasePage.self, "case", "list", "--state", "open").cases.map(\.id) == [second.id])

        // A contact with a parent, by name.
        let contact = try d.json(ContactRecord.self, "contact", "log", "--student", "2023010101", "--guardian", "刘芳",
                                 "--channel", "phone", "--topics", "study,wellbeing", "--summary", "告知期中成绩与伤情恢复",
                                 "--feedback", "希望宿舍楼梯加装扶手")
        #expect(contact.guardianID == "G2" && contact.topics == [.study, .wellbeing] && contact.feedback == "希望宿舍楼梯加装扶手")
        #expect(try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101").count == 1)
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").contactsThisTerm == 1)
        #expect(d.stop() == 0)
    }

    @Test func errorsSayWhatWasWrongAndExitNonZero() throws {
        let d = try Daemon()
        try d.start()
        let cases: [([String], String)] = [
            (["case", "open", "party", "--student", "2023010101", "--summary", "x"], "is not a case kind"),
            (["case", "open", "accident", "--student", "1999", "--summary", "x"], "no student 1999"),
            (["case", "open", "accident", "--student", "2023010101", "--summary", "x", "--occurred-at", "yesterday"], "is not a time"),
            (["case", "show", "C1999-0001"], "no case C1999-0001"),
            (["case", "note", "C1999-0001", "x"], "no case C1999-0001"),
            (["contact", "log", "--student", "2023010101", "--guardian", "舅舅", "--channel", "phone", "--topics", "study", "--summary", "x"], "has no guardian \"舅舅\""),
            (["contact", "log", "--student", "2023010101", "--guardian", "父亲", "--channel", "pigeon", "--topics", "study", "--summary", "x"], "is not a channel"),
            (["contact", "log", "--student", "2023010101", "--guardian", "父亲", "--channel", "sms", "--topics", "gossip", "--summary", "x"], "is not a topic"),
            (["case", "list", "--state", "pending"], "is not open, closed or all"),
        ]
        for (args, expected) in cases {
            let o = try d.ctl(args)
            #expect(o.status == 1, "\(args)")
            #expect(o.err.contains(expected), "\(args): \(o.err)")
        }
        let usage = try d.ctl("case", "open")
        #expect(usage.status != 0 && usage.status != 1)
    }
}
