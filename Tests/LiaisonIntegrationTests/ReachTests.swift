import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// Who can be reached, and how (issue 12): a landline takes calls, never an
/// SMS; a mandatory notification no channel can prove sends the counselor
/// to the phone at once, with the numbers; a student nobody can reach is
/// flagged when the case opens.
@Suite struct ReachTests {
    static let guardians = """
        guardian_id,student_id,name,relation,phone,wechat,qq,address,preference
        G1,2023010101,张建国,父亲,13900000001,,,,
        G3,2023010102,欧阳海,父亲,0888-5123456,,,,

        """

    func daemon() throws -> Daemon {
        let d = try Daemon(demo: false, channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Self.guardians),
                     try d.write("staff.csv", Fixtures.staff)]
        let o = try d.ctl(["roster", "import"] + files)
        #expect(o.status == 0, "\(o.out)\(o.err)")
        // What the outbox plugin can prove is known once its host runs.
        #expect(try d.pluginStatus("outbox") { $0.state == "running" }.state == "running")
        return d
    }

    func tasks(_ d: Daemon, _ c: CaseRecord, step: String) throws -> [PersonTask] {
        try d.json([PersonTask].self, "task", "list", "--case", c.id).filter { $0.stepID == step }
    }

    @Test func aLandlineIsCalledAtOnceAndNeverSentAnSMS() throws {
        let d = try daemon()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010102", "--summary", "摔伤")
        // At once, with the number: not hours later when every channel has failed.
        let call = try tasks(d, c, step: "notify-parents")
        #expect(call.count == 1 && call[0].text.contains("0888-5123456") && call[0].text.contains("立即电话") && call[0].messageID == nil, "\(call)")
        let ms = try d.messages(["--case", c.id]) { ms in ms.count == 2 && ms.allSatisfy { $0.state == .failed } }
        #expect(ms.count == 2 && ms.allSatisfy { $0.routes.map(\.via) == ["phone"] }, "\(ms.map(\.routes))")
        // One call, one task: the message's own failure points at the step's task.
        let notice = try #require(ms.first { $0.stepID == "notify-parents" })
        let stillOne = try tasks(d, c, step: "notify-parents").count
        #expect(notice.note.contains("covers it") && stillOne == 1, "\(notice.note)")
        // Nothing went to the outbox as an SMS.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: d.outboxDirectory)) ?? []
        #expect(files.filter { $0.contains(c.id) }.isEmpty, "\(files)")
        // The call made and recorded: the step is done and so is the task.
        _ = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "G3", "--outcome", "spoke")
        #expect(try tasks(d, c, step: "notify-parents").allSatisfy { $0.doneAt != nil })

        // A landline preferred for SMS: a warning at import, and the sms preference left out.
        let wrong = Self.guardians.replacingOccurrences(of: "0888-5123456,,,,", with: "0888-5123456,,,,sms>phone")
        let o = try d.ctl(["roster", "import", "--dry-run", try d.write("students.csv", Fixtures.students),
                           try d.write("g2.csv", wrong), try d.write("staff.csv", Fixtures.staff)])
        #expect(o.status == 0 && o.out.contains("warning (unusable_preference)") && o.out.contains("is a landline"), "\(o.out)\(o.err)")
    }

    @Test func aNotificationAChannelCanProveNeedsNoCallOneNoChannelCanProveDoes() throws {
        let d = try daemon()
        // The outbox gives delivery receipts: an accident's "delivered" can be proven.
        let accident = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        #expect(try tasks(d, accident, step: "notify-parents").isEmpty)
        // It passes no replies: a sudden illness needs the parent's own answer.
        let illness = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010101", "--summary", "高烧")
        let call = try tasks(d, illness, step: "notify-parents")
        #expect(call.count == 1 && call[0].text.contains("13900000001") && call[0].text.contains("acknowledged"), "\(call)")
    }

    @Test func aStudentNobodyCanReachIsFlaggedAtOpening() throws {
        let d = try daemon()
        let o = try d.ctl("case", "open", "accident", "--student", "2023010201", "--summary", "摔伤")
        #expect(o.status == 0 && o.out.contains("warning: no guardian of 2023010201 can be reached"), "\(o.out)")
        let c = try #require(try d.json(CasePage.self, "case", "list", "--student", "2023010201").cases.first)
        #expect(c.facts.unreachable)
        #expect(try d.ctl("case", "show", c.id).out.contains("no guardian could be reached"))
        #expect(try tasks(d, c, step: "notify-parents").count == 1)
        let reachable = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        #expect(!reachable.facts.unreachable)
    }
}
