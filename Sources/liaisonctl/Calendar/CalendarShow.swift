import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "The academic calendar the daemon counts by: terms, vacations, working days.",
        subcommands: [CalendarShow.self])
}

struct CalendarShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Terms and vacations, today's term, holidays and make-up working days (调休).",
        discussion: "The calendar is school.terms, school.vacations, school.holidays and school.workdays in the daemon config; docs/DEPLOY.md says how to add the next academic year.")
    @Option(help: "Only this term, e.g. 2026-2027-1: its working days, holidays and the vacations beside it.") var term: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.calendarShow, CalendarShowParams(term: term), as: CalendarView.self) { v, display in
            var lines = [display.fields([
                ("today", "\(v.today) (\(v.timeZone))" + (v.vacationToday.map { "，\($0)" } ?? "")),
                ("term", v.currentTerm + (v.configured ? "" : " (not in school.terms: guessed from the month)")),
            ])]
            var t = TextTable(["term 学期", "first day", "last day", "weeks", "working days", ""])
            for term in v.terms {
                t.add([term.id, term.start, term.end, String(term.weeks), String(term.workingDays), term.current ? "← now" : ""])
            }
            lines.append(v.terms.isEmpty ? "no terms: school.terms in the daemon config is empty" : t.render())
            if !v.vacations.isEmpty {
                var vt = TextTable(["vacation 假期", "kind", "first day", "last day"])
                for x in v.vacations { vt.add([x.id, "\(x.kind.rawValue) \(x.kind.chineseName)", x.start, x.end]) }
                lines.append(vt.render())
            }
            lines.append("holidays 节假日: " + (v.holidays.isEmpty ? "none" : v.holidays.joined(separator: ", ")))
            lines.append("make-up working days 调休: " + (v.workdays.isEmpty ? "none" : v.workdays.joined(separator: ", ")))
            return lines.joined(separator: "\n\n")
        }
    }
}
