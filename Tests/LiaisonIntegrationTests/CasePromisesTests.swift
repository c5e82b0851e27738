import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// Cases keep their promises (issue 12), through the real daemon and CLI:
/// a case does not close over open mandatory steps, staff claims name the
/// guardian and never say "delivered", sanction levels choose the steps,
/// an effective date brings a meeting forward.
@Suite struct CasePromisesTests {
    @Test func aCaseWithOpenMandatoryStepsDoesNotCloseUnlessTheyAreWaivedWithAReason() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")

        let refused = try d.ctl("case", "close", c.id, "--resolution", "x")
        #expect(refused.status == 1 && refused.err.contains("mandatory steps open") && refused.err.contains("notify-parents")
                && refused.err.contains("meet-parents") && refused.err.contains("--waive notify-parents meet-parents --reason"), "\(refused.err)")
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).record.state == .open)

        let noReason = try d.ctl("case", "close", c.id, "--resolution", "x", "--waive", "notify-parents", "meet-parents")
        #expect(noReason.status == 1 && noReason.err.contains("--reason"), "\(noReason.err)")
        let notAStep = try d.ctl("case", "close", c.id, "--resolution", "x", "--waive", "nope", "--reason", "r")
        #expect(notAStep.status == 1 && notAStep.err.contains("has no step nope"), "\(notAStep.err)")

        // The administrator (root, as the office would) waives both, with the reason.
        let closed = try d.ctl("case", "close", c.id, "--resolution", "学生回家休养", "--waive", "notify-parents", "meet-parents",
                               "--reason", "家长当晚已到医院陪护，当面沟通")
        #expect(closed.status == 0 && closed.out.contains("waived notify-parents, meet-parents"), "\(closed.out)\(closed.err)")
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(detail.record.state == .closed && detail.record.steps.filter { $0.status == .waived }.count == 2)
        #expect(detail.events.filter { $0.type == .stepWaived }.map { $0.payload["step"] ?? "" } == ["notify-parents", "meet-parents"])
        let timeline = try d.ctl("case", "show", c.id).out
        #expect(timeline.contains("step.waived") && timeline.contains("家长当晚已到医院陪护"), "\(timeline)")
        // Nothing is left to escalate.
        #expect(try d.json(DeadlinesResult.self, "deadlines").rows.isEmpty)
    }

    @Test func staffNameTheGuardianAndWhatHappenedAndNeverClaimDelivered() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010101", "--summary", "高烧")
        let typed = try d.ctl("case", "step", c.id, "notify-parents", "--evidence", "delivered", "--channel", "sms")
        #expect(typed.status == 1 && typed.err.contains("only from a channel's delivery receipt"), "\(typed.err)")
        let anonymous = try d.ctl("case", "step", c.id, "notify-parents", "--outcome", "spoke")
        #expect(anonymous.status == 1 && anonymous.err.contains("--guardian"), "\(anonymous.err)")
        let vague = try d.ctl("case", "step", c.id, "notify-parents", "--evidence", "acknowledged")
        #expect(vague.status == 1 && vague.err.contains("--guardian G --outcome"), "\(vague.err)")
        let stranger = try d.ctl("case", "step", c.id, "notify-parents", "--guardian", "舅舅", "--outcome", "spoke")
        #expect(stranger.status == 1 && stranger.err.contains("no guardian \"舅舅\""), "\(stranger.err)")

        // The father does not answer: an attempt, the step stays open.
        let tried = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "父亲", "--outcome", "no-answer")
        #expect(tried.steps.first { $0.id == "notify-parents" }?.status == .pending)
        // The mother answers: acknowledged, done.
        let spoke = try d.ctl("case", "step", c.id, "notify-parents", "--guardian", "母亲", "--outcome", "spoke", "--note", "母亲下午到校", "--json")
        #expect(spoke.status == 0, "\(spoke.err)")
        // Levels are names in --json, not integers.
        #expect(spoke.out.contains("\"evidence\" : \"acknowledged\""), "\(spoke.out)")
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(detail.record.steps.first { $0.id == "notify-parents" }?.status == .done)
        let claims = detail.events.filter { $0.type == .stepEvidence }
        #expect(claims.map { $0.payload["outcome"] ?? "" } == ["no-answer", "spoke"])
        #expect(claims.map { $0.payload["level"] ?? "" } == ["attempted", "acknowledged"])
        #expect(claims.allSatisfy { $0.payload["source"] == "staff" && !($0.payload["guardian"] ?? "").isEmpty && $0.payload["channel"] == "phone" })
        let human = try d.ctl("case", "show", c.id).out
        #expect(human.contains("staff claim:") && human.contains("spoke → acknowledged"), "\(human)")

        // A step that tells no parent is done with a note.
        let fraud = try d.json(CaseRecord.self, "case", "open", "fraud-victim", "--student", "2023010102", "--summary", "刷单诈骗")
        let police = try d.json(CaseRecord.self, "case", "step", fraud.id, "police-report", "--note", "派出所受案回执 2026-1234")
        #expect(police.steps.first { $0.id == "police-report" }?.status == .done)
        #expect(fraud.steps.map(\.id).contains("office-informed"))
    }

    @Test func theSanctionLevelDecidesWhetherParentsComeToCampus() throws {
        let d = try Daemon()
        try d.start()
        let none = try d.ctl("case", "open", "sanction", "--student", "2023010101", "--summary", "考试作弊")
        #expect(none.status == 1 && none.err.contains("--level"), "\(none.err)")
        let wrong = try d.ctl("case", "open", "accident", "--student", "2023010101", "--summary", "x", "--level", "记过")
        #expect(wrong.status == 1 && wrong.err.contains("for sanction cases"), "\(wrong.err)")

        let demerit = try d.json(CaseRecord.self, "case", "open", "sanction", "--student", "2023010101", "--summary", "考试作弊", "--level", "记过")
        #expect(demerit.facts.sanctionLevel == .demerit)
        #expect(demerit.steps.map { "\($0.id) \($0.status.rawValue)" } == ["notify-parents pending", "formal-document not-applicable",
                                                                           "meet-parents not-applicable"])
        let expulsion = try d.json(CaseRecord.self, "case", "open", "sanction", "--student", "2023010102", "--summary", "多次替考",
                                   "--level", "expulsion")
        #expect(expulsion.steps.map { "\($0.id) \($0.status.rawValue)" } == ["notify-parents pending", "formal-document waiting",
                                                                              "meet-parents pending"])
        #expect(try d.ctl("case", "show", expulsion.id).out.contains("开除学籍"))
    }

    @Test func anEffectiveDateSoonerThanTheRulebooksSpanSetsTheMeetingsDeadline() throws {
        let d = try Daemon(extra: "clock: virtual")
        try d.start()
        let effective = Daemon.schoolTime(daysFromNow: 2, "00:00")
        let soon = try d.json(CaseRecord.self, "case", "open", "suspension", "--student", "2023010101", "--summary", "因病休学",
                              "--effective", String(effective.prefix(10)))
        let meet = try #require(soon.steps.first { $0.id == "meet-parents" })
        #expect(meet.dueBy == "effective" && SchoolCalendar().format(meet.due!) == effective, "\(meet)")
        #expect(soon.steps.first { $0.id == "notify-parents" }?.dueBy == nil)
        let shown = try d.ctl("case", "show", soon.id).out
        #expect(shown.contains("effective date") && shown.contains(effective), "\(shown)")

        // Far enough away, the rulebook's 5 working days stand.
        let later = try d.json(CaseRecord.self, "case", "open", "withdrawal", "--student", "2023010102", "--summary", "退学",
                               "--effective", String(Daemon.schoolTime(daysFromNow: 40, "00:00").prefix(10)))
        let m2 = try #require(later.steps.first { $0.id == "meet-parents" })
        #expect(m2.dueBy == nil && m2.due! < later.facts.effectiveAt!, "\(m2)")
        let misplaced = try d.ctl("case", "open", "accident", "--student", "2023010101", "--summary", "x", "--effective", "2026-12-24")
        #expect(misplaced.status == 1 && misplaced.err.contains("--effective is for"), "\(misplaced.err)")
    }
}
