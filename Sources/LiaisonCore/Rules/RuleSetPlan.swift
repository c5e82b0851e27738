import Foundation

/// What installing a rule set would do, with an id to hold it to: `rules
/// plan` shows it, `rules apply ID` installs the set only while recomputing
/// the plan gives the same id. The id is a digest of the set itself and of
/// each affected open case's id, pinned version and planned outcome, so it
/// changes when the rules change or when what they would do to a case does
/// (a case opened, a step done that moves no deadline any more), and not
/// when unrelated work happens.
public struct RuleSetPlan: Codable, Sendable, Equatable {
    /// 12 hex digits: the start of a SHA-256.
    public var id: String
    /// The set, "accident v3", in kind order.
    public var rulebooks: [String]
    /// Every open case the set would migrate or keep on its version, by case id.
    public var cases: [CasePlan]

    public init(_ books: [Rulebook], cases: [CasePlan]) {
        let sorted = books.sorted { $0.kind.rawValue < $1.kind.rawValue }
        rulebooks = sorted.map { "\($0.kind.rawValue) v\($0.version)" }
        self.cases = cases.sorted { $0.caseID < $1.caseID }
        id = String(SHA256.hex(Self.canonical(sorted, self.cases)).prefix(12))
    }

    /// The bytes the id digests: each rulebook as sorted-key JSON without
    /// the file places it was read from (the same rules from another
    /// directory are the same set), then one line per affected case.
    static func canonical(_ books: [Rulebook], _ cases: [CasePlan]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out: [UInt8] = Array("liaison rule-set plan 1\n".utf8)
        for var book in books {
            book.source = ""
            book.steps = book.steps.map { var s = $0; s.source = ""; return s }
            // Rulebook is plain data (strings, numbers, enums); encoding cannot fail.
            out += (try? encoder.encode(book)).map(Array.init) ?? Array("\(book)".utf8)
            out.append(0x0A)
        }
        func ms(_ d: Date?) -> String { d.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "-" }
        for p in cases {
            var line = "case \(p.caseID) \(p.kind.rawValue) \(p.fromVersion)->\(p.toVersion) \(p.action.rawValue)"
            if let reason = p.reason { line += " reason=\(reason)" }
            for c in p.changes { line += " \(c.change):\(c.step):\(ms(c.oldDue)):\(ms(c.newDue))" }
            out += Array((line + "\n").utf8)
        }
        return out
    }
}
