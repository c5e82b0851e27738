import Foundation
import Testing
import LiaisonCore
import LiaisonProtocol

/// Break-glass through the real liaisond and liaisonctl (issue 14.2): an
/// administrator (a staff member of role admin, Unix user nobody; not root)
/// is refused a student's case, reads it with --reason, the audit log holds
/// the break-glass row with the reason, and the student's counselor and
/// college supervisor get a staff message naming who read what and why,
/// without the case's text.
@Suite struct BreakGlassTests {
    static let staff = """
        staff_id,name,role,college,unix_user,phone
        T0101,王丽,counselor,旅游管理学院,,13800000001
        S0100,李强,supervisor,旅游管理学院,,13800000002
        T0102,赵敏,counselor,旅游管理学院,,13800000003
        A0001,管理员甲,admin,,nobody,13800000009

        """
    static let reason = "家长来电称联系不上辅导员，核实情况"

    @Test func anAdministratorBreaksTheGlassWithAReasonAndTheCounselorAndSupervisorAreTold() throws {
        let d = try Daemon(demo: false, socketGroup: "nogroup", channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        try d.importFixtures(staff: Self.staff)
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折，已送医院")

        // The administrator sees staff, rules and configuration, no student.
        let me = try d.asNobody(["whoami", "--json"])
        let whoami = try Wire.decoder().decode(WhoAmIResult.self, from: Data(me.out.utf8))
        #expect(whoami.staff.id == "A0001" && whoami.responsibility.contains("break-glass") && !whoami.may.contains(Method.rosterExport))
        let listed = try d.asNobody(["case", "list", "--json"])
        #expect(try Wire.decoder().decode(CasePage.self, from: Data(listed.out.utf8)).total == 0, "an administrator's lists are empty: \(listed.out)")

        // Refused, told how; a blank reason is refused as such; nothing is read either way.
        let refused = try d.asNobody(["case", "show", c.id])
        #expect(refused.status == 1 && refused.err.contains("not among the students you answer for") && refused.err.contains("--reason TEXT"), "\(refused.err)")
        #expect(!refused.err.contains("骨折") && !refused.out.contains("骨折"))
        let blank = try d.asNobody(["case", "show", c.id, "--reason", "  "])
        #expect(blank.status == 1 && blank.err.contains("--reason is blank") && !blank.out.contains("骨折"), "\(blank.err)")
        // A change is never break-glass.
        let note = try d.asNobody(["case", "note", c.id, "已核实"])
        #expect(note.status == 1 && note.err.contains("case.note is for "), "\(note.err)")

        // With a reason: the case.
        let read = try d.asNobody(["case", "show", c.id, "--reason", Self.reason, "--json"])
        #expect(read.status == 0, "\(read.err)")
        let detail = try Wire.decoder().decode(CaseDetail.self, from: Data(read.out.utf8))
        #expect(detail.record.id == c.id && detail.record.summary == "右腿骨折，已送医院")

        // The audit log: the refusal, then the break-glass read with its reason.
        let audit = try d.json(AuditPage.self, "audit", "list", "--staff", "A0001")
        let row = try #require(audit.entries.last { $0.action == .caseRead }, "\(audit.entries)")
        #expect(row.scope == .breakGlass && row.reason == Self.reason && row.caseID == c.id && row.studentID == "2023010101")
        #expect(audit.entries.contains { $0.action == .refused && $0.detail == Method.caseShow && $0.seq < row.seq })
        let human = try d.ctl("audit", "list", "--student", "2023010101")
        #expect(human.status == 0 && human.out.contains("break-glass") && human.out.contains(Self.reason), "\(human.out)")

        // Told: the counselor and the college's supervisor, one staff message each, delivered through the channel.
        let notices = try d.messages { ms in
            let bg = ms.filter { $0.topic == "break-glass" }
            return bg.count == 2 && bg.allSatisfy { $0.state == .delivered }
        }.filter { $0.topic == "break-glass" }
        #expect(notices.map(\.recipientID).sorted() == ["S0100", "T0101"] && notices.allSatisfy { $0.state == .delivered },
                "\(notices.map { "\($0.recipientID) \($0.state)" })")
        for m in notices {
            #expect(m.body.contains("管理员甲（A0001）") && m.body.contains(Self.reason) && m.body.contains(c.id) && !m.body.contains("骨折"), "\(m.body)")
            let file = "\(d.outboxDirectory)/break-glass_\(row.seq)_\(m.recipientID).txt"
            let sent = try Eventually.value("the outbox file \(file)") { try? String(contentsOfFile: file, encoding: .utf8) }
            #expect(sent.contains("Topic: break-glass (urgent)") && sent.contains(Self.reason) && sent.contains("A0001") && !sent.contains("骨折"), "\(sent)")
        }
        // The other reads take a reason the same way; each is a row, each is told.
        let file = try d.asNobody(["student", "show", "2023010101", "--reason", Self.reason])
        #expect(file.status == 0 && file.out.contains("张建国"), "\(file.err)")
        let contacts = try d.asNobody(["contact", "list", "--student", "2023010101", "--reason", Self.reason])
        #expect(contacts.status == 0, "\(contacts.err)")
        let rows = try d.json(AuditPage.self, "audit", "list", "--staff", "A0001", "--after", "\(row.seq)").entries
        #expect(rows.filter { $0.scope == .breakGlass }.map(\.action) == [.studentRead, .contactRead], "\(rows.map(\.action))")
        _ = try d.messages { $0.filter { $0.topic == "break-glass" }.count == 6 }
        // The journal names the audit row, not the student.
        #expect(d.log.contains("break-glass: A0001 read case.read") && !d.log.contains("张三"))
    }
}
