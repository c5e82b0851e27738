import Foundation
import LiaisonConfig
import LiaisonCore
import Testing

/// school.terms and school.vacations (issue 16.1): read into one calendar,
/// every mistake named at its file:line:column.
@Suite struct CalendarConfigTests {
    func parse(_ yaml: String) throws -> DaemonConfig { try DaemonConfig.parse(YAMLNode.parse(yaml, file: "liaison.yaml")) }
    func message(_ yaml: String) -> String? {
        (#expect(throws: LiaisonError.self) { try parse(yaml) })?.message
    }
    let two = """
        school:
          terms:
            - {id: 2026-2027-1, start: 2026-09-07, end: 2027-01-15}
            - {id: 2026-2027-2, start: 2027-03-01, end: 2027-07-09}
          vacations:
            - {id: 2027-winter, kind: winter, start: 2027-01-16, end: 2027-02-28}

        """

    @Test func termsAndVacationsAreRead() throws {
        let c = try parse(two)
        #expect(c.academic.terms == [AcademicTerm(id: "2026-2027-1", start: "2026-09-07", end: "2027-01-15"),
                                     AcademicTerm(id: "2026-2027-2", start: "2027-03-01", end: "2027-07-09")])
        #expect(c.academic.vacations == [Vacation(id: "2027-winter", kind: .winter, start: "2027-01-16", end: "2027-02-28")])
        #expect(c.schoolCalendar.academic == c.academic)
    }

    @Test func eachMistakeIsNamedWhereItIsWritten() {
        func term(_ entry: String) -> String { "school:\n  terms:\n    - \(entry)\n" }
        #expect(message(term("{id: 2026-1, start: 2026-09-07, end: 2027-01-15}"))?
            .hasPrefix("liaison.yaml:3:12: term id \"2026-1\" is not YEAR-NEXTYEAR-N") == true)
        #expect(message(term("{id: 2026-2028-1, start: 2026-09-07, end: 2027-01-15}"))?.contains("is not YEAR-NEXTYEAR-N") == true)
        #expect(message(term("{id: 2026-2027-3, start: 2026-09-07, end: 2027-01-15}"))?.contains("is not YEAR-NEXTYEAR-N") == true)
        #expect(message(term("{id: 2026-2027-1, start: 2026-09-31, end: 2027-01-15}"))?
            .hasPrefix("liaison.yaml:3:32: term 2026-2027-1 start \"2026-09-31\" is not a date") == true)
        #expect(message(term("{id: 2026-2027-1, start: 2026-09-07, end: 2026-09-01}"))?
            .hasPrefix("liaison.yaml:3:49: term 2026-2027-1 ends (2026-09-01) before it starts (2026-09-07)") == true)
        #expect(message(term("{id: 2026-2027-2, start: 2026-09-07, end: 2027-01-15}"))?
            .hasPrefix("liaison.yaml:3:32: term 2026-2027-2 starts 2026-09-07, but a second term of 2026–2027 starts in 2027") == true)
        #expect(message(term("{id: 2026-2027-1, start: 2026-09-07}"))?.hasPrefix("liaison.yaml:3:7: a term needs id, start and end") == true)
        #expect(message(term("{id: 2026-2027-1, start: 2026-09-07, end: 2027-01-15, weeks: 19}"))?.hasPrefix("liaison.yaml:3:") == true)
        #expect(message("school:\n  vacations:\n    - {id: 2027-winter, kind: spring, start: 2027-01-16, end: 2027-02-28}\n")?
            .hasPrefix("liaison.yaml:3:31: vacation 2027-winter: kind \"spring\" is not winter or summer") == true)
    }

    @Test func theCalendarAsAWholeIsChecked() {
        let overlap = """
            school:
              terms:
                - {id: 2026-2027-1, start: 2026-09-07, end: 2027-03-05}
                - {id: 2026-2027-2, start: 2027-03-01, end: 2027-07-09}

            """
        #expect(message(overlap)?.hasPrefix("liaison.yaml:3:5: school calendar: terms 2026-2027-1 (2026-09-07 to 2027-03-05) and 2026-2027-2 (2027-03-01 to 2027-07-09) overlap") == true,
                "\(message(overlap) ?? "")")
        let intoTerm = two.replacingOccurrences(of: "end: 2027-02-28", with: "end: 2027-03-02")
        #expect(message(intoTerm)?.contains("vacation 2027-winter (2027-01-16 to 2027-03-02) overlaps term 2026-2027-2 (2027-03-01 to 2027-07-09)") == true)
        let twice = "school:\n  terms:\n    - {id: 2026-2027-1, start: 2026-09-07, end: 2026-10-15}\n    - {id: 2026-2027-1, start: 2026-11-01, end: 2027-01-15}\n"
        #expect(message(twice)?.contains("term 2026-2027-1 is given twice") == true)
    }

    @Test func contactIntervalsPerTier() throws {
        #expect(try parse("database: x.db\n").contactIntervals == ContactIntervals())
        let c = try parse("obligations:\n  intervals: {general: term, key: 4w, special: 10d}\n")
        #expect(c.contactIntervals[.general] == .term && c.contactIntervals[.key] == .days(28) && c.contactIntervals[.special] == .days(10))
        #expect(message("obligations:\n  intervals: {key: monthly}\n")?
            .hasPrefix("liaison.yaml:2:20: obligations.intervals.key \"monthly\" is not an interval; write term (once a term), 14d or 2w") == true)
        #expect(message("obligations:\n  intervals: {vip: 7d}\n")?.hasPrefix("liaison.yaml:2:") == true)
        #expect(try parse("database: x.db\n").digestAt == nil, "no digest unless the config asks for one")
        #expect(try parse("obligations:\n  digest_at: \"07:45\"\n").digestAt == DailyTime(hour: 7, minute: 45))
        #expect(try parse("obligations:\n  digest_at: none\n").digestAt == nil)
        #expect(message("obligations:\n  digest_at: \"8am\"\n")?
            .hasPrefix("liaison.yaml:2:14: obligations.digest_at \"8am\" is not a time of day") == true)
    }
}
