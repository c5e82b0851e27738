import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// The real liaisond on a virtual clock, driven by liaisonctl through days of
/// deadlines in seconds (the way Temporal's time-skipping server is used).
@Suite struct VirtualClockTests {
    @Test func anAccidentThroughItsDeadlinesWithARestart() throws {
        let d = try Daemon(extra: "clock: virtual")
        try d.start()
        #expect(d.log.contains("VIRTUAL CLOCK"))
        #expect(try d.json(StatusResult.self, "status").clock.hasPrefix("VIRTUAL"))
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let notifyDue = try #require(c.steps.first { $0.id == "notify-parents" }?.due)
        #expect(c.steps.map(\.id) == ["notify-parents", "minor-guardian-consent", "meet-parents"])

        // A call that was only attempted (nobody answered) does not tell the parents.
        let sent = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "父亲", "--outcome", "no-answer", "--channel", "phone")
        #expect(sent.steps.first { $0.id == "notify-parents" }?.status == .pending)

        // Two hours pass: the deadline is missed and the supervisor is told.
        #expect(try d.ctl("clock", "advance", "2h").status == 0)
        let overdue = try d.json(DeadlinesResult.self, "deadlines", "--overdue")
        #expect(overdue.rows.map(\.stepID) == ["notify-parents"] && overdue.rows[0].missed)
        #expect(try d.json(StatusResult.self, "status").overdueSteps == 1)

        // A crash, then a restart: the virtual time and the pending deadlines survive.
        d.kill9()
        try d.start()
        let now = try d.json(StatusResult.self, "status").clock
        #expect(now.contains(SchoolCalendar().format(notifyDue)), "\(now)")
        #expect(try d.ctl("clock", "advance", "2h").status == 0)
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        let escalations = detail.events.filter { $0.type == .escalationSent }.map { $0.payload["target"] ?? "" }
        #expect(escalations == ["supervisor", "office"], "\(escalations)")
        #expect(detail.events.filter { $0.type == .deadlineMissed }.count == 1)

        // The phone call gets through; the parents come two days later.
        let called = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "父亲", "--outcome", "spoke", "--channel", "phone",
                                "--note", "父亲接听")
        #expect(called.steps.first { $0.id == "notify-parents" }?.lateSeconds == 7200)
        #expect(try d.ctl("clock", "advance", "2d").status == 0)
        let met = try d.json(CaseRecord.self, "case", "meeting", c.id, "--with", "父亲张建国、辅导员")
        #expect(met.steps.first { $0.id == "meet-parents" }?.status == .done)
        #expect(try d.json(DeadlinesResult.self, "deadlines").rows.isEmpty)
        let timeline = try d.ctl("case", "timeline", c.id)
        #expect(timeline.out.contains("deadline.missed") && timeline.out.contains("meeting.recorded") && timeline.out.contains("P2.2.3"))
        #expect(try d.ctl("clock", "set", "2020-01-01 00:00").err.contains("only moves forward"))
    }

    @Test func theProductionUnitRefusesAVirtualClock() throws {
        let d = try Daemon(extra: "clock: virtual")
        let o = try run(Binaries.liaisond, ["--config", d.configPath, "--no-virtual-clock"])
        #expect(o.status == 78 && o.err.contains("clock: virtual is for tests and rehearsals"))
        // And a system-clock daemon refuses to be moved.
        let s = try Daemon()
        try s.start()
        #expect(try s.ctl("clock", "advance", "1h").err.contains("need `clock: virtual`"))
    }
}
