import Foundation

public enum StepStatus: String, Codable, Sendable {
    /// Its deadline starts when another step is done; not yet.
    case waiting
    case pending
    case done
    /// The deadline passed and the step is not done; escalation runs.
    case overdue
    /// The step's `when:` does not hold for this case.
    case notApplicable = "not-applicable"
    /// Left undone when the case closed, by a supervisor's or the office's waiver.
    case waived

    /// Still to do: a mandatory step in one of these keeps its case from closing.
    public var isOpen: Bool { self == .pending || self == .overdue || self == .waiting }
}

/// A step of one case, as the case stands.
public struct StepState: Codable, Sendable, Equatable {
    public var id: String
    public var status: StepStatus
    public var due: Date?
    public var doneAt: Date?
    /// The strongest evidence recorded so far.
    public var evidence: EvidenceLevel?
    /// Seconds past the deadline when it was done late.
    public var lateSeconds: Double?
    /// Escalation messages sent so far.
    public var escalations: Int
    /// What set `due`: nil for the rulebook's span, "effective" when the
    /// case's effective date came sooner.
    public var dueBy: String?

    public init(id: String, status: StepStatus, due: Date? = nil) {
        self.id = id; self.status = status; self.due = due; self.escalations = 0
    }
}

/// One stored deadline: level 0 is the step's own deadline (missing it
/// escalates to the chain's first target), level k the k-th further target.
public struct Deadline: Codable, Sendable, Equatable, Hashable {
    public var caseID: String
    public var stepID: String
    public var level: Int
    public var due: Date

    public init(caseID: String, stepID: String, level: Int, due: Date) {
        self.caseID = caseID; self.stepID = stepID; self.level = level; self.due = due
    }
}

/// What committing a decision must also do, in the same transaction.
public enum CaseEffect: Sendable, Equatable {
    case schedule(Deadline)
    /// Every unfired deadline of the step.
    case cancel(caseID: String, stepID: String)
    /// A message for a person in the escalation chain (channels deliver it later).
    case escalate(caseID: String, stepID: String, level: Int, target: EscalationTarget)
    /// The step's message (a template topic) to each guardian of the student.
    case notify(caseID: String, stepID: String, topic: String)
}

/// The rulebook side of the case machine, pure. Every fact the projection
/// needs travels in the events (step list, due times), so the case can be
/// rebuilt from the log without the rulebook.
public enum CaseSteps {
    /// At most this long between two escalation targets.
    public static let maxEscalationInterval: TimeInterval = 24 * 3600

    /// Does `condition` hold for this student at `date`?
    public static func holds(_ condition: StepCondition?, for student: Student, facts: CaseFacts = CaseFacts(), at date: Date,
                             calendar: SchoolCalendar) -> Bool {
        switch condition {
        case nil: return true
        case .keyAttention: return student.tier != .general
        case .expulsion: return (facts.sanctionLevel ?? .warning) >= .expulsion
        case .minor:
            guard let birth = calendar.parse(student.birthDate),
                  let eighteen = calendar.calendar.date(byAdding: .year, value: 18, to: birth) else { return false }
            return date < eighteen
        }
    }

    public static func dueDate(_ span: DeadlineSpan, after start: Date, calendar: SchoolCalendar) -> Date {
        switch span {
        case let .hours(h): return start.addingTimeInterval(TimeInterval(h) * 3600)
        case let .workingDays(n): return calendar.addingWorkingDays(n, to: start)
        }
    }

    /// The gap between escalation levels: the step's own span, at most a day.
    static func interval(_ span: DeadlineSpan) -> TimeInterval {
        switch span {
        case let .hours(h): min(TimeInterval(h) * 3600, maxEscalationInterval)
        case .workingDays: maxEscalationInterval
        }
    }

    /// The payload fields and effects for a new case under `book`.
    /// A step's deadline from `start`: its span, or the case's effective
    /// date when the rule says so and that is sooner (then `byEffective`).
    public static func dueDate(_ rule: DeadlineRule, after start: Date, facts: CaseFacts,
                               calendar: SchoolCalendar) -> (at: Date, byEffective: Bool) {
        let at = dueDate(rule.span, after: start, calendar: calendar)
        if rule.beforeEffective == true, let effective = facts.effectiveAt, effective < at { return (max(effective, start), true) }
        return (at, false)
    }

    /// The payload fields and effects for a new case under `book`.
    public static func opening(_ book: Rulebook, caseID: String, student: Student, facts: CaseFacts = CaseFacts(), at now: Date,
                               calendar: SchoolCalendar) -> (payload: [String: String], effects: [CaseEffect]) {
        var payload = ["rulebook_version": "\(book.version)"]
        var applicable: [String] = []
        var effects: [CaseEffect] = []
        for step in book.steps {
            guard holds(step.when, for: student, facts: facts, at: now, calendar: calendar) else {
                payload["skip:\(step.id)"] = step.when?.rawValue ?? ""
                continue
            }
            applicable.append(step.id)
            if let due = step.due, due.afterStep == nil {
                let (at, byEffective) = dueDate(due, after: now, facts: facts, calendar: calendar)
                payload["due:\(step.id)"] = Event.timestamp(at)
                if byEffective { payload["due_by:\(step.id)"] = "effective" }
                effects.append(.schedule(Deadline(caseID: caseID, stepID: step.id, level: 0, due: at)))
                if let topic = step.message { effects.append(.notify(caseID: caseID, stepID: step.id, topic: topic)) }
            }
        }
        payload["steps"] = book.steps.map(\.id).joined(separator: ",")
        return (payload, effects)
    }

    /// Evidence for a step: always recorded; completes the step when it
    /// reaches the level the rulebook asks.
    /// Whether evidence at `level` completes a step of this rule: a parent
    /// notification needs the rule's level (P2.2.3), other steps an attempt.
    public static func completes(_ rule: StepRule, _ level: EvidenceLevel) -> Bool {
        level >= (rule.notifiesParents ? rule.evidence : .attempted)
    }

    public static func evidence(_ c: CaseRecord, book: Rulebook, stepID: String, level: EvidenceLevel, channel: String,
                                note: String, actor: String, now: Date, calendar: SchoolCalendar,
                                extra: [String: String] = [:]) throws -> ([Event], [CaseEffect]) {
        guard c.state == .open else { throw LiaisonError.conflict("case \(c.id) is closed; evidence goes on open cases") }
        guard let rule = book.step(stepID), let state = c.steps.first(where: { $0.id == stepID }) else {
            throw LiaisonError.notFound("case \(c.id) has no step \(stepID); its steps are \(c.steps.map(\.id).joined(separator: ", "))")
        }
        guard state.status != .notApplicable else {
            throw LiaisonError.conflict("step \(stepID) does not apply to case \(c.id) (only when \(rule.when?.rawValue ?? "?"))")
        }
        guard state.status != .done else { throw LiaisonError.conflict("step \(stepID) of case \(c.id) is already done") }
        guard state.status != .waived else { throw LiaisonError.conflict("step \(stepID) of case \(c.id) was waived") }
        var events = [Event(at: now, actor: actor, type: .stepEvidence, caseID: c.id, studentID: c.studentID, policy: rule.policy,
                            payload: ["step": stepID, "level": level.name, "channel": channel, "note": note].merging(extra) { a, _ in a })]
        var effects: [CaseEffect] = []
        guard completes(rule, level) else { return (events, effects) }
        var payload = ["step": stepID]
        if let due = state.due, now > due { payload["late_seconds"] = "\(Int(now.timeIntervalSince(due).rounded()))" }
        effects.append(.cancel(caseID: c.id, stepID: stepID))
        // Steps whose clock starts now.
        for dependent in book.steps where dependent.due?.afterStep == stepID {
            guard let rule = dependent.due, c.steps.first(where: { $0.id == dependent.id })?.status == .waiting else { continue }
            let (at, byEffective) = dueDate(rule, after: now, facts: c.facts, calendar: calendar)
            payload["due:\(dependent.id)"] = Event.timestamp(at)
            if byEffective { payload["due_by:\(dependent.id)"] = "effective" }
            effects.append(.schedule(Deadline(caseID: c.id, stepID: dependent.id, level: 0, due: at)))
            if let topic = dependent.message { effects.append(.notify(caseID: c.id, stepID: dependent.id, topic: topic)) }
        }
        events.append(Event(at: now, actor: actor, type: .stepCompleted, caseID: c.id, studentID: c.studentID, policy: rule.policy, payload: payload))
        return (events, effects)
    }

    /// A stored deadline came due. Nothing happens if the step was done.
    public static func fire(_ d: Deadline, _ c: CaseRecord, book: Rulebook, now: Date) -> ([Event], [CaseEffect]) {
        guard c.state == .open, let rule = book.step(d.stepID), let state = c.steps.first(where: { $0.id == d.stepID }),
              state.status == .pending || state.status == .overdue, d.level < rule.escalate.count else { return ([], []) }
        var events: [Event] = []
        if d.level == 0 {
            events.append(Event(at: now, actor: "system", type: .deadlineMissed, caseID: c.id, studentID: c.studentID, policy: rule.policy,
                                payload: ["step": d.stepID, "due": Event.timestamp(d.due)]))
        }
        let target = rule.escalate[d.level]
        events.append(Event(at: now, actor: "system", type: .escalationSent, caseID: c.id, studentID: c.studentID, policy: rule.policy + [Policy.assessment],
                            payload: ["step": d.stepID, "level": "\(d.level)", "target": target.rawValue]))
        var effects: [CaseEffect] = [.escalate(caseID: c.id, stepID: d.stepID, level: d.level, target: target)]
        if d.level + 1 < rule.escalate.count, let span = rule.due?.span {
            effects.append(.schedule(Deadline(caseID: c.id, stepID: d.stepID, level: d.level + 1, due: d.due.addingTimeInterval(interval(span)))))
        }
        return (events, effects)
    }

    /// Folds a step event into the case's steps.
    public static func apply(_ e: Event, to c: inout CaseRecord) {
        func update(_ id: String?, _ change: (inout StepState) -> Void) {
            guard let id, let i = c.steps.firstIndex(where: { $0.id == id }) else { return }
            change(&c.steps[i])
        }
        let p = e.payload
        switch e.type {
        case .caseOpened:
            c.rulebookVersion = Int(p["rulebook_version"] ?? "") ?? 0
            c.steps = (p["steps"] ?? "").split(separator: ",").map(String.init).map { id in
                if p["skip:\(id)"] != nil { return StepState(id: id, status: .notApplicable) }
                if let due = Event.parseTimestamp(p["due:\(id)"]) {
                    var s = StepState(id: id, status: .pending, due: due)
                    s.dueBy = p["due_by:\(id)"]
                    return s
                }
                return StepState(id: id, status: .waiting)
            }
        case .stepEvidence:
            update(p["step"]) { s in
                let level = EvidenceLevel(name: p["level"] ?? "")
                if let level, level > (s.evidence ?? .attempted) || s.evidence == nil { s.evidence = level }
            }
        case .stepCompleted:
            update(p["step"]) { s in
                s.status = .done
                s.doneAt = e.at
                s.lateSeconds = Double(p["late_seconds"] ?? "")
            }
            for (key, value) in p where key.hasPrefix("due:") {
                let id = String(key.dropFirst(4))
                update(id) { s in
                    s.status = .pending
                    s.due = Event.parseTimestamp(value)
                    s.dueBy = p["due_by:\(id)"]
                }
            }
        case .stepWaived:
            update(p["step"]) { $0.status = .waived }
        case .deadlineMissed:
            update(p["step"]) { $0.status = .overdue }
        case .escalationSent:
            update(p["step"]) { $0.escalations += 1 }
        case .caseMigrated:
            RulebookMigration.applyEvent(e, to: &c)
        default:
            break
        }
    }
}
