import Foundation
import LiaisonCore
import LiaisonStore
import Logging

extension Engine {
    /// The rulebook a case was opened under (pinned by version).
    func pinnedRulebook(_ c: CaseRecord, _ tx: any StoreReader) throws -> Rulebook {
        // A pinned version never changes: decoded once, then from memory
        // (it was ~0.9 ms of JSON decoding per notice and per receipt).
        let key = "\(c.kind.rawValue)#\(c.rulebookVersion)"
        if let b = decodedRulebooks.withLock({ $0[key] }) { return b }
        if let b = try tx.pinnedRulebook(kind: c.kind, version: c.rulebookVersion) {
            decodedRulebooks.withLock { $0[key] = b }
            return b
        }
        throw LiaisonError(.internal, "case \(c.id) was opened under \(c.kind.rawValue) rulebook version \(c.rulebookVersion), which is not stored")
    }

    /// What a caller already holds of the case it just recorded, read in
    /// the same transaction: the step's messages need not read it back.
    struct Known {
        var c: CaseRecord
        var student: Student? = nil
        var guardians: [Guardian]? = nil
    }

    /// Does what a decision's effects ask, in the caller's transaction.
    func perform(_ effects: [CaseEffect], _ tx: any StoreWriter, now: Date, known: Known? = nil) throws {
        for effect in effects {
            switch effect {
            case let .schedule(d): try tx.schedule(d)
            case let .cancel(caseID, stepID): try tx.cancelDeadlines(caseID: caseID, stepID: stepID)
            case let .escalate(caseID, stepID, level, target):
                try escalationMessages(caseID: caseID, stepID: stepID, level: level, target: target, tx, now: now)
                logger.warning("escalation sent: \(caseID) \(stepID) → \(target.rawValue)", metadata: [
                    "message_id": "\(MessageID.escalationSent)", "case_id": "\(caseID)", "step": "\(stepID)", "target": "\(target.rawValue)",
                ])
            case let .notify(caseID, stepID, topic):
                try notifyGuardians(caseID: caseID, stepID: stepID, topic: topic, tx, now: now, known: known)
            }
        }
    }

    /// Evidence that a step was done (P2.2.3): completes the step when it
    /// reaches the level the rulebook asks for; below that it is recorded only.
    public func recordEvidence(caseID: String, stepID: String, level: EvidenceLevel, channel: String, note: String,
                               by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        let updated = try store.write { tx -> CaseRecord in
            guard let c = try tx.caseRecord(caseID) else { throw LiaisonError.notFound("no case \(caseID); `liaisonctl case list` shows the cases") }
            let (events, effects) = try CaseSteps.evidence(c, book: try pinnedRulebook(c, tx), stepID: stepID, level: level, channel: channel,
                                                           note: note, actor: actor.id, now: now, calendar: calendar)
            let updated = try Projector.record(events, in: tx) ?? c
            try perform(effects, tx, now: now, known: Known(c: updated))
            return updated
        }
        committed()
        return updated
    }

    /// A staff member's entry for a step (P2.2.3): for a step that tells
    /// parents, which guardian and what happened (`--guardian --outcome`);
    /// never `delivered`, which only a channel's receipt proves. Recorded
    /// as a staff claim on the timeline.
    public func recordStaffEvidence(caseID: String, stepID: String, guardian: String?, outcome: ContactOutcome?, evidence: EvidenceLevel?,
                                    channel: String, note: String, by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        let updated = try store.write { tx -> CaseRecord in
            guard let c = try tx.caseRecord(caseID) else { throw LiaisonError.notFound("no case \(caseID); `liaisonctl case list` shows the cases") }
            let book = try pinnedRulebook(c, tx)
            guard let rule = book.step(stepID) else {
                throw LiaisonError.notFound("case \(c.id) has no step \(stepID); its steps are \(c.steps.map(\.id).joined(separator: ", "))")
            }
            var claim = StaffClaim(outcome: outcome, evidence: evidence, channel: channel, note: note)
            if let guardian, !guardian.isEmpty {
                guard let student = try tx.student(c.studentID) else { throw LiaisonError.notFound("the student \(c.studentID) of case \(c.id) is not on the roster") }
                let g = try resolveGuardian(guardian, of: student, tx)
                claim.guardianID = g.id
                claim.guardianName = g.name
            }
            let (level, via, extra) = try claim.decide(for: rule)
            let (events, effects) = try CaseSteps.evidence(c, book: book, stepID: stepID, level: level, channel: via, note: note,
                                                           actor: actor.id, now: now, calendar: calendar, extra: extra)
            let (recorded, seqs) = try Projector.recordNumbered(events, in: tx)
            let updated = recorded ?? c
            try perform(effects, tx, now: now, known: Known(c: updated))
            try audit(.caseStep, by: actor, student: c.studentID, case: c.id, scope: try relation(of: actor, toStudent: c.studentID, tx),
                      detail: "step \(stepID); " + Self.eventsDetail(seqs), in: tx)
            return updated
        }
        committed()
        return updated
    }

    /// A meeting with the parents, in person (the strongest evidence): it
    /// counts for every parent step of the case that is not yet done.
    public func recordMeeting(caseID: String, at: Date?, with attendees: String, note: String, by actor: Staff) throws -> CaseRecord {
        let now = clock.now()
        let when = at ?? now
        if when.timeIntervalSince(now) > CaseMachine.futureTolerance {
            throw LiaisonError.invalid("the meeting time lies in the future; record a meeting once it has happened")
        }
        let attendees = try requireText(attendees, field: "with (who attended)")
        let updated = try store.write { tx -> CaseRecord in
            guard var c = try tx.caseRecord(caseID) else { throw LiaisonError.notFound("no case \(caseID); `liaisonctl case list` shows the cases") }
            guard c.state == .open else { throw LiaisonError.conflict("case \(caseID) is closed") }
            let book = try pinnedRulebook(c, tx)
            let meeting = Event(at: now, actor: actor.id, type: .meetingRecorded, caseID: c.id, studentID: c.studentID,
                                policy: [Policy.incidents, Policy.records],
                                payload: ["at": Event.timestamp(when), "with": attendees, "note": note])
            var seqs = try Projector.recordNumbered([meeting], in: tx).seqs
            for step in book.steps where step.notifiesParents {
                guard let s = c.steps.first(where: { $0.id == step.id }), [.pending, .overdue, .waiting].contains(s.status) else { continue }
                let (events, effects) = try CaseSteps.evidence(c, book: book, stepID: step.id, level: .inPerson, channel: "meeting",
                                                               note: "meeting: \(attendees)", actor: actor.id, now: now, calendar: calendar,
                                                               extra: ["source": "staff", "outcome": ContactOutcome.met.rawValue])
                let (recorded, more) = try Projector.recordNumbered(events, in: tx)
                c = recorded ?? c
                seqs += more
                try perform(effects, tx, now: now, known: Known(c: c))
            }
            try audit(.caseMeeting, by: actor, student: c.studentID, case: c.id, scope: try relation(of: actor, toStudent: c.studentID, tx),
                      detail: Self.eventsDetail(seqs), in: tx)
            return c
        }
        committed()
        return updated
    }

    /// Fires every stored deadline due by now, earliest first, each in its
    /// own transaction that also marks it fired: exactly once, across
    /// restarts. Returns how many fired.
    @discardableResult
    public func fireDueDeadlines() throws -> Int {
        var fired = 0
        while true {
            let now = clock.now()
            let due = try store.read { try $0.dueDeadlines(upTo: now, limit: 100) }
            if due.isEmpty { return fired }
            // One transaction for the batch: each deadline is still marked
            // fired together with what firing it recorded.
            let (count, missedOnes) = try store.write { tx -> (Int, [Deadline]) in
                var missed: [Deadline] = []
                var count = 0
                for d in due {
                    guard try tx.markFired(d, at: now) else { continue }
                    count += 1
                    guard let c = try tx.caseRecord(d.caseID) else { continue }
                    let (events, effects) = CaseSteps.fire(d, c, book: try pinnedRulebook(c, tx), now: now)
                    let fired = try Projector.record(events, in: tx) ?? c
                    try perform(effects, tx, now: now, known: Known(c: fired))
                    if events.contains(where: { $0.type == .deadlineMissed }) { missed.append(d) }
                }
                return (count, missed)
            }
            fired += count
            if count > 0 { outboxChanged() }
            for d in missedOnes {
                logger.warning("deadline missed: \(d.caseID) \(d.stepID) was due \(Event.timestamp(d.due))", metadata: [
                        "message_id": "\(MessageID.deadlineMissed)", "case_id": "\(d.caseID)", "step": "\(d.stepID)",
                        "lateness_ms": "\(Int(now.timeIntervalSince(d.due) * 1000))",
                    ])
            }
        }
    }

    public func nextDeadline() throws -> Deadline? { try store.read { try $0.nextDeadline() } }

    public func deadlines(_ filter: DeadlineFilter) throws -> [DeadlineRow] { try store.read { try $0.deadlineRows(filter: filter) } }

    public func outbox(caseID: String) throws -> [Message] { try store.read { try $0.messages(MessageFilter(caseID: caseID)) } }
}
