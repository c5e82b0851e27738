import Foundation

// The two ports between the engine and the channels (DESIGN.md: "the
// engine's channel port ... declared here so that LiaisonChannels needs
// nothing of the engine"; issue 15.3). Declared in Core, so neither side
// imports the other and liaisond wires them together:
// - `ChannelPort`, which LiaisonChannels implements and the engine sends
//   through: it is told when the outbox changed and asked what the running
//   channels can prove;
// - `DeliveryPort`, the outbox as the engine keeps it: the dispatcher reads
//   due messages, decides each with `DeliveryPolicy`, and hands the port
//   what it decided and what the hosts reported. Every transaction is the
//   engine's, one a call; the channels never open one.

/// The channels as the engine sees them (LiaisonChannels' dispatcher).
public protocol ChannelPort: AnyObject, Sendable {
    /// A commit may have queued messages or made some due: look again.
    func outboxChanged()
    /// What the running channels can prove (receipts, replies), for the
    /// engine's check at a case's opening that a notice can be proven.
    var abilities: ChannelAbilities { get }
}

/// The outbox, as the engine keeps it, for the channel dispatcher.
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
    public init(message: Message, attempt: MessageAttempt, channel: String, subject: String, body: String) {
        self.message = message; self.attempt = attempt; self.channel = channel; self.subject = subject; self.body = body
    }
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
