import Foundation
import Testing
@testable import LiaisonCore

@Suite struct CaseMachineTests {
    let student = Student(id: "2023010101", name: "张三", college: "c", className: "k", counselorID: "T01")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func opened() throws -> CaseRecord {
        let events = try CaseMachine.decide(nil, .open(kind: .accident, student: student, summary: "  摔伤  ", occurredAt: now.addingTimeInterval(-3600)),
                                            caseID: "C2027-0001", actor: "T01", now: now)
        return CaseMachine.apply(events[0], to: nil)!
    }

    @Test func openRecordsWhoWhenWhatAndPolicy() throws {
        let events = try CaseMachine.decide(nil, .open(kind: .psychologicalCrisis, student: student, summary: "情绪崩溃", occurredAt: nil),
                                            caseID: "C2027-0002", actor: "T01", now: now)
        #expect(events.count == 1)
        #expect(events[0].type == .caseOpened)
        #expect(events[0].actor == "T01")
        #expect(events[0].policy == ["P2.2.3", "P1.1"])
        let c = CaseMachine.apply(events[0], to: nil)!
        #expect(c.state == .open && c.counselorID == "T01" && c.occurredAt == now && c.summary == "情绪崩溃")
    }

    @Test func summaryIsTrimmedAndRequired() throws {
        #expect(try opened().summary == "摔伤")
        #expect(throws: LiaisonError.self) {
            try CaseMachine.decide(nil, .open(kind: .accident, student: student, summary: "   ", occurredAt: nil), caseID: "C", actor: "T01", now: now)
        }
    }

    @Test func futureOccurrenceIsRefused() {
        #expect(throws: LiaisonError.self) {
            try CaseMachine.decide(nil, .open(kind: .accident, student: student, summary: "x", occurredAt: now.addingTimeInterval(3600)),
                                   caseID: "C", actor: "T01", now: now)
        }
    }

    @Test func noteThenCloseThenCloseAgainIsAConflict() throws {
        var c = try opened()
        let note = try CaseMachine.decide(c, .note(text: "已通知家长"), caseID: c.id, actor: "T01", now: now)
        c = CaseMachine.apply(note[0], to: c)!
        #expect(c.noteCount == 1)
        let close = try CaseMachine.decide(c, .close(resolution: "家长到校协商"), caseID: c.id, actor: "S01", now: now)
        c = CaseMachine.apply(close[0], to: c)!
        #expect(c.state == .closed && c.closedBy == "S01" && c.resolution == "家长到校协商")
        let e = #expect(throws: LiaisonError.self) { try CaseMachine.decide(c, .close(resolution: "again"), caseID: c.id, actor: "T01", now: now) }
        #expect(e?.code == .conflict)
    }

    @Test func commandsOnAMissingCaseAreNotFound() {
        let e = #expect(throws: LiaisonError.self) { try CaseMachine.decide(nil, .note(text: "x"), caseID: "C2027-0404", actor: "T01", now: now) }
        #expect(e?.code == .notFound)
        #expect(e?.message.contains("C2027-0404") == true)
    }

    @Test func kindsAcceptAliasesAndChinese() {
        #expect(CaseKind(text: "expulsion") == .sanction)
        #expect(CaseKind(text: "意外事故") == .accident)
        #expect(CaseKind(text: "fraud_victim") == .fraudVictim)
        #expect(CaseKind(text: "party") == nil)
        #expect(CaseKind.allCases.count == 8)
        #expect(CaseKind.allCases.allSatisfy { !$0.policyIDs.isEmpty && $0.policyIDs.allSatisfy(Policy.all.contains) })
    }

    @Test func caseIDs() {
        #expect(CaseRecord.makeID(year: 2026, sequence: 7) == "C2026-0007")
    }
}

@Suite struct ContactAndCalendarTests {
    let calendar = SchoolCalendar()

    @Test func termsFollowTheAcademicYear() {
        #expect(calendar.term(containing: calendar.parse("2026-11-29 10:00")!) == "2026-2027-1")
        #expect(calendar.term(containing: calendar.parse("2027-01-15")!) == "2026-2027-1")
        #expect(calendar.term(containing: calendar.parse("2027-03-01")!) == "2026-2027-2")
        // 2026-07-31 23:30 in Shanghai is still July there, though August has begun nowhere.
        #expect(calendar.term(containing: calendar.parse("2026-07-31 23:30")!) == "2025-2026-2")
        #expect(calendar.term(containing: calendar.parse("2026-08-01T00:10:00+08:00")!) == "2026-2027-1")
    }

    @Test func schoolTimeIsShanghai() {
        let d = calendar.parse("2026-11-28 22:40")!
        #expect(Event.timestamp(d) == "2026-11-28T14:40:00.000Z")
        #expect(calendar.format(d) == "2026-11-28 22:40")
        #expect(calendar.parse("yesterday") == nil)
        #expect(calendar.parse("2026-02-30") == nil)
        #expect(calendar.parse("2026-13-01") == nil)
        #expect(calendar.parse("2026-11-28 24:00") == nil)
        #expect(calendar.parse("2026-11-28T22:40").map(calendar.format) == "2026-11-28 22:40")
        #expect(calendar.parse("2026-11-28 22:40:05").map(Event.timestamp) == "2026-11-28T14:40:05.000Z")
        #expect(calendar.parse("2006-09-01").map(Event.timestamp) == "2006-08-31T16:00:00.000Z")
    }

    @Test func contactNeedsTheStudentsOwnGuardianAndATopic() throws {
        let s = Student(id: "1", name: "甲", college: "c", className: "k", counselorID: "T")
        let g = Guardian(id: "G1", studentID: "1", name: "父", relation: "父亲", phone: "13800000001")
        let other = Guardian(id: "G9", studentID: "9", name: "别人", relation: "父亲", phone: "13800000009")
        let now = Date()
        let event = try ContactReport(student: s, guardian: g, channel: .phone, topics: [.study, .feedback], summary: "期中成绩")
            .decide(actor: "T", now: now, calendar: calendar)
        #expect(event.type == .contactLogged)
        #expect(event.policy == ["P2.2.1", "P3.2", "P1.2"])
        #expect(event.payload["term"] == calendar.term(containing: now))
        #expect(throws: LiaisonError.self) {
            try ContactReport(student: s, guardian: other, channel: .phone, topics: [.study], summary: "x").decide(actor: "T", now: now, calendar: calendar)
        }
        #expect(throws: LiaisonError.self) {
            try ContactReport(student: s, guardian: g, channel: .phone, topics: [], summary: "x").decide(actor: "T", now: now, calendar: calendar)
        }
    }
}

@Suite struct TimestampTests {
    @Test func matchesFoundationAndRoundTrips() {
        var g = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2000 {
            let ms = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &g)
            let d = Date(timeIntervalSince1970: Double(ms) / 1000)
            let text = Event.timestamp(d)
            // Foundation truncates where binary floating point falls just
            // short of a millisecond; compare with it on whole seconds.
            let whole = Date(timeIntervalSince1970: Double(ms / 1000))
            #expect(Event.timestamp(whole) == whole.formatted(style), "\(ms)")
            #expect(Event.parseTimestamp(text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == ms)
        }
        #expect(Event.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Event.parseTimestamp("2026-11-28T22:40:00+08:00") == Event.parseTimestamp("2026-11-28T14:40:00.000Z"))
        #expect(Event.parseTimestamp("2026-13-28T14:40:00.000Z") == nil)
    }
}
