import Foundation

/// What a person asks of a case.
public enum CaseCommand: Sendable {
    case open(kind: CaseKind, student: Student, summary: String, occurredAt: Date?, facts: CaseFacts = CaseFacts())
    case note(text: String)
    case close(resolution: String)
}

/// The case state machine, pure: `(case, command, now) → events`, and
/// `(case, event) → case`. The engine commits what `decide` returns and the
/// projection `apply` builds, in one transaction. Rulebooks (deadlined,
/// mandatory steps) extend this in the next stage; here a case is opened,
/// annotated and closed.
public enum CaseMachine {
    public static let maxTextLength = 4000
    /// How far in the future an `occurred_at` may lie (clock skew).
    public static let futureTolerance: TimeInterval = 300

    public static func decide(_ current: CaseRecord?, _ command: CaseCommand, caseID: String,
                              actor: String, now: Date) throws -> [Event] {
        switch command {
        case let .open(kind, student, summary, occurredAt, facts):
            guard current == nil else { throw LiaisonError.conflict("case \(caseID) already exists") }
            let summary = try requireText(summary, field: "summary")
            try CaseFacts.check(facts, kind: kind)
            let occurred = occurredAt ?? now
            if occurred.timeIntervalSince(now) > futureTolerance {
                throw LiaisonError.invalid("occurred_at lies in the future; give the time the incident happened (for example 2026-11-28T22:40)")
            }
            return [Event(at: now, actor: actor, type: .caseOpened, caseID: caseID, studentID: student.id,
                          policy: kind.policyIDs,
                          payload: ["kind": kind.rawValue, "summary": summary, "counselor": student.counselorID,
                                    "occurred_at": Event.timestamp(occurred)].merging(facts.payload) { a, _ in a })]
        case let .note(text):
            let c = try require(current, caseID)
            let text = try requireText(text, field: "note")
            return [Event(at: now, actor: actor, type: .caseNoted, caseID: c.id, studentID: c.studentID,
                          policy: [Policy.records], payload: ["text": text])]
        case let .close(resolution):
            let c = try require(current, caseID)
            guard c.state == .open else {
                throw LiaisonError.conflict("case \(c.id) is already closed (\(c.closedBy ?? "?") closed it); add a note instead")
            }
            let resolution = try requireText(resolution, field: "resolution")
            return [Event(at: now, actor: actor, type: .caseClosed, caseID: c.id, studentID: c.studentID,
                          policy: c.kind.policyIDs + [Policy.records], payload: ["resolution": resolution])]
        }
    }

    /// Folds one event into the case it concerns.
    public static func apply(_ event: Event, to current: CaseRecord?) -> CaseRecord? {
        switch event.type {
        case .caseOpened:
            guard let caseID = event.caseID, let studentID = event.studentID,
                  let kind = CaseKind(rawValue: event.payload["kind"] ?? "") else { return current }
            var c = CaseRecord(id: caseID, kind: kind, studentID: studentID,
                               counselorID: event.payload["counselor"] ?? "", summary: event.payload["summary"] ?? "",
                               occurredAt: Event.parseTimestamp(event.payload["occurred_at"]) ?? event.at,
                               openedAt: event.at, openedBy: event.actor, updatedAt: event.at)
            c.facts = CaseFacts(payload: event.payload)
            CaseSteps.apply(event, to: &c)
            return c
        case .caseNoted:
            guard var c = current else { return nil }
            c.noteCount += 1
            c.updatedAt = event.at
            return c
        case .stepEvidence, .stepCompleted, .deadlineMissed, .escalationSent, .meetingRecorded, .caseMigrated, .stepWaived:
            guard var c = current else { return nil }
            CaseSteps.apply(event, to: &c)
            c.updatedAt = event.at
            return c
        case .caseClosed:
            guard var c = current else { return nil }
            c.state = .closed
            c.closedAt = event.at
            c.closedBy = event.actor
            c.resolution = event.payload["resolution"]
            c.updatedAt = event.at
            return c
        default:
            return current
        }
    }

    static func require(_ current: CaseRecord?, _ caseID: String) throws -> CaseRecord {
        guard let c = current else { throw LiaisonError.notFound("no case \(caseID); `liaisonctl case list` shows the cases") }
        return c
    }
}

/// Trims `text` and checks it is present and not too long for a record.
public func requireText(_ text: String, field: String, max: Int = CaseMachine.maxTextLength) throws -> String {
    let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !t.isEmpty else { throw LiaisonError.invalid("\(field) is empty; say what happened in a sentence or two") }
    // No more bytes than the limit is no more characters either: counting
    // the characters of Chinese text is the slow part, done only when it may matter.
    guard t.utf8.count <= max || t.count <= max else { throw LiaisonError.invalid("\(field) is \(t.count) characters; keep it under \(max)") }
    return t
}
