import Foundation
import Testing
@testable import LiaisonCore

/// The retention rule, pure (issue 14.6; docs/RETENTION.md): who has left,
/// what is due when and why, what is kept.
@Suite struct RetentionRuleTests {
    let cal = SchoolCalendar()
    let policy = RetentionPolicy()
    func at(_ s: String) -> Date { cal.parse(s)! }
    func status(_ student: String, _ level: StatusChange, _ date: String) -> StudentRecord {
        StudentRecord(studentID: student, kind: .status, level: level.rawValue, date: date)
    }

    @Test func aStudentLeavesByTheirLatestStatusChange() throws {
        let d = try #require(RetentionRule.departure([status("S1", .suspension, "2019-03-01"), status("S1", .withdrawal, "2020-06-30")],
                                                     policy: policy, calendar: cal))
        #expect(d.why == .withdrawal && d.date == "2020-06-30" && d.at == at("2020-06-30") && d.description == "2020-06-30 退学 (withdrawal)")
        // Graduation and expulsion end it too.
        #expect(RetentionRule.departure([status("S1", .graduation, "2026-06-30")], policy: policy, calendar: cal)?.why == .graduation)
        let expelled = StudentRecord(studentID: "S1", kind: .sanction, level: SanctionLevel.expulsion.rawValue, date: "2025-01-10")
        #expect(RetentionRule.departure([expelled], policy: policy, calendar: cal)?.why == .expulsion)
        // A lesser sanction, an award or a tier says nothing about standing.
        let demerit = StudentRecord(studentID: "S1", kind: .sanction, level: SanctionLevel.demerit.rawValue, date: "2026-01-10")
        let tier = StudentRecord(studentID: "S1", kind: .tier, level: Tier.key.rawValue, date: "2026-02-01", reasons: "心理")
        #expect(RetentionRule.departure([status("S1", .withdrawal, "2020-06-30"), demerit, tier], policy: policy, calendar: cal)?.date == "2020-06-30")
    }

    @Test func aStudentStillEnrolledHasNotLeft() {
        // No standing record at all; a suspension; a withdrawal followed by a resumption (复学).
        #expect(RetentionRule.departure([], policy: policy, calendar: cal) == nil)
        #expect(RetentionRule.departure([status("S1", .suspension, "2020-06-30")], policy: policy, calendar: cal) == nil)
        #expect(RetentionRule.departure([status("S1", .withdrawal, "2020-06-30"), status("S1", .resumption, "2021-02-20")],
                                        policy: policy, calendar: cal) == nil)
        // On the same day, a change that is not a leaving wins: a purge cannot be undone.
        #expect(RetentionRule.departure([status("S1", .withdrawal, "2020-06-30"), status("S1", .majorChange, "2020-06-30")],
                                        policy: policy, calendar: cal) == nil)
        // Transfer (转学) is not a leaving by default (it does not say which way), only when configured.
        #expect(RetentionRule.departure([status("S1", .transfer, "2020-06-30")], policy: policy, calendar: cal) == nil)
        var withTransfer = policy
        withTransfer.leaving.insert(.transfer)
        #expect(RetentionRule.departure([status("S1", .transfer, "2020-06-30")], policy: withTransfer, calendar: cal)?.why == .transfer)
    }

    @Test func eachClassIsDueItsPeriodAfterTheStudentLeft() throws {
        let left = ["S1": Departure(at: at("2023-09-08"), why: .withdrawal, date: "2023-09-08")]
        let caseItem = HeldItem(kind: .caseFile, id: "C2023-0001", students: ["S1"], date: at("2023-05-01 10:00"), events: [3, 4], row: true)
        let guardian = HeldItem(kind: .guardian, id: "G1", students: ["S1"], events: [2], row: true)
        // Case content: 3 years; contact details: 1 year.
        let now = at("2026-09-07 08:00")
        let c = RetentionRule.verdict(caseItem, departures: left, policy: policy, now: now, calendar: cal)
        #expect(c.state == .notYet && c.on == at("2026-09-08"), "\(c)")
        #expect(c.why == "S1 left 2023-09-08 退学 (withdrawal); case_content kept 3 years → 2026-09-08 00:00", "\(c.why)")
        let g = RetentionRule.verdict(guardian, departures: left, policy: policy, now: now, calendar: cal)
        #expect(g.state == .due && g.on == at("2024-09-08"), "\(g)")
        // The day it ends, it is due.
        #expect(RetentionRule.verdict(caseItem, departures: left, policy: policy, now: at("2026-09-08"), calendar: cal).state == .due)
        // A case closed after the student left counts from its closing.
        let late = HeldItem(kind: .caseFile, id: "C2024-0002", students: ["S1"], date: at("2024-01-05 16:00"), row: true)
        let v = RetentionRule.verdict(late, departures: left, policy: policy, now: at("2026-09-08"), calendar: cal)
        #expect(v.state == .notYet && v.on == at("2027-01-05 16:00") && v.why.contains("case C2024-0002 closed 2024-01-05 16:00"), "\(v)")
    }

    @Test func nothingOpenNothingOfAnEnrolledStudentAndNothingKeptForeverIsDue() {
        let left = ["S1": Departure(at: at("2010-06-30"), why: .withdrawal, date: "2010-06-30")]
        let now = at("2026-09-07")
        let open = HeldItem(kind: .caseFile, id: "C1", students: ["S1"], open: true, row: true)
        #expect(RetentionRule.verdict(open, departures: left, policy: policy, now: now, calendar: cal) == RetentionVerdict(.kept, "case C1 is open"))
        let sending = HeldItem(kind: .message, id: "7", students: ["S1"], caseID: "C1", open: true, row: true)
        #expect(RetentionRule.verdict(sending, departures: left, policy: policy, now: now, calendar: cal).state == .kept)
        let enrolled = HeldItem(kind: .contact, id: "12", students: ["S2"], date: at("2026-01-01"), events: [12], row: true)
        #expect(RetentionRule.verdict(enrolled, departures: left, policy: policy, now: now, calendar: cal)
                == RetentionVerdict(.kept, "student S2 has not left"))
        var forever = policy
        forever.periods[.contacts] = .never
        let contact = HeldItem(kind: .contact, id: "12", students: ["S1"], date: at("2010-01-01"), events: [12], row: true)
        #expect(RetentionRule.verdict(contact, departures: left, policy: forever, now: now, calendar: cal).state == .kept)
        #expect(RetentionRule.verdict(contact, departures: left, policy: policy, now: now, calendar: cal).state == .due)
    }

    @Test func aGuardianOfAStudentStillEnrolledKeepsTheirDetails() {
        let sibling = HeldItem(kind: .guardian, id: "G1", students: ["S1", "S2"], events: [2], row: true)
        let onlyOne = ["S1": Departure(at: at("2020-06-30"), why: .graduation, date: "2020-06-30")]
        let v = RetentionRule.verdict(sibling, departures: onlyOne, policy: policy, now: at("2026-09-07"), calendar: cal)
        #expect(v == RetentionVerdict(.kept, "student S2, one of its students, has not left"), "\(v)")
        // Both left: due a period after the later leaving.
        var both = onlyOne
        both["S2"] = Departure(at: at("2026-06-30"), why: .graduation, date: "2026-06-30")
        let w = RetentionRule.verdict(sibling, departures: both, policy: policy, now: at("2026-09-07"), calendar: cal)
        #expect(w.state == .notYet && w.on == at("2027-06-30") && w.why.hasPrefix("S2 left 2026-06-30 毕业 (graduation)"), "\(w)")
    }

    @Test func theCutEmptiesPersonalFieldsOnceAndKeepsTheSkeleton() throws {
        let opened = ["kind": "accident", "summary": "体育课摔伤", "counselor": "T0101", "occurred_at": "2020-03-01T02:00:00.000Z", "steps": "notify-parents"]
        let cut = try #require(RetentionCut.cut(opened, type: .caseOpened, day: "2026-09-07"))
        #expect(cut == opened.merging(["summary": "", "purged": "case_content 2026-09-07"]) { $1 })
        // Cut already: nothing more to do.
        #expect(RetentionCut.cut(cut, type: .caseOpened, day: "2026-09-08") == nil)
        let guardian = ["id": "G1", "name": "张建国", "phone": "+8613900000001", "wechat": "zhangjg", "students": "S1 父亲", "household_id": "G1"]
        let g = try #require(RetentionCut.cut(guardian, type: .guardianChanged, day: "2026-09-07"))
        #expect(g["name"] == "" && g["phone"] == "" && g["wechat"] == "" && g["students"] == "S1 父亲" && g["qq"] == nil && g["purged"] == "contact_details 2026-09-07")
        // Replaying a cut guardian still gives a guardian of their students.
        #expect(RosterGuardian(fields: g)?.students == [GuardianLink(studentID: "S1", relation: "父亲")])
        // Events with nothing personal are not touched.
        #expect(RetentionCut.cut(["step": "notify-parents"], type: .deadlineMissed, day: "2026-09-07") == nil)
        #expect(RetentionCut.types(of: .contacts) == [.contactLogged])
    }

    @Test func periodsAndDailyTimesRead() {
        #expect(RetentionPeriod(text: "3") == .years(3) && RetentionPeriod(text: "3 years") == .years(3) && RetentionPeriod(text: "1 year") == .years(1))
        #expect(RetentionPeriod(text: "18 months") == .months(18) && RetentionPeriod(text: "90d") == .days(90) && RetentionPeriod(text: "2年") == .years(2))
        #expect(RetentionPeriod(text: "never") == .never && RetentionPeriod(text: "soon") == nil && RetentionPeriod(text: "-1 years") == nil)
        #expect(RetentionPeriod.years(1).description == "1 year" && RetentionPeriod.months(18).description == "18 months")
        #expect(RetentionPeriod.months(1).end(after: at("2026-01-31"), calendar: cal) == at("2026-02-28"))
        let t = DailyTime(text: "03:30")!
        #expect(DailyTime(text: "3:30") == nil && DailyTime(text: "24:00") == nil && t.description == "03:30")
        #expect(t.latest(atOrBefore: at("2026-09-08 03:29"), calendar: cal) == at("2026-09-07 03:30"))
        #expect(t.latest(atOrBefore: at("2026-09-08 03:30"), calendar: cal) == at("2026-09-08 03:30"))
        #expect(t.next(after: at("2026-09-07 08:00"), calendar: cal) == at("2026-09-08 03:30"))
    }

    @Test func thePlanGroupsByStudentPagesAndCounts() {
        let left = ["S1": Departure(at: at("2010-06-30"), why: .withdrawal, date: "2010-06-30"),
                    "S2": Departure(at: at("2011-06-30"), why: .graduation, date: "2011-06-30")]
        let shared = HeldItem(kind: .guardian, id: "G1", students: ["S1", "S2"], events: [1], row: true)
        let holdings: [(student: String, items: [HeldItem])] = [
            ("S1", [HeldItem(kind: .caseFile, id: "C1", students: ["S1"], date: at("2010-01-01"), events: [5, 6], row: true),
                    HeldItem(kind: .message, id: "9", students: ["S1"], caseID: "C1", date: at("2010-01-01"), row: true), shared]),
            ("S2", [shared, HeldItem(kind: .caseFile, id: "C2", students: ["S2"], open: true, row: true)]),
        ]
        let evals = RetentionRule.evaluate(holdings, departures: left, policy: policy, now: at("2026-09-07"), calendar: cal)
        // The shared guardian is evaluated once, under the first student.
        #expect(evals.count == 4 && evals.filter { $0.item.id == "G1" }.map(\.owner) == ["S1"])
        let plan = RetentionPlan.make(evals, departures: left, policy: policy, now: at("2026-09-07"), after: nil, limit: 10)
        // S2's only item of its own is an open case: nothing of S2 is due.
        #expect(plan.total == 1 && plan.next == nil && plan.students.map(\.studentID) == ["S1"])
        let s1 = plan.students[0]
        #expect(s1.left == "2010-06-30 退学 (withdrawal)" && s1.due.map(\.dataClass) == [.caseContent, .messages, .contactDetails])
        #expect(s1.due[0].cases == ["C1"] && s1.due[0].events == 2 && s1.due[1].cases == ["C1"] && s1.due[2].guardians == ["G1"])
        #expect(plan.totals.first { $0.dataClass == .caseContent } == RetentionTotal(dataClass: .caseContent, students: 1, items: ["case": 1], events: 2))
        #expect(plan.periods.map(\.period) == ["3 years", "1 year", "1 year", "1 year"])
        let page = RetentionPlan.make(evals, departures: left, policy: policy, now: at("2026-09-07"), after: "S1", limit: 10)
        #expect(page.students.isEmpty && page.total == 1)
    }
}
