import Foundation
import LiaisonCore
import Testing

/// The academic calendar (issue 16.1): which term a day counts for, with
/// and without configured terms, and the working days the views count.
@Suite struct AcademicCalendarTests {
    let academic = AcademicCalendar(
        terms: [AcademicTerm(id: "2026-2027-2", start: "2027-03-01", end: "2027-07-09"),
                AcademicTerm(id: "2026-2027-1", start: "2026-09-07", end: "2027-01-15")],
        vacations: [Vacation(id: "2027-winter", kind: .winter, start: "2027-01-16", end: "2027-02-28")])
    var calendar: SchoolCalendar { SchoolCalendar(holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
                                                  workdays: ["2026-09-27", "2026-10-10"], academic: academic) }

    @Test func aDayCountsForTheTermInProgressOrTheNext() throws {
        let c = calendar
        #expect(c.academic.terms.map(\.id) == ["2026-2027-1", "2026-2027-2"], "kept in order of their first days")
        func term(_ text: String) -> String { c.term(containing: c.parse(text)!) }
        #expect(term("2026-09-07 00:00") == "2026-2027-1" && term("2027-01-15 23:59") == "2026-2027-1")
        // The winter vacation counts for the spring term; the month alone would say the autumn one.
        #expect(term("2027-01-16 00:00") == "2026-2027-2" && term("2027-02-10") == "2026-2027-2")
        #expect(term("2027-07-09 18:00") == "2026-2027-2")
        // August before the first configured term counts for it; after the last term, the month decides.
        #expect(term("2026-08-20") == "2026-2027-1" && c.academicTerm(containing: c.parse("2026-08-20")!)?.id == "2026-2027-1")
        #expect(term("2026-07-20") == "2025-2026-2" && c.academicTerm(containing: c.parse("2026-07-20")!) == nil)
        #expect(term("2027-08-01") == "2027-2028-1" && c.academicTerm(containing: c.parse("2027-08-01")!) == nil)
        #expect(c.academic.vacation(onDay: "2027-02-01")?.id == "2027-winter" && c.academic.vacation(onDay: "2027-03-01") == nil)
        // School time, not UTC: 2027-01-15 23:30 and 2027-01-16 00:30 in Beijing are both still the 15th in UTC.
        let lastEvening = try! Date("2027-01-15T15:30:00Z", strategy: .iso8601), afterMidnight = try! Date("2027-01-15T16:30:00Z", strategy: .iso8601)
        #expect(c.day(of: lastEvening) == "2027-01-15" && c.term(containing: lastEvening) == "2026-2027-1")
        #expect(c.day(of: afterMidnight) == "2027-01-16" && c.term(containing: afterMidnight) == "2026-2027-2")
    }

    @Test func theViewCountsWeeksAndWorkingDays() throws {
        let c = calendar
        let v = try CalendarView(c, now: c.parse("2026-12-08 10:00")!)
        #expect(v.today == "2026-12-08" && v.currentTerm == "2026-2027-1" && v.configured && v.vacationToday == nil)
        let autumn = try #require(v.terms.first)
        // 2026-09-07 (Mon) to 2027-01-15 (Fri): 19 weeks, 95 weekdays, less 5 National Day holidays, plus 2 make-up Saturdays/Sundays.
        #expect(autumn.weeks == 19 && autumn.workingDays == 95 - 5 + 2 && autumn.current, "\(autumn)")
        #expect(v.holidays.count == 5 && v.workdays == ["2026-09-27", "2026-10-10"])
        let spring = try CalendarView(c, now: c.parse("2027-02-01")!, term: "2026-2027-2")
        #expect(spring.terms.map(\.id) == ["2026-2027-2"] && spring.vacations.map(\.id) == ["2027-winter"] && spring.holidays.isEmpty)
        #expect(spring.vacationToday == "2027-winter" && spring.currentTerm == "2026-2027-2")
        let e = #expect(throws: LiaisonError.self) { try CalendarView(c, now: Date(), term: "2030-2031-1") }
        #expect(e?.message == "no term 2030-2031-1 in the calendar; it has 2026-2027-1, 2026-2027-2")
    }

    @Test func theStartWarnsBeforeTheCalendarRunsOut() {
        let c = calendar
        #expect(c.calendarGap(at: c.parse("2026-12-08")!) == nil)
        #expect(c.calendarGap(at: c.parse("2027-05-20")!) == "the academic calendar ends with term 2026-2027-2 on 2027-07-09")
        #expect(c.calendarGap(at: c.parse("2027-08-20")!) == "the academic calendar ended with term 2026-2027-2 on 2027-07-09")
        #expect(SchoolCalendar().calendarGap(at: Date())?.hasPrefix("school.terms is empty") == true)
    }

    @Test func termIDs() {
        #expect(AcademicTerm.parts(of: "2026-2027-1")! == (2026, 1) && AcademicTerm.parts(of: "2026-2027-2")! == (2026, 2))
        for bad in ["2026-2027-3", "2026-2028-1", "2026-2027", "26-27-1", "2026-2027-01", "2026-2027-1x", ""] {
            #expect(AcademicTerm.parts(of: bad) == nil, "\(bad)")
        }
    }
}

/// Day numbers (the obligations' arithmetic) agree with Foundation's calendar.
@Suite struct DayNumberTests {
    @Test func dayNumbersRoundTripAndMatchTheCalendar() {
        let c = SchoolCalendar()
        for day in ["1970-01-01", "2000-02-29", "2026-12-08", "2027-01-15", "2028-02-29", "2099-12-31"] {
            let n = SchoolCalendar.dayNumber(day)!
            #expect(SchoolCalendar.dayText(n) == day)
            #expect(c.dayNumber(of: c.startOfDay(day)!) == n && c.dayNumber(of: c.startOfDay(day)!.addingTimeInterval(86399)) == n)
            #expect(SchoolCalendar.dayText(n + 1) == c.nextDay(day))
        }
        for bad in ["2026-13-01", "2026-02-31", "2026-1-01", "20261201", "2026-12-0x", ""] { #expect(SchoolCalendar.dayNumber(bad) == nil, "\(bad)") }
    }
}
