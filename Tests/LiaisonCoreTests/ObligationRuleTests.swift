import Foundation
import LiaisonCore
import Testing

/// The contact obligation (issue 16.3, P2.2.1, P3.1), decided without a
/// process: which period a day falls in, what meets it, what was missed.
@Suite struct ObligationRuleTests {
    let calendar = SchoolCalendar(academic: AcademicCalendar(terms: [AcademicTerm(id: "2026-2027-1", start: "2026-09-07", end: "2027-01-15")]))
    var term: AcademicTerm { calendar.academic.terms[0] }
    func student(_ tier: Tier) -> Student {
        Student(id: "2023010101", name: "张三", gender: "男", college: "旅游管理学院", major: "旅游管理", className: "旅游2301班",
                counselorID: "T0101", tier: tier, phone: "", birthDate: "")
    }
    func contact(_ text: String, _ n: Int = 1) -> ContactEvidence { ContactEvidence(at: calendar.parse(text)!, channel: "phone", source: "contact \(n)") }
    func decide(_ tier: Tier, _ interval: ContactInterval, _ evidence: [ContactEvidence], today: String) -> Obligation {
        ObligationRule.decide(student: student(tier), term: term, interval: interval, evidence: evidence, today: today, calendar: calendar)
    }

    @Test func onceATermIsDueByTheTermsLastDay() {
        let owed = decide(.general, .term, [], today: "2026-12-08")
        #expect(owed.status == .due && owed.periodStart == "2026-09-07" && owed.dueBy == "2027-01-15" && owed.missedPeriods == 0 && owed.satisfiedBy == nil)
        let met = decide(.general, .term, [contact("2026-10-20 15:00")], today: "2026-12-08")
        #expect(met.status == .done && met.satisfiedBy?.source == "contact 1" && met.nextDue == nil, "a term's one contact: nothing more is owed")
        // After the term, an unmet obligation is overdue.
        #expect(decide(.general, .term, [], today: "2027-01-20").status == .overdue)
    }

    @Test func aFortnightlyStudentIsOwedOneEveryFourteenDays() {
        // 2026-12-08 is day 92 of the term: the seventh fortnight, 2026-11-30 to 2026-12-13.
        let none = decide(.special, .days(14), [], today: "2026-12-08")
        #expect(none.periodStart == "2026-11-30" && none.dueBy == "2026-12-13" && none.missedPeriods == 6 && none.status == .overdue)
        // Met last fortnight, not yet in this one: due, not overdue; the earlier five are missed.
        let last = decide(.special, .days(14), [contact("2026-11-25 10:00")], today: "2026-12-08")
        #expect(last.status == .due && last.missedPeriods == 5 && last.lastContact?.source == "contact 1")
        // Met in this fortnight: done, the next owed by the end of the next one.
        let now = decide(.special, .days(14), [contact("2026-11-25 10:00", 1), contact("2026-12-01 09:00", 2)], today: "2026-12-08")
        #expect(now.status == .done && now.satisfiedBy?.source == "contact 2" && now.nextDue == "2026-12-27")
        // A contact on a period's last day, late in the evening school time, counts for that period.
        let edge = decide(.special, .days(14), [contact("2026-11-29 23:30")], today: "2026-12-08")
        #expect(edge.status == .due && edge.missedPeriods == 5)
    }

    @Test func theLastPeriodEndsWithTheTerm() {
        // 2027-01-12 is day 127: the tenth fortnight starts 2027-01-11 and would end 2027-01-24, after the term.
        let o = decide(.special, .days(14), [contact("2027-01-12 10:00")], today: "2027-01-12")
        #expect(o.periodStart == "2027-01-11" && o.dueBy == "2027-01-15" && o.status == .done && o.nextDue == nil)
        // Before the term, the first period is the one owed.
        let early = decide(.key, .days(30), [], today: "2026-08-20")
        #expect(early.periodStart == "2026-09-07" && early.dueBy == "2026-10-06" && early.status == .due && early.missedPeriods == 0)
    }

    @Test func intervalsAreReadAsTheConfigWritesThem() {
        #expect(ContactInterval(text: "term") == .term && ContactInterval(text: "14d") == .days(14) && ContactInterval(text: "2w") == .days(14))
        for bad in ["", "0d", "-3d", "14", "d", "monthly", "1.5d"] { #expect(ContactInterval(text: bad) == nil, "\(bad)") }
        let d = ContactIntervals()
        #expect(d[.general] == .term && d[.key] == .days(30) && d[.special] == .days(14))
    }

    @Test func theMostUrgentComeFirstAndPagesAreExplicit() {
        var a = decide(.special, .days(14), [], today: "2026-12-08"); a.studentID = "A"
        var b = decide(.special, .days(14), [contact("2026-11-25 10:00")], today: "2026-12-08"); b.studentID = "B"
        var c = decide(.general, .term, [], today: "2026-12-08"); c.studentID = "C"
        var e = decide(.general, .term, [contact("2026-10-01 10:00")], today: "2026-12-08"); e.studentID = "E"
        var f = ObligationFilter()
        f.limit = 2
        let first = ObligationPage.make([e, c, b, a], filter: f, term: "2026-2027-1", today: "2026-12-08", calendar: calendar)
        #expect(first.obligations.map(\.studentID) == ["A", "C"] && first.total == 4 && first.next == "C")
        #expect((first.overdue, first.due, first.done) == (1, 2, 1))
        f.after = "C"
        let second = ObligationPage.make([e, c, b, a], filter: f, term: "2026-2027-1", today: "2026-12-08", calendar: calendar)
        #expect(second.obligations.map(\.studentID) == ["B", "E"] && second.next == nil)
        // Due within a week: the overdue, and B (owed by 2026-12-13); not C (owed by the term's end).
        var soon = ObligationFilter()
        soon.dueWithinDays = 7
        #expect(ObligationPage.make([e, c, b, a], filter: soon, term: "", today: "2026-12-08", calendar: calendar).obligations.map(\.studentID) == ["A", "B"])
        soon.overdueOnly = true
        let overdue = ObligationPage.make([e, c, b, a], filter: soon, term: "", today: "2026-12-08", calendar: calendar)
        #expect(overdue.obligations.map(\.studentID) == ["A"] && overdue.total == 1)
        #expect((overdue.overdue, overdue.due, overdue.done) == (1, 2, 1), "the counts are of everyone asked about, not the page's filter")
    }

    @Test func termsOutsideTheCalendarHaveTheMonthsBounds() {
        #expect(calendar.termBounds("2026-2027-1") == term)
        #expect(calendar.termBounds("2030-2031-1") == AcademicTerm(id: "2030-2031-1", start: "2030-08-01", end: "2031-01-31"))
        #expect(calendar.termBounds("2030-2031-2") == AcademicTerm(id: "2030-2031-2", start: "2031-02-01", end: "2031-07-31"))
        #expect(calendar.termBounds("2030") == nil)
    }

    @Test func theDigestCountsAndNamesTheMostUrgent() throws {
        var a = decide(.special, .days(14), [], today: "2026-12-08"); a.studentID = "A"; a.studentName = "甲"
        var b = decide(.special, .days(14), [contact("2026-11-25 10:00")], today: "2026-12-08"); b.studentID = "B"; b.studentName = "乙"
        var c = decide(.general, .term, [], today: "2026-12-08"); c.studentID = "C"; c.studentName = "丙"
        var e = decide(.general, .term, [contact("2026-10-01 10:00")], today: "2026-12-08"); e.studentID = "E"; e.studentName = "戊"
        let text = try #require(ObligationDigest.text([e, c, b, a], term: "2026-2027-1", today: "2026-12-08", calendar: calendar))
        // A overdue; B owed by 12-13 (within 7 days), C by the term's end; E done.
        #expect(text.contains("逾期 1 人，待联系 2 人（其中 7 天内到期 1 人），已联系 1 人"), "\(text)")
        #expect(text.contains("最需联系：甲（") && text.range(of: "甲")!.lowerBound < text.range(of: "乙")!.lowerBound && !text.contains("戊"), "\(text)")
        #expect(ObligationDigest.text([e], term: "2026-2027-1", today: "2026-12-08", calendar: calendar) == nil, "nothing owed, no digest")
    }
}
