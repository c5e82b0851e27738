import Foundation
import LiaisonCore
import Logging

/// What came back from the hosts this turn, recorded in one transaction.
enum Outcome {
    case result(ChannelDispatcher.InFlight, status: String, providerID: String, error: String)
    case receipt(channel: String, providerID: String, key: String, receipt: String, detail: String)
    case reply(channel: String, from: String, text: String, providerID: String)
    /// Messages that waited for a channel are due now (it runs again, or it
    /// failed and they fall back); with `retries`, also those waiting to be
    /// retried on it.
    case release(channel: String, ids: [Int64], retries: Bool)
}

/// Sending: the dispatcher asks the delivery policy what each due message
/// should do, has the engine's port record it, and hands the sends to the
/// hosts; what comes back goes to the port in one batch a turn.
extension ChannelDispatcher {
    /// False if the transaction failed: the caller keeps the outcomes and
    /// records them again (a result is never dropped). A result carries its
    /// channel as it stands now, after this turn's events (a crash loop
    /// marked it failed: an unknown outcome on it counts as a refusal).
    func apply(_ outcomes: [Outcome]) -> Bool {
        let now = port.deliveryNow()
        let recorded = outcomes.map { o -> DeliveryOutcome in
            switch o {
            case let .result(f, status, providerID, error):
                let rt = channels[f.channel]
                return .result(attempt: f.attempt, via: f.via, status: SendStatus(rawValue: status) ?? .temporary, providerID: providerID,
                               error: error, channel: rt?.view(at: now), channelFailed: rt?.state == .failed)
            case let .receipt(channel, providerID, key, receipt, detail):
                return .receipt(channel: channel, providerID: providerID, key: key, receipt: receipt, detail: detail)
            case let .reply(channel, from, text, providerID):
                return .reply(channel: channel, from: from, text: text, providerID: providerID)
            case let .release(channel, ids, retries):
                return .release(channel: channel, ids: ids, retries: retries)
            }
        }
        do {
            try port.record(recorded, at: now)
            return true
        } catch {
            logger.error("could not record \(outcomes.count) channel outcome(s), trying again in 1 s: \(error)")
            return false
        }
    }

    /// The channels as the policy sees them, in configuration order (the
    /// first that serves a route carries it).
    func deliveryChannels(at now: Date) -> [DeliveryChannel] {
        order.compactMap { channels[$0] }.map { $0.view(at: now) }
    }

    /// Claims due messages and hands them to hosts; returns how long the
    /// loop may sleep.
    func dispatchDue() -> TimeInterval {
        let now = port.deliveryNow()
        var wakeAt = Date().addingTimeInterval(1)
        if let r = nextRestart, r < wakeAt { wakeAt = r }
        let due: [Message]
        do { due = try port.dueMessages(upTo: now, limit: Self.batch) } catch {
            logger.error("cannot read the outbox: \(error)")
            return 1
        }
        let calendar = port.schoolCalendar
        var views = deliveryChannels(at: now)
        var decisions: [DeliveryDecision] = []
        var tokenAt: Date?
        decisions.reserveCapacity(due.count)
        for original in due {
            var m = original
            let action = DeliveryPolicy.next(&m, channels: views, now: now, calendar: calendar.calendar, format: calendar.format)
            switch action {
            case let .send(name, _):
                for k in held.keys { held[k]?.remove(m.id) }
                // The token is taken only for a send; the view shows when the next comes.
                if let rt = channels[name], rt.bucket != nil {
                    _ = rt.bucket!.take(now)
                    if let i = views.firstIndex(where: { $0.name == name }) { views[i] = rt.view(at: now) }
                }
            case let .wait(until, _, heldFor):
                if let name = heldFor { held[name, default: []].insert(m.id) }
                if until > now, m.nextAt <= now { tokenAt = min(tokenAt ?? until, until) }  // a rate limit: due, waiting for a token
            case .giveToPerson, .done: break
            }
            decisions.append(DeliveryDecision(message: m, action: action, original: original))
        }
        let sends: [ClaimedSend]
        do { sends = try port.commit(decisions, at: now) } catch {
            logger.error("cannot claim due messages: \(error)")
            // The tokens taken for sends that did not happen are not given back: the next turn waits a little longer.
            return 1
        }
        // The daemon's clock (a virtual one's time in rehearsals), in school
        // time: a letter is dated by it, not by the host's clock (issue 12).
        let sentAt = calendar.isoTimestamp(now), term = calendar.term(containing: now)
        for s in sends {
            guard let rt = channels[s.channel], let host = rt.current else { continue }
            nextSendID += 1
            host.sends += 1
            inFlight[nextSendID] = InFlight(messageID: s.message.id, attempt: s.attempt, channel: s.channel, via: s.message.route?.via ?? "",
                                            generation: host.generation, started: Date())
            host.sendMessage(id: nextSendID, key: s.message.idempotencyKey, to: s.attempt.address, name: s.message.recipientName,
                             topic: s.message.topic, subject: s.subject, body: s.body, urgent: s.message.urgent, sentAt: sentAt, term: term)
        }
        if due.count == Self.batch && !sends.isEmpty { return 0 }
        // With the system clock, sleep until the next message is due or the
        // next token comes; a virtual clock moves only by command, which
        // wakes this loop.
        if !port.deliveryClockIsVirtual {
            // (Due rows still here wait for a token or a channel: not a reason to spin.)
            let due = (try? port.nextMessageDue()).flatMap { $0 > now ? $0 : nil }
            for next in [due, tokenAt].compactMap({ $0 }) {
                let at = Date().addingTimeInterval(next.timeIntervalSince(port.deliveryNow()))
                if at < wakeAt { wakeAt = at }
            }
        }
        return max(0, wakeAt.timeIntervalSinceNow)
    }
}
