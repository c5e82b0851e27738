import Foundation
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// Retention through the real liaisond and liaisonctl, on a virtual clock
/// (issue 14.6; PIPL Art. 19, 47; docs/RETENTION.md): a student who
/// withdrew long ago is planned and purged to the skeleton, in every table
/// and the event log; the daily purge takes what becomes due on its day; a
/// restart keeps it so; the others' data stays.
@Suite struct RetentionTests {
    static let staff = "staff_id,name,role,college\nT0101,王丽,counselor,旅游管理学院\n"
    static let students = """
        student_id,name,college,class,counselor_id,phone
        2020010101,张三,旅游管理学院,旅游2001班,T0101,13700000101
        2020010102,李四,旅游管理学院,旅游2001班,T0101,13700000102
        2020010103,王五,旅游管理学院,旅游2001班,T0101,13700000103

        """
    static let guardians = """
        guardian_id,student_id,name,relation,phone,wechat,address
        G1,2020010101,张建国,父亲,13911110001,zhangjianguo,云南省丽江市古城区福慧路十二号
        G2,2020010101,刘芳芳,母亲,13911110002,,
        G3,2020010102,李大山,父亲,13922220003,,
        G4,2020010103,赵秀英,母亲,13933330004,,云南省大理市下关镇二号

        """
    // 张三 withdrew in June 2020; 王五 graduated a year before the rehearsal's day; 李四 is enrolled.
    static let records = """
        student_id,kind,title,level,date,reasons
        2020010101,status,,withdrawal,2020-06-30,
        2020010101,tier,,key,2020-03-01,心理问题需关注
        2020010103,status,,graduation,2025-09-08,

        """
    /// 张三's texts and numbers: gone after the purge.
    static let zhang = ["体育课摔伤左臂", "已送医院家长同意手术", "已康复返校", "家长当面确认已康复", "期中成绩下滑", "家长表示会督促",
                        "张建国", "刘芳芳", "13911110001", "13911110002", "zhangjianguo", "福慧路十二号", "心理问题需关注", "13700000101"]
    /// 李四's: never touched.
    static let li = ["李四实验课烫伤", "李四成绩稳定", "李大山", "13922220003", "13700000102"]

    func dump(_ d: Daemon) throws -> String {
        let o = try run("/usr/bin/sqlite3", [d.database, ".dump"])
        #expect(o.status == 0, "\(o.err)")
        return o.out
    }

    func fileBytes(_ d: Daemon) -> Data {
        [d.database, d.database + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }.reduce(Data(), +)
    }

    @Test func aStudentWhoLeftLongAgoIsPurgedToTheSkeletonAndStaysSo() throws {
        // Unsealed (data_key: none), so that the file's bytes show what a
        // purge removed and what it kept; sealed, nothing would show either
        // way (SealingTests covers that).
        let d = try Daemon(demo: false, extra: "data_key: none\n" + #"clock: {virtual: true, start: "2020-03-02 09:00"}"#)
        try d.start()
        let files = [try d.write("students.csv", Self.students), try d.write("guardians.csv", Self.guardians), try d.write("staff.csv", Self.staff)]
        let imported = try d.ctl(["roster", "import"] + files)
        #expect(imported.status == 0, "\(imported.err)")

        // March 2020: 张三's accident, a note, a contact; closed once the messages have gone (no channel: failed, phone tasks).
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2020010101", "--summary", "体育课摔伤左臂")
        #expect(try d.ctl("case", "note", c.id, "已送医院家长同意手术").status == 0)
        #expect(try d.ctl("contact", "log", "--student", "2020010101", "--guardian", "G1", "--channel", "phone", "--topics", "study",
                          "--summary", "期中成绩下滑", "--feedback", "家长表示会督促").status == 0)
        let failed = try poll({ try d.json([Message].self, "message", "list", "--case", c.id) }) { ms in !ms.isEmpty && ms.allSatisfy { $0.state == .failed } }
        #expect(!failed.isEmpty && failed.allSatisfy { $0.state == .failed }, "\(failed.map(\.state))")
        let closed = try d.ctl("case", "close", c.id, "--resolution", "已康复返校", "--waive", "notify-parents", "meet-parents",
                               "--reason", "家长当面确认已康复")
        #expect(closed.status == 0, "\(closed.err)")
        // 李四's case stays open; 王五's is closed; each has a contact.
        let li = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2020010102", "--summary", "李四实验课烫伤")
        #expect(try d.ctl("contact", "log", "--student", "2020010102", "--guardian", "G3", "--channel", "phone", "--topics", "study",
                          "--summary", "李四成绩稳定").status == 0)
        let wang = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2020010103", "--summary", "王五跑步扭伤")
        _ = try poll({ try d.json([Message].self, "message", "list", "--case", wang.id) }) { ms in !ms.isEmpty && ms.allSatisfy { $0.state == .failed } }
        #expect(try d.ctl("case", "close", wang.id, "--resolution", "王五已痊愈", "--waive", "notify-parents", "meet-parents", "--reason", "家长已到校").status == 0)
        #expect(try d.ctl("contact", "log", "--student", "2020010103", "--guardian", "G4", "--channel", "phone", "--topics", "study",
                          "--summary", "王五成绩优秀").status == 0)
        let before = try d.json(CaseDetail.self, "case", "show", c.id)

        // The rehearsal moves to September 2026; the records arrive.
        #expect(try d.ctl("clock", "set", "2026-09-07 08:00").status == 0)
        // A directory with records.csv alone: the other files are left as they are.
        let sis = d.dir.appendingPathComponent("sis")
        try FileManager.default.createDirectory(at: sis, withIntermediateDirectories: true)
        try Self.records.write(to: sis.appendingPathComponent("records.csv"), atomically: true, encoding: .utf8)
        let recorded = try d.ctl("roster", "import", sis.path)
        #expect(recorded.status == 0, "\(recorded.err)")

        // The plan names exactly 张三's data, with the rule.
        let plan = try d.json(RetentionPlan.self, "retention", "plan")
        #expect(plan.total == 1 && plan.next == nil && plan.students.map(\.studentID) == ["2020010101"], "\(plan.students)")
        let due = plan.students[0].due
        #expect(plan.students[0].left == "2020-06-30 退学 (withdrawal)" && due.map(\.dataClass) == RetentionClass.allCases, "\(due)")
        #expect(due[0].cases == [c.id] && due[0].items == ["case": 1, "record": 1] && due[0].rules.contains { $0.contains("case_content kept 3 years") })
        #expect(due[1].items == ["contact": 1] && due[2].cases == [c.id] && due[3].guardians == ["G1", "G2"])
        #expect(plan.totals.allSatisfy { $0.students == 1 })
        let human = try d.ctl("retention", "plan")
        #expect(human.status == 0 && human.out.contains("2020010101") && human.out.contains("退学") && human.out.contains("1 of 1 students with data due"),
                "\(human.out)")
        #expect(!human.out.contains("2020010102") && !human.out.contains("2020010103"))

        let purge = try d.json(RetentionPurgeResult.self, "retention", "purge")
        #expect(purge.students == 1 && purge.trigger == "manual" && purge.totals == plan.totals, "\(purge)")
        // Right after it, the file holds none of 张三's texts: not in any table, the event log included…
        let dumped = try dump(d)
        for text in Self.zhang { #expect(!dumped.contains(text), "\(text) is still in the database") }
        for text in Self.li + ["王五跑步扭伤", "赵秀英"] { #expect(dumped.contains(text), "\(text) was purged") }
        // …nor in its bytes.
        let bytes = fileBytes(d)
        for text in Self.zhang { #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) is still in the file") }

        // The case is still there, its kind and dates, without summary or notes.
        func checkZhang() throws {
            let after = try d.json(CaseDetail.self, "case", "show", c.id)
            #expect(after.record.kind == .accident && after.record.state == .closed && after.record.openedAt == before.record.openedAt
                    && after.record.closedAt == before.record.closedAt && after.record.noteCount == 1 && after.record.steps == before.record.steps)
            #expect(after.record.summary == "" && after.events.allSatisfy { ($0.payload["text"] ?? "").isEmpty && ($0.payload["summary"] ?? "").isEmpty })
            let shown = try d.ctl("case", "show", c.id)
            #expect(shown.status == 0 && !shown.out.contains("摔伤") && !shown.out.contains("家长同意手术"), "\(shown.out)")
            let student = try d.json(StudentDetail.self, "student", "show", "2020010101")
            #expect(student.guardians.map(\.id) == ["G1", "G2"] && student.guardians.allSatisfy { $0.phone.isEmpty && $0.wechat.isEmpty && $0.address.isEmpty })
            #expect(try d.json([ContactRecord].self, "contact", "list", "--student", "2020010101").map(\.summary) == [""])
        }
        try checkZhang()
        // 李四's are untouched.
        #expect(try d.json(CaseDetail.self, "case", "show", li.id).record.summary == "李四实验课烫伤")
        #expect(try d.json(StudentDetail.self, "student", "show", "2020010102").guardians.first?.phone == "+8613922220003")

        // One audit row, with counts and no one's data.
        let rows = try d.json(AuditPage.self, "audit", "list", "--limit", "1000").entries.filter { $0.action == .retentionPurge }
        #expect(rows.map(\.actor) == ["system", "root"], "the daily run on the way to 2026 found nothing; then root's: \(rows)")
        #expect(rows[1].detail.hasPrefix("manual purge; case_content: 1 students, 1 case, 1 record") && !rows[1].detail.contains("2020010101"), "\(rows[1].detail)")

        // The next day's purge at 03:30 takes 王五's contact and details (a year after graduating), not his case (three).
        #expect(try d.ctl("clock", "advance", "1d").status == 0)
        let daily = try d.json(AuditPage.self, "audit", "list", "--staff", "system").entries.filter { $0.action == .retentionPurge }
        #expect(daily.count == 2 && daily[1].at == SchoolCalendar().parse("2026-09-08 03:30"), "\(daily)")
        #expect(daily[1].detail.contains("contacts: 1 students, 1 contact"), "\(daily[1].detail)")
        #expect(try d.json([ContactRecord].self, "contact", "list", "--student", "2020010103").map(\.summary) == [""])
        #expect(try d.json(StudentDetail.self, "student", "show", "2020010103").guardians.first?.phone == "")
        #expect(try d.json(CaseDetail.self, "case", "show", wang.id).record.summary == "王五跑步扭伤")

        // A restart changes nothing of it, and finds nothing more to purge.
        d.stop()
        try d.start()
        try checkZhang()
        #expect(try d.json(RetentionPlan.self, "retention", "plan").total == 0)
        let restarted = try dump(d)
        for text in Self.zhang + ["王五成绩优秀", "赵秀英"] { #expect(!restarted.contains(text), "\(text) came back") }
        #expect(restarted.contains("王五跑步扭伤") && restarted.contains("李四实验课烫伤"))
    }

    @Test func theOfficeAndTheAdministratorAloneMayPlanOrPurge() throws {
        let d = try Daemon(socketGroup: "nogroup")
        try d.start()
        // nobody is counselor T0102 of the fixture.
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Fixtures.guardians),
                     try d.write("staff.csv", Fixtures.staff)]
        #expect(try d.ctl(["roster", "import"] + files).status == 0)
        for command in [["retention", "plan"], ["retention", "purge"]] {
            let o = try d.asNobody(command)
            #expect(o.status == 1 && o.err.contains("is for office (学生工作处), admin (管理员)"), "\(o.err)")
        }
        // Nothing has left: the plan is empty, the purge changes nothing but leaves its row.
        #expect(try d.json(RetentionPlan.self, "retention", "plan").total == 0)
        let r = try d.json(RetentionPurgeResult.self, "retention", "purge")
        #expect(r.students == 0 && r.batches == 0 && r.auditSeq > 0)
    }
}
