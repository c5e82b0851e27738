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

    /// The same plan with the id `installRulebooks(_:holdingTo:by:from:)` checks.
    public func planRuleSet(_ books: [Rulebook]) throws -> RuleSetPlan {
        try store.read { RuleSetPlan(books, cases: try plans(books, $0)) }
    }

    /// Installs a validated set: pins each version, migrates the open cases
    /// their plan lets migrate, all in one transaction; then new cases use it.
    @discardableResult
    public func installRulebooks(_ books: [Rulebook]) throws -> [CasePlan] {
        try install(books, holdingTo: nil, by: nil).cases
    }

    /// Installs `books` only if the plan, recomputed inside the installing
    /// transaction (so nothing can change between the check and the
    /// install), still has the id `planID` that a person reviewed. Otherwise
    /// nothing is installed and the refusal (`conflict`) carries the new
    /// plan: its id in the message, each case's outcome in the details.
    /// Recorded in the audit log as `rules.apply` by `actor`, in the
    /// installing transaction.
    @discardableResult
    public func installRulebooks(_ books: [Rulebook], holdingTo planID: String, by actor: Staff, from directory: String) throws -> RuleSetPlan {
        let plan = try install(books, holdingTo: planID, by: (actor, directory))
        logger.notice("rules applied by \(actor.id): plan \(plan.id) from \(directory) (\(plan.rulebooks.joined(separator: ", ")))")
        return plan
    }

    /// `by`: who applies the set and from where, for the audit log (nil: the
    /// daemon itself, at start or on SIGHUP).
    func install(_ books: [Rulebook], holdingTo planID: String?, by applier: (actor: Staff, directory: String)?) throws -> RuleSetPlan {
        let now = clock.now()
        let plan = try store.write { tx -> RuleSetPlan in
            let plans = try plans(books, tx)
            let plan = RuleSetPlan(books, cases: plans)
            if let planID, planID != plan.id {
                throw LiaisonError(.conflict,
                    "the plan changed: \(planID) no longer holds, the plan is now \(plan.id); nothing was installed. Review the new plan (below, or `liaisonctl rules plan`) and apply it with `liaisonctl rules apply \(plan.id)` if it is right",
                    details: describe(plan))
            }
            for b in books { try tx.pin(b) }
            let byKind = Dictionary(books.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
            var seqs: [Int64] = []
            for p in plans where p.action == .migrate {
                guard let c = try tx.caseRecord(p.caseID), let book = byKind[c.kind] else { continue }
                let (event, effects) = RulebookMigration.apply(p, c, book: book, now: now)
                seqs += try Projector.recordNumbered([event], in: tx).seqs
                try perform(effects, tx, now: now)
            }
            if let applier {
                let migrated = seqs.isEmpty ? "no case migrated" : "\(seqs.count) cases migrated, \(Self.eventsDetail(seqs))"
                try audit(.rulesApply, by: applier.actor, scope: .school,
                          detail: "plan \(plan.id) from \(applier.directory); \(migrated)", in: tx)
            }
            return plan
        }
        setRulebooks(books)
        committed()
        let applied = plan.cases
        let migrated = applied.filter { $0.action == .migrate }.count, stay = applied.filter { $0.action == .stay }
        if migrated + stay.count > 0 {
            logger.notice("rulebooks installed: \(migrated) open cases moved to the new versions, \(stay.count) keep theirs")
            for s in stay { logger.warning("\(s.caseID): \(s.reason ?? "")", metadata: ["case_id": "\(s.caseID)"]) }
        }
        return plan
    }

    /// A plan as lines a person reads: the set, then one line per case, times
    /// in school time.
    public func describe(_ plan: RuleSetPlan) -> [String] {
        var lines = ["plan \(plan.id): \(plan.rulebooks.joined(separator: ", "))"]
        if plan.cases.isEmpty { lines.append("no open case changes: the set only affects new cases") }
        for p in plan.cases {
            let what: String
            if p.action == .stay {
                what = "stays on v\(p.fromVersion): \(p.reason ?? "")"
            } else {
                let changes = p.changes.map { c in
                    switch c.change {
                    case "moved": return "\(c.step) due \(c.oldDue.map(calendar.format) ?? "—") → \(c.newDue.map(calendar.format) ?? "—")"
                    case "added": return "+\(c.step)" + (c.newDue.map { " due \(calendar.format($0))" } ?? "")
                    case "removed": return "−\(c.step)"
                    default: return "+\(c.step) (not applicable)"
                    }
                }
                what = "moves to v\(p.toVersion)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: "; "))
            }
            lines.append("\(p.caseID) \(p.kind.rawValue) v\(p.fromVersion) \(what)")
        }
        return lines
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
        // Only cases on another version than the new one: the same version
        // is the same rules (checked above), so a restart with unchanged
        // rulebooks reads no case at all; each old version is decoded once.
        for new in byKind.values {
            for c in try tx.openCases(kind: new.kind, otherThanVersion: new.version) {
                guard let old = try? pinnedRulebook(c, tx) else { continue }
                let p = RulebookMigration.plan(c, student: try tx.student(c.studentID), from: old, to: new, calendar: calendar)
                if p.action != .unchanged { out.append(p) }
            }
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
