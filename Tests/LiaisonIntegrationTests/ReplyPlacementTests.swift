import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// A reply lands on the case it answers (issue 12): the father of twins
/// answers about one twin; while only one case has written to him, his
/// reply is that case's; once both have, nobody can tell, so it is kept
/// unplaced and the counselor places it.
@Suite struct ReplyPlacementTests {
    static let twins = """
        guardian_id,student_id,name,relation,phone,wechat,qq,address,preference
        G1,2023010101,张建国,父亲,13900000001,,,,sms
        G3,2023010102,张建国,父亲,13900000001,,,,sms

        """

    @Test func aReplyAnswersTheOneCaseThatWroteElseTheCounselorPlacesIt() throws {
        let d = try Daemon(demo: false, channels: "")
        let plugin = try TestPlugin.compile(into: try d.pluginDirectory(), name: "libliaison-channel-test.so")
        // Every message is answered by its recipient, from +86 and the number.
        try d.configure("""
            channels:
              sms:
                plugin: \(plugin)
                serves: [sms, staff]
                config: {path: \(d.dir.path)/sms.out, reply: 好的，周五来学校}
            """)
        try d.start()
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Self.twins),
                     try d.write("staff.csv", Fixtures.staff)]
        #expect(try d.ctl(["roster", "import"] + files).status == 0)

        // One twin's case: the father's replies are that case's.
        let first = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010101", "--summary", "高烧")
        let placed = try poll({ try d.json([InboundReply].self, "message", "replies", "--case", first.id) }) { $0.count == 2 }
        let all = try d.json([InboundReply].self, "message", "replies")
        #expect(placed.count == 2 && placed.allSatisfy { $0.guardianID == "G1" && $0.text == "好的，周五来学校" }, "\(placed) of \(all)")
        #expect(try d.step(first.id, "notify-parents") { $0?.status == .done }?.evidence == .acknowledged)
        // The counselor is told, in their task list.
        let told = try d.json([PersonTask].self, "task", "list", "--case", first.id).filter { $0.kind == "reply" }
        #expect(told.count == 2 && told.allSatisfy { $0.assignee == "T0101" && $0.text.contains("好的，周五来学校") }, "\(told)")

        // The other twin's case: both cases have written to that number now.
        let second = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010102", "--summary", "胃痛")
        let unplaced = try poll({ try d.json([InboundReply].self, "message", "replies", "--unmatched") }) { $0.count == 2 }
        #expect(unplaced.count == 2 && unplaced.allSatisfy { $0.caseID.isEmpty }, "\(unplaced)")
        // Neither case took it as an answer.
        #expect(try d.json(CaseDetail.self, "case", "show", second.id).record.steps.first { $0.id == "notify-parents" }?.status == .pending)
        #expect(try d.json([InboundReply].self, "message", "replies", "--case", first.id).count == 2)
        let place = try d.json([PersonTask].self, "task", "list").filter { $0.kind == "place-reply" }
        #expect(place.count == 2 && place.allSatisfy { $0.text.contains(first.id) && $0.text.contains(second.id) && $0.text.contains("message place") },
                "\(place)")

        // The counselor asks, and files one under the second case: its notice is acknowledged.
        let reply = unplaced[0]
        let o = try d.ctl("message", "place", "\(reply.id)", "--case", second.id)
        #expect(o.status == 0 && o.out.contains("filed under \(second.id)"), "\(o.out)\(o.err)")
        let step = try #require(try d.json(CaseDetail.self, "case", "show", second.id).record.steps.first { $0.id == "notify-parents" })
        #expect(step.status == .done && step.evidence == .acknowledged, "\(step)")
        #expect(try d.json([InboundReply].self, "message", "replies", "--unmatched").map(\.id) == [unplaced[1].id])
        let left = try d.json([PersonTask].self, "task", "list").filter { $0.kind == "place-reply" }
        #expect(left.count == 1 && !left[0].stepID.hasSuffix(":\(reply.id)"), "\(left)")
        // Placed once is placed; a case that never wrote to the number is refused.
        #expect(try d.ctl("message", "place", "\(reply.id)", "--case", first.id).err.contains("already filed under case \(second.id)"))
        let third = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010201", "--summary", "x")
        let wrong = try d.ctl("message", "place", "\(unplaced[1].id)", "--case", third.id)
        #expect(wrong.status == 1 && wrong.err.contains("no message of case \(third.id)"), "\(wrong.err)")
        // Lists page explicitly.
        #expect(try d.json([InboundReply].self, "message", "replies", "--limit", "1").count == 1)
        #expect(try d.ctl("message", "replies", "--limit", "0").status != 0)

        // The number is in the replies, never in the daemon's log.
        #expect(!d.log.contains("13900000001"), "\(d.log)")
    }
}
