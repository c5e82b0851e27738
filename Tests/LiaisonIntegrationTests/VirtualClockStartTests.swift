import Foundation
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// `clock: {virtual: true, start: …}`: a rehearsal from a term's first day
/// (issue 12, item 18), through the real liaisond and liaisonctl.
@Suite struct VirtualClockStartTests {
    let termStart = Event.parseTimestamp("2026-09-07T00:00:00.000Z")!  // 2026-09-07 08:00 in Shanghai

    func setStart(_ d: Daemon, _ text: String) throws {
        try d.config.replacingOccurrences(of: #"start: "2026-09-07 08:00""#, with: #"start: "\#(text)""#)
            .write(toFile: d.configPath, atomically: true, encoding: .utf8)
    }

    @Test func aRehearsalStartsAtTheConfiguredInstantAndResumesAfterRestarts() throws {
        let d = try Daemon(extra: #"clock: {virtual: true, start: "2026-09-07 08:00"}"#)
        try d.start()
        let shown = try d.json(ClockShowResult.self, "clock", "show")
        #expect(shown.virtual && shown.now == termStart, "\(shown)")
        #expect(try d.ctl("clock", "show").out.contains("virtual clock: 2026-09-07 08:00"))
        #expect(try d.json(StatusResult.self, "status").clock.contains("2026-09-07 08:00"))
        #expect(d.log.contains("started at clock.start"), "\(d.log)")
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "开学第一天摔伤")
        #expect(c.openedAt == termStart)

        // A restart before the clock ever moved: the start was saved, not re-read.
        try setStart(d, "2027-03-01 08:00")
        d.stop()
        try d.start()
        #expect(try d.json(ClockShowResult.self, "clock", "show").now == termStart)
        #expect(d.log.contains("clock.start 2027-03-01 08:00 is not used"), "\(d.log)")

        // Moved, then restarted: it resumes where it stood.
        #expect(try d.ctl("clock", "advance", "1d").status == 0)
        d.kill9()
        try d.start()
        #expect(try d.json(ClockShowResult.self, "clock", "show").now == termStart.addingTimeInterval(86400))
    }

    @Test func aStartBeforeWhatTheDatabaseHoldsIsRefused() throws {
        // A database that ran on the system clock (today), then a rehearsal config starting in the past.
        let d = try Daemon()
        try d.start()
        let system = try d.json(ClockShowResult.self, "clock", "show")
        #expect(!system.virtual && abs(system.now.timeIntervalSinceNow) < 3600)
        d.stop()
        try (d.config + "\nclock: {virtual: true, start: \"2020-01-06 08:00\"}\n").write(toFile: d.configPath, atomically: true, encoding: .utf8)
        let o = try run(Binaries.liaisond, ["--config", d.configPath])
        #expect(o.status == 78, "\(o)")
        #expect(o.err.contains("clock.start 2020-01-06 08:00 is before the newest event in this database"), "\(o.err)")
    }

    @Test func aBadStartStopsTheDaemonWithItsPlace() throws {
        let d = try Daemon(extra: "clock:\n  virtual: true\n  start: the first monday")
        let o = try run(Binaries.liaisond, ["--config", d.configPath, "--check-config"])
        #expect(o.status == 78, "\(o)")
        // file:line:column, the column that of the value under start:.
        #expect(o.err.range(of: #"\#(d.configPath):[0-9]+:10: clock.start "the first monday" is not a time"#, options: .regularExpression) != nil, "\(o.err)")
    }
}
