import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct Deadlines: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pending and missed deadlines of open cases, soonest first: for supervisors.")

    @Option(help: "Only this college.") var college: String?
    @Flag(help: "Only deadlines already missed.") var overdue = false
    @Option(help: "Only those due within this span, e.g. 24h, 3d.") var dueWithin: String?
    @Flag(help: "Redraw every few seconds until interrupted.") var watch = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session { client, display in
            let params = DeadlinesParams(college: college, overdue: overdue, dueWithin: dueWithin)
            repeat {
                let r = try client.call(Method.deadlines, params, as: DeadlinesResult.self)
                if watch && !global.json { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                try global.emit(r) { Self.render(r, display) }
                if watch { Thread.sleep(forTimeInterval: 5) }
            } while watch
        }
    }

    static func render(_ r: DeadlinesResult, _ display: Display) -> String {
        var t = TextTable(["due", "left", "case", "kind", "step", "student", "college", "counselor"])
        for row in r.rows {
            let left = row.due.timeIntervalSince(r.now)
            t.add([display.time(row.due), left < 0 ? "OVERDUE \(Duration.words(left))" : Duration.words(left), row.caseID,
                   row.kind.chineseName, row.stepID, "\(row.studentID) \(row.studentName)", row.college, row.counselorID])
        }
        return t.render() + "\n\(r.rows.count) deadlines, \(r.rows.filter(\.missed).count) missed — as of \(display.time(r.now))"
    }
}
