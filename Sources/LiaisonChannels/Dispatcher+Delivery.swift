import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonStore
import Logging

/// What came back from the hosts, applied in one transaction per turn.
enum Outcome {
    case result(ChannelDispatcher.InFlight, status: String, providerID: String, error: String)
    case receipt(channel: String, providerID: String, key: String, receipt: String, detail: String)
    case reply(channel: String, from: String, text: String, providerID: String)
    /// Messages that waited for a channel are due now (it runs again, or it
    /// failed and they fall back); with `retries`, also those waiting to be
    /// retried on it.
    case release(channel: String, ids: [Int64], retries: Bool)
}

extension ChannelDispatcher {
    /// The longest a retry waits.
    static let maxBackoff: TimeInterval = 3600

    /// False if the transaction failed: the caller keeps the outcomes and
    /// applies them again (a result is never dropped).
    func apply(_ outcomes: [Outcome]) -> Bool {
        let now = engine.clock.now()
        settledSteps = []
        do {
            try engine.store.write { tx in
                for o in outcomes {
                    switch o {
                    case let .result(f, status, providerID, error): try result(f, status, providerID, error, tx, now)
                    case let .receipt(channel, providerID, key, receipt, detail): try receiptArrived(channel, providerID, key, receipt, detail, tx, now)
                    case let .reply(channel, from, text, _): try engine.recordReply(tx, channel: channel, from: from, text: text, now: now)
                    case let .release(channel, ids, retries): try tx.makeDue(ids: ids, lastChannel: retries ? channel : nil, at: now)
                    }
                }
            }
            engine.didCommit()
            return true
        } catch {
            logger.error("could not record \(outcomes.count) channel outcome(s), trying again in 1 s: \(error)")
            return false
        }
    }

    func result(_ f: InFlight, _ status: String, _ providerID: String, _ error: String, _ tx: any StoreWriter, _ now: Date) throws {
        var attempt = f.attempt
        attempt.finishedAt = now
        attempt.outcome = status
        attempt.providerID = providerID
        attempt.error = error
        try tx.record(attempt)
        let rt = channels[f.channel]
        if status == "ok" {
            // A letter sent is a contact of kind letter (P2.2.1, P3.2), once:
            // recorded with the message marked sent, in this transaction.
            if f.via == ContactChannel.letter.rawValue, let m = try tx.message(f.messageID), m.state == .sending {
                try engine.recordLetterContact(tx, message: m, serial: providerID, now: now)
            }
            // The common case, without reading the message back.
            rt?.sent += 1
            try tx.markSent(f.messageID, providerID: providerID,
                            note: rt?.receipts == true ? "handed to \(f.channel); waiting for its receipt" : "handed to \(f.channel) (it gives no receipts)",
                            at: now)
            return
        }
        guard var m = try tx.message(f.messageID) else { return }
        m.updatedAt = now
        switch status {
        case "unknown" where rt?.state == .failed:
            // The host died and the channel is failed (a crash loop): as if
            // it had refused the message for good.
            rt?.failed += 1
            try fallBack(&m, why: "\(f.channel) failed, its plugin host crashing again and again; this send's outcome is unknown (\(error))", tx, now)
        case "permanent":
            rt?.failed += 1
            try fallBack(&m, why: "\(f.channel) refused it for good: \(error)", tx, now)
        default:
            rt?.failed += 1
            m.attempts += 1
            if m.attempts >= (rt?.spec.retries ?? 1) {
                try fallBack(&m, why: "\(m.attempts) attempts on \(f.channel) failed; the last: \(error)", tx, now)
            } else {
                let base = (rt?.spec.backoff ?? 10) * pow(2, Double(m.attempts - 1))
                let delay = min(Self.maxBackoff, base * Double.random(in: 0.8...1.2))
                m.state = .pending
                m.nextAt = now.addingTimeInterval(delay)
                m.note = "attempt \(m.attempts) on \(f.channel) \(status == "unknown" ? "has an unknown outcome" : "failed"): \(error); next try at \(engine.calendar.format(m.nextAt))"
            }
        }
        try tx.update(m)
    }

    /// On to the guardian's next channel; after the last, a task for a person.
    func fallBack(_ m: inout Message, why: String, _ tx: any StoreWriter, _ now: Date) throws {
        m.routeIndex += 1
        m.attempts = 0
        m.nextAt = now
        m.state = .pending
        m.note = why
        if m.route == nil { try engine.callInstead(&m, why: why, tx, now: now) }
    }

    func receiptArrived(_ channel: String, _ providerID: String, _ key: String, _ receipt: String, _ detail: String,
                        _ tx: any StoreWriter, _ now: Date) throws {
        guard let m = try tx.messageHead(key: key, providerID: providerID, channel: channel) else {
            logger.warning("channel \(channel): a receipt for an unknown message (provider id \(providerID), key \(key)); ignored")
            return
        }
        try tx.record(MessageReceipt(messageID: m.id, at: now, channel: channel, receipt: receipt, providerID: providerID, detail: detail))
        if receipt == "delivered" {
            guard m.state != .delivered else { return }
            try tx.markDelivered(m.id, note: "delivered (\(channel)\(detail.isEmpty ? "" : ": \(detail)"))", at: now)
            if m.recipientRole == "guardian", !m.stepID.isEmpty {
                try evidence(tx, caseID: m.caseID, stepID: m.stepID, level: .delivered, channel: channel,
                             note: "message \(m.id) delivered to \(m.recipientName) (\(channel))", now: now)
            }
        } else if m.state == .sent || m.state == .sending, var m = try tx.message(m.id) {
            m.updatedAt = now
            try fallBack(&m, why: "\(channel) reports it \(receipt)\(detail.isEmpty ? "" : ": \(detail)")", tx, now)
            try tx.update(m)
        }
    }

    /// Channel evidence on a step, remembering within one batch the steps
    /// that took none (done, or the case closed): the notices of one case
    /// bring their receipts together, and each would read the case again.
    @discardableResult
    func evidence(_ tx: any StoreWriter, caseID: String, stepID: String, level: EvidenceLevel, channel: String, note: String,
                  now: Date) throws -> Bool {
        let key = "\(caseID)\u{1F}\(stepID)\u{1F}\(level.rawValue)"
        guard !settledSteps.contains(key) else { return false }
        let took = try engine.recordChannelEvidence(tx, caseID: caseID, stepID: stepID, level: level, channel: channel, note: note, now: now)
        if !took { settledSteps.insert(key) }
        return took
    }

    // MARK: sending

    /// Claims due messages and hands them to hosts; returns how long the
    /// loop may sleep.
    func dispatchDue() -> TimeInterval {
        let now = engine.clock.now()
        var wakeAt = Date().addingTimeInterval(1)
        if let r = nextRestart, r < wakeAt { wakeAt = r }
        let due: [Message]
        do { due = try engine.store.read { try $0.dueMessages(upTo: now, limit: Self.batch) } } catch {
            logger.error("cannot read the outbox: \(error)")
            return 1
        }
        var sends: [(Message, ChannelRuntime, HostProcess, MessageAttempt, String)] = []
        var tokenAt: Date?
        do {
            try engine.store.write { tx in
                for var m in due {
                    guard let (rt, route) = try choose(&m, tx, now) else { try tx.update(m); continue }
                    guard rt.state == .running, let host = rt.current else {
                        held[rt.spec.name, default: []].insert(m.id)
                        m.nextAt = now.addingTimeInterval(2)
                        m.note = "channel \(rt.spec.name) is \(rt.state.rawValue)\(rt.reason.isEmpty ? "" : ": \(rt.reason)"); waiting for it"
                        try tx.update(m)
                        continue
                    }
                    if !m.urgent, let quiet = rt.spec.quietHours {
                        let release = quiet.release(after: now, calendar: engine.calendar.calendar)
                        if release > now {
                            m.nextAt = release
                            m.note = "quiet hours \(quiet.text) on \(rt.spec.name): routine messages go at \(engine.calendar.format(release))"
                            try tx.update(m)
                            continue
                        }
                    }
                    if rt.bucket != nil, !rt.bucket!.take(now) {
                        let at = rt.bucket!.nextToken(after: now)
                        tokenAt = min(tokenAt ?? at, at)
                        let note = "rate limit \(rt.spec.ratePerMinute)/min on \(rt.spec.name): waits its turn"
                        if m.note != note { m.note = note; try tx.update(m) }
                        continue
                    }
                    for k in held.keys { held[k]?.remove(m.id) }
                    let template = engine.templateLibrary[m.topic]
                    let (subject, body) = template?.render(channel: route.via, values: m.fields) ?? ("", m.body)
                    let attempt = MessageAttempt(messageID: m.id, number: try tx.nextAttemptNumber(messageID: m.id), channel: rt.spec.name,
                                                 address: route.address, startedAt: now)
                    try tx.record(attempt)
                    m.state = .sending
                    m.channel = rt.spec.name
                    m.body = body
                    m.updatedAt = now
                    m.note = ""
                    try tx.update(m)
                    sends.append((m, rt, host, attempt, subject))
                }
            }
        } catch {
            logger.error("cannot claim due messages: \(error)")
            return 1
        }
        // The daemon's clock (a virtual one's time in rehearsals), in school
        // time: a letter is dated by it, not by the host's clock (issue 12).
        let sentAt = engine.calendar.isoTimestamp(now)
        for (m, rt, host, attempt, subject) in sends {
            nextSendID += 1
            host.sends += 1
            inFlight[nextSendID] = InFlight(messageID: m.id, attempt: attempt, channel: rt.spec.name, via: m.route?.via ?? "",
                                            generation: host.generation, started: Date())
            host.sendMessage(id: nextSendID, key: m.idempotencyKey, to: attempt.address, name: m.recipientName, topic: m.topic,
                             subject: subject, body: m.body, urgent: m.urgent, sentAt: sentAt)
        }
        if due.count == Self.batch && !sends.isEmpty { return 0 }
        // With the system clock, sleep until the next message is due or the
        // next token comes; a virtual clock moves only by command, which
        // wakes this loop.
        if !(engine.clock is VirtualClock) {
            // (Due rows still here wait for a token or a channel: not a reason to spin.)
            let due = (try? engine.store.read { try $0.nextMessageDue() }).flatMap { $0 > now ? $0 : nil }
            for next in [due, tokenAt].compactMap({ $0 }) {
                let at = Date().addingTimeInterval(next.timeIntervalSince(engine.clock.now()))
                if at < wakeAt { wakeAt = at }
            }
        }
        return max(0, wakeAt.timeIntervalSinceNow)
    }

    /// The route and channel a message goes by now: routes no configured
    /// channel serves (a phone call) are skipped; none left, a person task.
    func choose(_ m: inout Message, _ tx: any StoreWriter, _ now: Date) throws -> (ChannelRuntime, MessageRoute)? {
        var skipped: [String] = []
        while let route = m.route {
            if let rt = order.lazy.compactMap({ self.channels[$0] }).first(where: { $0.spec.serves.contains(route.via) }) {
                if rt.state == .refused || rt.state == .failed || rt.state == .stopped {
                    skipped.append("\(route.via) via \(rt.spec.name) is \(rt.state.rawValue)")
                } else {
                    return (rt, route)
                }
            } else {
                skipped.append("no channel serves \(route.via)")
            }
            m.routeIndex += 1
            m.attempts = 0
        }
        m.updatedAt = now
        try engine.callInstead(&m, why: skipped.isEmpty ? "the recipient has no address on record" : skipped.joined(separator: "; "), tx, now: now)
        return nil
    }
}
