import Foundation

/// A configured channel as the delivery policy sees it: what it serves, how
/// it stands, and its pacing. The dispatcher builds these from its running
/// hosts; tests build them by hand.
public struct DeliveryChannel: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case starting, running, restarting, refused, failed, stopped

        /// A channel in these states carries nothing now, nor soon: its
        /// routes are passed over (the guardian's next channel takes over).
        public var passedOver: Bool { self == .refused || self == .failed || self == .stopped }
    }

    public var name: String
    public var serves: [String]
    public var state: State
    /// Why it is in its state (shown in the message's note).
    public var reason: String
    /// Attempts on this channel before the next route takes over.
    public var retries: Int
    /// The first retry's delay; each next one doubles.
    public var backoff: TimeInterval
    public var quietHours: QuietHours?
    /// When its next rate-limit token comes; nil: it has one now (or no limit).
    public var tokenAt: Date?
    public var ratePerMinute: Int
    /// Whether its plugin gives delivery receipts.
    public var receipts: Bool

    public init(name: String, serves: [String], state: State, reason: String = "", retries: Int = 5, backoff: TimeInterval = 10,
                quietHours: QuietHours? = nil, tokenAt: Date? = nil, ratePerMinute: Int = 0, receipts: Bool = false) {
        self.name = name; self.serves = serves; self.state = state; self.reason = reason; self.retries = retries
        self.backoff = backoff; self.quietHours = quietHours; self.tokenAt = tokenAt; self.ratePerMinute = ratePerMinute
        self.receipts = receipts
    }
}

/// What to do with a message next.
public enum DeliveryAction: Sendable, Equatable {
    /// Hand it to this channel on the message's current route (the caller
    /// marks it `sending` with its attempt first, then sends).
    case send(channel: String, route: MessageRoute)
    /// Not now: due again at `until`. `heldFor` names a channel that is not
    /// running yet: the message is due at once when it runs.
    case wait(until: Date, note: String, heldFor: String?)
    /// No route is left: a person takes over (who, the purpose's owner says).
    case giveToPerson(why: String)
    /// Nothing more to do: it was sent or delivered, or a person has it.
    case done
}

/// How a send ended, as the host reported it.
public enum SendStatus: String, Sendable, CaseIterable {
    case ok, temporary, permanent
    /// The host died or hung during the send: it may or may not have gone.
    case unknown
}

/// The delivery rules as values (issue 15.2): retries with backoff, falling
/// back along a guardian's routes, quiet hours, rate limits, and giving the
/// message to a person when no route is left. Pure: given a message, the
/// channels and the clock it says what to do and updates the message's own
/// fields (route, attempts, state, next time, note); the dispatcher carries
/// the actions out and the engine writes them. Liaison never silently gives
/// up on a message: every state but sent, delivered and failed has a next
/// action, and a failed message always went to a person (or its purpose
/// says nobody need act).
public enum DeliveryPolicy {
    /// The longest a retry waits.
    public static let maxBackoff: TimeInterval = 3600

    /// A due message: the route and channel it goes by now, or why it waits.
    /// Routes no configured channel serves (a phone number) and routes whose
    /// channel is refused, failed or stopped are passed over; none left, a
    /// person takes over. Urgent messages and letters ignore quiet hours,
    /// never the rate limit.
    public static func next(_ m: inout Message, channels: [DeliveryChannel], now: Date, calendar: Calendar,
                            format: (Date) -> String) -> DeliveryAction {
        switch m.state {
        case .sent, .delivered, .failed, .sending: return .done
        case .pending: break
        }
        var skipped: [String] = []
        while let route = m.route {
            guard let ch = channels.first(where: { $0.serves.contains(route.via) }) else {
                skipped.append("no channel serves \(route.via)")
                m.routeIndex += 1
                m.attempts = 0
                continue
            }
            if ch.state.passedOver {
                skipped.append("\(route.via) via \(ch.name) is \(ch.state.rawValue)")
                m.routeIndex += 1
                m.attempts = 0
                continue
            }
            m.updatedAt = now
            guard ch.state == .running else {
                m.nextAt = now.addingTimeInterval(2)
                m.note = "channel \(ch.name) is \(ch.state.rawValue)\(ch.reason.isEmpty ? "" : ": \(ch.reason)"); waiting for it"
                return .wait(until: m.nextAt, note: m.note, heldFor: ch.name)
            }
            // Quiet hours keep routine pings from waking parents; a letter
            // (printed and posted) wakes nobody, on whatever channel.
            if !m.urgent, route.via != ContactChannel.letter.rawValue, let quiet = ch.quietHours {
                let release = quiet.release(after: now, calendar: calendar)
                if release > now {
                    m.nextAt = release
                    m.note = "quiet hours \(quiet.text) on \(ch.name): routine messages go at \(format(release))"
                    return .wait(until: release, note: m.note, heldFor: nil)
                }
            }
            if let at = ch.tokenAt, at > now {
                m.note = "rate limit \(ch.ratePerMinute)/min on \(ch.name): waits its turn"
                return .wait(until: at, note: m.note, heldFor: nil)
            }
            m.state = .sending
            m.channel = ch.name
            m.note = ""
            return .send(channel: ch.name, route: route)
        }
        return giveUp(&m, why: skipped.isEmpty ? "the recipient has no address on record" : skipped.joined(separator: "; "), now: now)
    }

    /// A send that did not end `ok` (an `ok` marks the message sent and
    /// needs no decision): retry on the same channel after a backoff (the
    /// jitter, 0.8…1.2, spreads retries), or fall back to the next route.
    /// `channelFailed`: the channel is failed by a crash loop, so an unknown
    /// outcome counts as a refusal.
    public static func afterFailure(_ m: inout Message, status: SendStatus, error: String, channel: DeliveryChannel?,
                                    channelFailed: Bool, now: Date, jitter: Double, format: (Date) -> String) -> DeliveryAction {
        let name = channel?.name ?? m.channel
        m.updatedAt = now
        switch status {
        case .ok:
            m.state = .sent
            return .done
        case .unknown where channelFailed:
            return fallBack(&m, why: "\(name) failed, its plugin host crashing again and again; this send's outcome is unknown (\(error))", now: now)
        case .permanent:
            return fallBack(&m, why: "\(name) refused it for good: \(error)", now: now)
        case .temporary, .unknown:
            m.attempts += 1
            if m.attempts >= (channel?.retries ?? 1) {
                return fallBack(&m, why: "\(m.attempts) attempts on \(name) failed; the last: \(error)", now: now)
            }
            let base = (channel?.backoff ?? 10) * pow(2, Double(m.attempts - 1))
            let delay = min(maxBackoff, base * min(1.2, max(0.8, jitter)))
            m.state = .pending
            m.nextAt = now.addingTimeInterval(delay)
            m.note = "attempt \(m.attempts) on \(name) \(status == .unknown ? "has an unknown outcome" : "failed"): \(error); next try at \(format(m.nextAt))"
            return .wait(until: m.nextAt, note: m.note, heldFor: nil)
        }
    }

    /// What a receipt does: `delivered` marks it delivered (once); a failed
    /// or rejected receipt for a message still in the provider's hands falls
    /// back to the next route; anything else changes nothing.
    public enum ReceiptEffect: Sendable, Equatable {
        case delivered
        case fallBack(why: String)
        case none
    }

    public static func receipt(_ kind: String, detail: String, channel: String, state: MessageState) -> ReceiptEffect {
        if kind == "delivered" { return state == .delivered ? .none : .delivered }
        guard state == .sent || state == .sending else { return .none }
        return .fallBack(why: "\(channel) reports it \(kind)\(detail.isEmpty ? "" : ": \(detail)")")
    }

    /// On to the next route, due now; after the last, a person.
    public static func fallBack(_ m: inout Message, why: String, now: Date) -> DeliveryAction {
        m.routeIndex += 1
        m.attempts = 0
        m.nextAt = now
        m.state = .pending
        m.note = why
        m.updatedAt = now
        guard m.route == nil else { return .wait(until: now, note: why, heldFor: nil) }
        return giveUp(&m, why: why, now: now)
    }

    static func giveUp(_ m: inout Message, why: String, now: Date) -> DeliveryAction {
        m.state = .failed
        m.updatedAt = now
        m.note = m.purpose.fallsToPerson
            ? "no channel could deliver it (\(why)); a phone-call task went to the counselor"
            : "no channel could deliver it (\(why))"
        return .giveToPerson(why: why)
    }
}
