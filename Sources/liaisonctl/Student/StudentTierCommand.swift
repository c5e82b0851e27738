import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StudentTierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tier", abstract: "A student's tier (special 特殊, key 重点, general 一般) and its history; --set changes it, with the reasons (P3.1).",
        discussion: """
            Special: mental illness, severe financial hardship, disability, serious illness, family crisis, …; key: academic warning, \
            discipline, repeated absence, …. The tier sets how often the parents are owed a contact (liaisonctl obligations). A tier set \
            here stands though a later students.csv says otherwise (the import keeps it and warns tier_kept); a later tier record \
            in records.csv replaces it. The reasons are sensitive: only those who answer for the student read them, and each read is audited.
            """)
    @Argument(help: "Student id.") var id: String
    @Option(help: "The new tier: special, key or general (特殊, 重点, 一般).") var set: String?
    @Option(help: "Why: required with --set; with a read, break-glass (the office and administrators, out of scope).") var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let render: (StudentTier, Display) -> String = { v, _ in
            var t = TextTable(["since", "tier", "reasons", "set by"])
            for r in v.history {
                let tier = Tier(rawValue: r.level)
                t.add([r.date, tier.map { "\($0.rawValue) \($0.chineseName)" } ?? r.level, r.reasons,
                       r.document == TierChange.source ? "Liaison" : "records.csv"])
            }
            return "\(v.studentID) \(v.name): \(v.tier.rawValue) \(v.tier.chineseName)\n\n" + (v.history.isEmpty ? "no tier records" : t.render())
        }
        if let set {
            try global.call(Method.studentTierSet, StudentTierParams(id: id, tier: set, reason: reason ?? ""), as: StudentTier.self, human: render)
        } else {
            try global.call(Method.studentTier, ReadParams(id: id, reason: reason), as: StudentTier.self, human: render)
        }
    }
}
