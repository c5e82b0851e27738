import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's hash chain; name the first row changed, removed or replaced (office, administrator).",
        discussion: "Exits 1 when the chain is broken, after printing where. Note the head it prints: a log cut at its end can only be noticed against a head noted before.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var broken = false
        try global.session { client, display in
            let v = try client.call(Method.auditVerify, Empty(), as: AuditVerification.self)
            broken = !v.ok
            try global.emit(v) {
                let head = v.lastSeq.map { "head: row \($0), \(v.head)" } ?? "head: empty log"
                guard let bad = v.firstBad else { return "audit log intact: \(v.rows) rows\n\(head)" }
                return display.fields([("audit log", "BROKEN at row \(bad)"), ("why", v.reason ?? ""), ("rows", "\(v.rows)"),
                                       ("stored head", v.lastSeq.map { "row \($0), \(v.head)" } ?? "—")])
            }
        }
        if broken { throw ExitCode(1) }
    }
}
