import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RetentionPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What a retention purge now would remove, per class and per student, and why (office, administrator).",
        discussion: """
            Each class of personal data (case_content, contacts, messages, contact_details) is kept the period \
            liaison.yaml's retention: gives after the student leaves (a withdrawal, graduation or expulsion on their \
            records); then the daily purge empties it, keeping the case, its kind, dates and steps. This lists what is \
            due now: per class, the students, rows and events; per student, the cases and guardians and the rule that \
            makes each due. Ids, dates and counts only. Changes nothing. See docs/RETENTION.md.
            Example: liaisonctl retention plan --limit 20; liaisonctl retention plan --json
            """)

    @Option(help: "At most this many students (1–1000).") var limit = 100
    @Option(help: "Continue after this student id (the previous page's next).") var after: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.retentionPlan, RetentionPlanParams(limit: limit, after: after), as: RetentionPlan.self) { plan, display in
            Self.render(plan, display)
        }
    }

    static func render(_ plan: RetentionPlan, _ display: Display) -> String {
        var periods = TextTable(["class", "kept after leaving", "holds"])
        for p in plan.periods { periods.add([p.dataClass.rawValue, p.period, p.holds]) }
        var totals = TextTable(["class", "students", "rows", "events"])
        for t in plan.totals { totals.add([t.dataClass.rawValue, "\(t.students)", t.itemsText.isEmpty ? "—" : t.itemsText, "\(t.events)"]) }
        var students = TextTable(["student", "left", "class", "due since", "cases / guardians", "rows", "events", "why"])
        for s in plan.students {
            for (i, d) in s.due.enumerated() {
                let whose = (d.cases + d.guardians + d.households.map { "household \($0)" }).joined(separator: " ")
                students.add([i == 0 ? s.studentID : "", i == 0 ? s.left : "", d.dataClass.rawValue, display.time(d.since),
                              whose.isEmpty ? "—" : whose, RetentionTotal(dataClass: d.dataClass, items: d.items).itemsText, "\(d.events)",
                              d.rules.joined(separator: " | ")])
            }
        }
        return """
            retention at \(display.time(plan.now)) school time
            \(periods.render())

            a purge now would remove:
            \(totals.render())

            \(renderPage(students, shown: plan.students.count, total: plan.total, noun: "students with data due", next: plan.next))
            """
    }
}
