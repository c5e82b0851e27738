import Foundation
import LiaisonCore
import LiaisonStore

/// The engine implements its delivery port: it writes what the dispatcher
/// decided and what the hosts reported, and the owner of each message's
/// purpose says what a receipt or a failure means (a case notice's receipt
/// is evidence on its step; a staff notice's is only recorded).
extension Engine: DeliveryPort {
    public func deliveryNow() -> Date { clock.now() }
    public var deliveryClockIsVirtual: Bool { clock is VirtualClock }
    public var schoolCalendar: SchoolCalendar { calendar }

    public func requeueInFlight() throws -> Int {
        let now = clock.now()
        return try store.write { try $0.requeueInFlight(at: now) }
    }

    public func dueMessages(upTo now: Date, limit: Int) throws -> [Message] {
        try store.read { try $0.dueMessages(upTo: now, limit: limit) }
    }

    public func nextMessageDue() throws -> Date? { try store.read { try $0.nextMessageDue() } }

    public func commit(_ decisions: [DeliveryDecision], at now: Date) throws -> [ClaimedSend] {
        // A turn that only found messages still waiting writes nothing.
        guard decisions.contains(where: { d in
            if case .send = d.action { return true }
            if case .giveToPerson = d.action { return true }
            return d.message != d.original
        }) else { return [] }
        // Rendered before the writer: the templates are the engine's, the text the message's own.
        let library = templateLibrary
        var rendered: [Int64: (subject: String, body: String)] = [:]
        for d in decisions {
            guard case let .send(_, route) = d.action else { continue }
            rendered[d.message.id] = library[d.message.topic]?.render(channel: route.via, values: d.message.fields) ?? ("", d.message.body)
        }
        let sends = try store.write { tx -> [ClaimedSend] in
            var sends: [ClaimedSend] = []
            for d in decisions {
                var m = d.message
                switch d.action {
                case let .send(channel, route):
                    let text = rendered[m.id] ?? ("", m.body)
                    let attempt = MessageAttempt(messageID: m.id, number: try tx.nextAttemptNumber(messageID: m.id), channel: channel,
                                                 address: route.address, startedAt: now)
                    try tx.record(attempt)
                    m.updatedAt = now
                    let bodyChanged = text.body != m.body
                    m.body = text.body
                    try tx.update(m, body: bodyChanged)
                    sends.append(ClaimedSend(message: m, attempt: attempt, channel: channel, subject: text.subject, body: text.body))
                case let .giveToPerson(why):
                    try giveToPerson(&m, why: why, tx, now: now)
                    try tx.update(m)
                case .wait, .done:
                    if m != d.original { try tx.update(m) }
                }
            }
            return sends
        }
        committedByDelivery()
        return sends
    }

    public func record(_ outcomes: [DeliveryOutcome], at now: Date) throws {
        var batch = ReceiptBatch()
        try store.write { tx in
            for o in outcomes {
                switch o {
                case let .result(attempt, via, status, providerID, error, channel, failed):
                    try result(attempt, via: via, status, providerID, error, channel, failed, tx, now)
                case let .receipt(channel, providerID, key, receipt, detail):
                    try receiptArrived(channel, providerID, key, receipt, detail, &batch, tx, now)
                case let .reply(channel, from, text, _):
                    try recordReply(tx, channel: channel, from: from, text: text, now: now)
                case let .release(channel, ids, retries):
                    try tx.makeDue(ids: ids, lastChannel: retries ? channel : nil, at: now)
                }
            }
        }
        committedByDelivery()
    }

    func result(_ a: MessageAttempt, via: String, _ status: SendStatus, _ providerID: String, _ error: String, _ channel: DeliveryChannel?,
                _ failed: Bool, _ tx: any StoreWriter, _ now: Date) throws {
        var attempt = a
        attempt.finishedAt = now
        attempt.outcome = status.rawValue
        attempt.providerID = providerID
        attempt.error = error
        try tx.finish(attempt)
        if status == .ok {
            // A letter sent is a contact of kind letter (P2.2.1, P3.2), once:
            // recorded with the message marked sent, in this transaction.
            if via == ContactChannel.letter.rawValue, let m = try tx.message(a.messageID), m.state == .sending, m.purpose == .caseNotice {
                try recordLetterContact(tx, message: m, serial: providerID, now: now)
            }
            // The common case, without reading the message back.
            try tx.markSent(a.messageID, providerID: providerID,
                            note: channel?.receipts == true ? "handed to \(a.channel); waiting for its receipt" : "handed to \(a.channel) (it gives no receipts)",
                            at: now)
            return
        }
        guard var m = try tx.message(a.messageID) else { return }
        let action = DeliveryPolicy.afterFailure(&m, status: status, error: error, channel: channel, channelFailed: failed, now: now,
                                                 jitter: Double.random(in: 0.8...1.2), format: calendar.format)
        if case let .giveToPerson(why) = action { try giveToPerson(&m, why: why, tx, now: now) }
        try tx.update(m)
    }

    /// Steps that took no channel evidence in one batch of outcomes: the
    /// notices of one case bring their receipts together, and each would
    /// read the case again.
    struct ReceiptBatch {
        var settled = Set<String>()
    }

    func receiptArrived(_ channel: String, _ providerID: String, _ key: String, _ receipt: String, _ detail: String,
                        _ batch: inout ReceiptBatch, _ tx: any StoreWriter, _ now: Date) throws {
        guard let head = try tx.messageHead(key: key, providerID: providerID, channel: channel) else {
            logger.warning("channel \(channel): a receipt for an unknown message (provider id \(providerID), key \(key)); ignored")
            return
        }
        try tx.record(MessageReceipt(messageID: head.id, at: now, channel: channel, receipt: receipt, providerID: providerID, detail: detail))
        switch DeliveryPolicy.receipt(receipt, detail: detail, channel: channel, state: head.state) {
        case .none: break
        case .delivered:
            try tx.markDelivered(head.id, note: "delivered (\(channel)\(detail.isEmpty ? "" : ": \(detail)"))", at: now)
            // The purpose's owner: a case notice's delivery is evidence on its step.
            guard head.purpose.takesStepEvidence, head.recipientRole == "guardian", !head.stepID.isEmpty else { return }
            let key = "\(head.caseID)\u{1F}\(head.stepID)"
            guard !batch.settled.contains(key) else { return }
            let took = try recordChannelEvidence(tx, caseID: head.caseID, stepID: head.stepID, level: .delivered, channel: channel,
                                                 note: "message \(head.id) delivered to \(head.recipientName) (\(channel))", now: now,
                                                 onlyIfCompleting: true)
            if !took { batch.settled.insert(key) }
        case let .fallBack(why):
            guard var m = try tx.message(head.id) else { return }
            if case let .giveToPerson(why) = DeliveryPolicy.fallBack(&m, why: why, now: now) { try giveToPerson(&m, why: why, tx, now: now) }
            try tx.update(m)
        }
    }

    /// No channel could carry the message (the policy marked it failed):
    /// the owner of its purpose decides who acts. A case's message sends
    /// its counselor to the phone (never a silent give-up); a staff notice
    /// is recorded failed with why, and logged.
    func giveToPerson(_ m: inout Message, why: String, _ tx: any StoreWriter, now: Date) throws {
        guard m.purpose.fallsToPerson else {
            logger.warning("message \(m.id) (\(m.purpose.rawValue)) could not be delivered on any channel: \(why)",
                           metadata: ["message": "\(m.id)"])
            return
        }
        try callInstead(&m, why: why, tx, now: now)
    }
}
