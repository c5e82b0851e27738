import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RetentionPurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove now the personal data whose retention period has ended (office, administrator).",
        discussion: """
            Does now what the daily purge does at retention.daily_at: empties what `retention plan` lists, in the \
            tables and in the event log's payloads, in batches, and leaves one audit row (retention.purge) with the \
            counts. Cannot be undone; the case, its kind, dates and steps stay. See docs/RETENTION.md.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.retentionPurge, Empty(), as: RetentionPurgeResult.self) { r, display in
            var t = TextTable(["class", "students", "rows", "events"])
            for c in r.totals { t.add([c.dataClass.rawValue, "\(c.students)", c.itemsText.isEmpty ? "—" : c.itemsText, "\(c.events)"]) }
            return "purged at \(display.time(r.at)) school time: \(r.students) students, \(r.batches) batches; audit row \(r.auditSeq)\n" + t.render()
        }
    }
}
