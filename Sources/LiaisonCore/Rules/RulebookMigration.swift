import Foundation

/// What a new rulebook version does to one open case.
public struct CasePlan: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable { case migrate, stay, unchanged }
    public struct Change: Codable, Sendable, Equatable {
        public var step: String
        /// added, removed, moved
        public var change: String
        public var oldDue: Date?
        public var newDue: Date?
    }

    public var caseID: String
    public var kind: CaseKind
    public var fromVersion: Int
    public var toVersion: Int
    public var action: Action
    public var changes: [Change]
    /// Why a case stays on its version.
    public var reason: String?
}

/// Moving open cases to a new rulebook version. A case migrates only when
/// it loses no mandatory step that is still open; otherwise it stays pinned
/// to the version it was opened under, and the plan says why. Nothing is
/// lost silently.
public enum RulebookMigration {
    public static func plan(_ c: CaseRecord, student: Student?, from old: Rulebook, to new: Rulebook, calendar: SchoolCalendar) -> CasePlan {
        var p = CasePlan(caseID: c.id, kind: c.kind, fromVersion: c.rulebookVersion, toVersion: new.version, action: .unchanged, changes: [])
        guard new.version != c.rulebookVersion else { return p }
        let open: Set<StepStatus> = [.pending, .waiting, .overdue]
        let lost = c.steps.filter { s in open.contains(s.status) && new.step(s.id) == nil && (old.step(s.id)?.mandatory ?? false) }
        if !lost.isEmpty {
            p.action = .stay
            p.reason = "version \(new.version) drops mandatory step\(lost.count == 1 ? "" : "s") \(lost.map(\.id).joined(separator: ", ")), still open here; the case keeps version \(c.rulebookVersion)"
            return p
        }
        func anchorTime(_ rule: DeadlineRule) -> Date? {
            guard let a = rule.afterStep else { return c.openedAt }
            return c.steps.first { $0.id == a && $0.status == .done }?.doneAt
        }
        for rule in new.steps {
            if let s = c.steps.first(where: { $0.id == rule.id }) {
                // A pending step whose deadline rule changed gets the new due time.
                guard s.status == .pending, let due = rule.due, let start = anchorTime(due) else { continue }
                let newDue = CaseSteps.dueDate(due, after: start, facts: c.facts, calendar: calendar).at
                if let old = s.due, abs(old.timeIntervalSince(newDue)) >= 0.001 {
                    p.changes.append(.init(step: rule.id, change: "moved", oldDue: old, newDue: newDue))
                }
            } else {
                let applies = student.map { CaseSteps.holds(rule.when, for: $0, facts: c.facts, at: c.openedAt, calendar: calendar) } ?? (rule.when == nil)
                let due = applies ? rule.due.flatMap { d in anchorTime(d).map { CaseSteps.dueDate(d, after: $0, facts: c.facts, calendar: calendar).at } } : nil
                p.changes.append(.init(step: rule.id, change: applies ? "added" : "added-not-applicable", oldDue: nil, newDue: due))
            }
        }
        // Done and not-applicable steps stay as history; open optional ones go.
        for s in c.steps where new.step(s.id) == nil && open.contains(s.status) {
            p.changes.append(.init(step: s.id, change: "removed", oldDue: s.due, newDue: nil))
        }
        p.action = .migrate
        return p
    }

    /// The event and effects that carry out a `migrate` plan.
    public static func apply(_ p: CasePlan, _ c: CaseRecord, book: Rulebook, now: Date) -> (Event, [CaseEffect]) {
        var payload = ["to_version": "\(p.toVersion)", "from_version": "\(p.fromVersion)"]
        var effects: [CaseEffect] = []
        for ch in p.changes {
            switch ch.change {
            case "added":
                payload["add:\(ch.step)"] = ch.newDue.map(Event.timestamp) ?? "waiting"
                if let due = ch.newDue { effects.append(.schedule(Deadline(caseID: c.id, stepID: ch.step, level: 0, due: due))) }
            case "added-not-applicable":
                payload["add:\(ch.step)"] = "not-applicable"
            case "moved":
                payload["move:\(ch.step)"] = ch.newDue.map(Event.timestamp) ?? ""
                effects.append(.cancel(caseID: c.id, stepID: ch.step))
                if let due = ch.newDue { effects.append(.schedule(Deadline(caseID: c.id, stepID: ch.step, level: 0, due: due))) }
            case "removed":
                payload["remove:\(ch.step)"] = ""
                effects.append(.cancel(caseID: c.id, stepID: ch.step))
            default: break
            }
        }
        let event = Event(at: now, actor: "system", type: .caseMigrated, caseID: c.id, studentID: c.studentID,
                          policy: book.policy, payload: payload)
        return (event, effects)
    }

    /// Folds `case.migrated` into the case.
    static func applyEvent(_ e: Event, to c: inout CaseRecord) {
        c.rulebookVersion = Int(e.payload["to_version"] ?? "") ?? c.rulebookVersion
        for (key, value) in e.payload.sorted(by: { $0.key < $1.key }) {
            if key.hasPrefix("add:") {
                let id = String(key.dropFirst(4))
                switch value {
                case "waiting": c.steps.append(StepState(id: id, status: .waiting))
                case "not-applicable": c.steps.append(StepState(id: id, status: .notApplicable))
                default: c.steps.append(StepState(id: id, status: .pending, due: Event.parseTimestamp(value)))
                }
            } else if key.hasPrefix("move:"), let i = c.steps.firstIndex(where: { $0.id == String(key.dropFirst(5)) }) {
                c.steps[i].due = Event.parseTimestamp(value)
            } else if key.hasPrefix("remove:") {
                c.steps.removeAll { $0.id == String(key.dropFirst(7)) }
            }
        }
    }
}
