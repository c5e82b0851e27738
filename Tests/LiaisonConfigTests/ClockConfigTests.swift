import Foundation
import Testing
@testable import LiaisonConfig
@testable import LiaisonCore

/// `clock:` in the daemon config: the word forms and the mapping with a start.
/// (Part of DaemonConfigTests: its parse and message helpers.)
extension DaemonConfigTests {
    @Test func theWordFormsStillWork() throws {
        #expect(try parse("clock: virtual").virtualClock && parse("clock: virtual").virtualClockStart == nil)
        #expect(try !parse("clock: system").virtualClock)
        #expect(try !parse("log_level: info").virtualClock)
    }

    @Test func aVirtualClockWithAStartInSchoolTime() throws {
        let c = try parse("clock: {virtual: true, start: 2026-09-07 08:00}")
        #expect(c.virtualClock && c.virtualClockStart == Event.parseTimestamp("2026-09-07T00:00:00.000Z"))
        // Block form, quoted, read in the configured school time zone wherever the key is written.
        let urumqi = try parse("""
            clock:
              virtual: true
              start: "2026-09-07 08:00"
            school:
              timezone: Asia/Urumqi
            """)
        #expect(urumqi.virtualClockStart == Event.parseTimestamp("2026-09-07T02:00:00.000Z"))
        // Every form people type elsewhere: a date, ISO 8601 with an offset.
        #expect(try parse("clock: {virtual: true, start: 2026-09-07}").virtualClockStart == Event.parseTimestamp("2026-09-06T16:00:00.000Z"))
        #expect(try parse("clock: {virtual: true, start: '2026-09-07T08:00:00+08:00'}").virtualClockStart == Event.parseTimestamp("2026-09-07T00:00:00.000Z"))
        #expect(try parse("clock: {virtual: false}").virtualClock == false)
    }

    @Test func mistakesNameTheirPlace() {
        #expect(message("clock: sometimes")?.contains("liaison.yaml:1:8: clock \"sometimes\" is not system or virtual") == true)
        #expect(message("clock:\n  virtual: true\n  start: next monday")?
            .contains("liaison.yaml:3:10: clock.start \"next monday\" is not a time; write it as 2026-09-07 08:00") == true)
        #expect(message("clock:\n  virtual: false\n  start: 2026-09-07 08:00")?
            .contains("liaison.yaml:3:10: clock.start applies only to a virtual clock") == true)
        #expect(message("clock:\n  start: 2026-09-07 08:00")?.contains("liaison.yaml:2:3: clock: needs virtual: true") == true)
        #expect(message("clock:\n  virtual: yes please")?.contains("liaison.yaml:2:12: clock.virtual must be true or false") == true)
        #expect(message("clock:\n  virtual: true\n  begin: 2026-09-07")?.contains("liaison.yaml:3:3: unknown key \"begin\" in clock") == true)
    }
}
