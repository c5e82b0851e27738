import Foundation
import LiaisonCore
import LiaisonStore
import Logging

extension Engine {
    /// What installing `books` would do to each open case. The same function
    /// decides what `installRulebooks` then does, so the plan is exactly
    /// what a reload applies.
    public func planRulebooks(_ books: [Rulebook]) throws -> [CasePlan] {
        try store.read { try plans(books, $0) }
    }

    /// Installs a validated set: pins each version, migrates the open cases
    /// their plan lets migrate, all in one transaction; then new cases use it.
    @discardableResult
    public func installRulebooks(_ books: [Rulebook]) throws -> [CasePlan] {
        let now = clock.now()
        let applied = try store.write { tx -> [CasePlan] in
            let plans = try plans(books, tx)
            for b in books { try tx.pin(b) }
            let byKind = Dictionary(books.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
            for p in plans where p.action == .migrate {
                guard let c = try tx.caseRecord(p.caseID), let book = byKind[c.kind] else { continue }
                let (event, effects) = RulebookMigration.apply(p, c, book: book, now: now)
                try Projector.record([event], in: tx)
                try perform(effects, tx, now: now)
            }
            return plans
        }
        setRulebooks(books)
        committed()
        let migrated = applied.filter { $0.action == .migrate }.count, stay = applied.filter { $0.action == .stay }
        if migrated + stay.count > 0 {
            logger.notice("rulebooks installed: \(migrated) open cases moved to the new versions, \(stay.count) keep theirs")
            for s in stay { logger.warning("\(s.caseID): \(s.reason ?? "")", metadata: ["case_id": "\(s.caseID)"]) }
        }
        return applied
    }

    func plans(_ books: [Rulebook], _ tx: any StoreReader) throws -> [CasePlan] {
        // A changed rulebook must say so with a new version: cases pin versions.
        for b in books {
            if let pinned = try tx.pinnedRulebook(kind: b.kind, version: b.version), !Self.sameRules(pinned, b) {
                throw LiaisonError.invalid("\(b.source): the \(b.kind.rawValue) rulebook changed but kept version \(b.version), which open or past cases are pinned to; raise version: to \(b.version + 1)")
            }
        }
        let byKind = Dictionary(books.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [CasePlan] = []
        for c in try tx.cases(CaseFilter(state: .open, limit: 1_000_000)) {
            guard let new = byKind[c.kind], let old = try tx.pinnedRulebook(kind: c.kind, version: c.rulebookVersion) else { continue }
            let p = RulebookMigration.plan(c, student: try tx.student(c.studentID), from: old, to: new, calendar: calendar)
            if p.action != .unchanged { out.append(p) }
        }
        return out.sorted { $0.caseID < $1.caseID }
    }

    /// The same rules, wherever the files were read from.
    static func sameRules(_ a: Rulebook, _ b: Rulebook) -> Bool {
        func strip(_ r: Rulebook) -> Rulebook {
            var r = r
            r.source = ""
            r.steps = r.steps.map { var s = $0; s.source = ""; return s }
            return r
        }
        return strip(a) == strip(b)
    }
}
