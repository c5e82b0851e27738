import Foundation
import LiaisonCore

/// The engine's side of delivery (DESIGN.md: "the engine sends through its
/// own sender protocol"; issue 15.3). The channel dispatcher supervises the
/// plugin hosts and speaks their wire; everything it reads or writes of the
/// outbox goes through this port, which the engine defines and implements:
/// the dispatcher knows neither the store nor the case machine. It decides
/// with `DeliveryPolicy` (Core) before it asks; the port writes, in one
/// transaction a call.
public protocol DeliveryPort: AnyObject, Sendable {
    /// The daemon's clock (a virtual one in rehearsals).
    func deliveryNow() -> Date
    /// A virtual clock moves only by command (which wakes the dispatcher):
    /// there is nothing to sleep until.
    var deliveryClockIsVirtual: Bool { get }
    /// School time, for notes and letters.
    var schoolCalendar: SchoolCalendar { get }

    /// Sends a previous run left in flight go again (with their keys).
    func requeueInFlight() throws -> Int
    /// Pending messages due by `now`, oldest first.
    func dueMessages(upTo now: Date, limit: Int) throws -> [Message]
    /// When the next pending message is due.
    func nextMessageDue() throws -> Date?
    /// Records what the policy decided for due messages: a send gets its
    /// attempt and is marked `sending` before any plugin sees it; a wait
    /// or a person's task is written as decided. Returns the sends, with
    /// their rendered text, in the order given.
    func commit(_ decisions: [DeliveryDecision], at now: Date) throws -> [ClaimedSend]
    /// What came back from the hosts, in one transaction.
    func record(_ outcomes: [DeliveryOutcome], at now: Date) throws
    /// What the running channels can prove (receipts, replies).
    func setChannelAbilities(_ abilities: ChannelAbilities)
    /// Called after every commit that may have queued messages.
    func onCommit(_ observer: @escaping @Sendable () -> Void)
}

/// A due message and what the policy decided for it (the message as the
/// policy left it: route, attempts, state, note, next time).
public struct DeliveryDecision: Sendable {
    public var message: Message
    public var action: DeliveryAction
    /// The message as it was read: an unchanged wait writes nothing.
    public var original: Message
    public init(message: Message, action: DeliveryAction, original: Message) {
        self.message = message; self.action = action; self.original = original
    }
}

/// A send claimed in the outbox, ready for its host.
public struct ClaimedSend: Sendable {
    public var message: Message
    public var attempt: MessageAttempt
    public var channel: String
    public var subject: String
    public var body: String
}

/// What came back from a plugin host, for the port to record.
public enum DeliveryOutcome: Sendable {
    /// A send ended. `channel` is the channel as it stood (its retries and
    /// backoff); `channelFailed`: it is failed by a crash loop.
    case result(attempt: MessageAttempt, via: String, status: SendStatus, providerID: String, error: String,
                channel: DeliveryChannel?, channelFailed: Bool)
    case receipt(channel: String, providerID: String, key: String, receipt: String, detail: String)
    case reply(channel: String, from: String, text: String, providerID: String)
    /// Messages that waited for a channel are due now (it runs again, or it
    /// failed and they fall back); with `retries`, also those waiting to be
    /// retried on it.
    case release(channel: String, ids: [Int64], retries: Bool)
}
