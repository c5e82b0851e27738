import Foundation

/// Where a message can go, in the guardian's order of preference: a guardian
/// channel (sms, wechat, qq, letter, phone) or `staff`, with the address.
public struct MessageRoute: Codable, Sendable, Equatable, Hashable {
    public var via: String
    public var address: String
    public init(via: String, address: String) { self.via = via; self.address = address }

    /// `via=address` per line: the routes column. A postal address may span
    /// lines (a roster cell with line breaks): inside an address `\` is
    /// written `\\`, a line break `\n` and a carriage return `\r`, so every
    /// line of it reaches the letter (issue 12: before, only the first did).
    public static func encode(_ routes: [MessageRoute]) -> String {
        routes.map { "\($0.via)=\(escape($0.address))" }.joined(separator: "\n")
    }
    public static func decode(_ text: String) -> [MessageRoute] {
        text.split(separator: "\n").compactMap { (line: Substring) -> MessageRoute? in
            guard let eq = line.firstIndex(of: "=") else { return nil }
            return MessageRoute(via: String(line[..<eq]), address: unescape(line[line.index(after: eq)...]))
        }
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let u = it.next() {
            guard u == "\\" else { out.unicodeScalars.append(u); continue }
            switch it.next() {
            case "n": out += "\n"
            case "r": out += "\r"
            case "\\": out += "\\"
            // A row written before addresses were escaped keeps its backslash.
            case let other?: out += "\\"; out.unicodeScalars.append(other)
            case nil: out += "\\"
            }
        }
        return out
    }
}

/// What a receipt needs of its message: which step it serves and where it
/// stands; read without decoding the message's fields and routes (receipts
/// come by the thousand).
public struct MessageHead: Sendable, Equatable {
    public var id: Int64
    public var purpose: MessagePurpose
    public var caseID: String
    public var stepID: String
    public var recipientRole: String
    public var recipientName: String
    public var state: MessageState
    public init(id: Int64, purpose: MessagePurpose, caseID: String, stepID: String, recipientRole: String, recipientName: String,
                state: MessageState) {
        self.id = id; self.purpose = purpose; self.caseID = caseID; self.stepID = stepID; self.recipientRole = recipientRole
        self.recipientName = recipientName; self.state = state
    }
}

public enum MessageState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its time (retry backoff, quiet hours) or a channel.
    case pending
    /// Handed to a plugin host; the outcome is not known yet.
    case sending
    /// The provider took it; no receipt yet (or the channel gives none).
    case sent
    /// A receipt says it reached the recipient.
    case delivered
    /// Every route failed; a person was given a task to reach the recipient.
    case failed
}

/// One outbox row: a message to one recipient, committed with the event
/// that caused it, and everything that happened to it since. Its purpose
/// says whose it is; only a case's messages name a case and step (the
/// others leave them empty).
public struct Message: Codable, Sendable, Equatable {
    public var id: Int64
    public var purpose: MessagePurpose
    public var caseID: String
    public var stepID: String
    /// `guardian`, or the escalation target (counselor, supervisor, office).
    public var recipientRole: String
    public var recipientID: String
    public var recipientName: String
    public var topic: String
    public var urgent: Bool
    /// The values the topic's template may use (only its allowed fields).
    public var fields: [String: String]
    public var routes: [MessageRoute]
    /// The route being tried.
    public var routeIndex: Int
    /// The configured channel of the last attempt.
    public var channel: String
    /// Attempts on the current route.
    public var attempts: Int
    public var nextAt: Date
    public var providerID: String
    /// The text last rendered (the default text until the first attempt).
    public var body: String
    public var idempotencyKey: String
    public var state: MessageState
    /// Why it is where it is (the last error, the quiet hours, …).
    public var note: String
    public var createdAt: Date
    public var updatedAt: Date

    public var route: MessageRoute? { routeIndex < routes.count ? routes[routeIndex] : nil }

    public init(id: Int64 = 0, purpose: MessagePurpose, caseID: String = "", stepID: String = "", recipientRole: String,
                recipientID: String, recipientName: String, topic: String, urgent: Bool, fields: [String: String],
                routes: [MessageRoute], body: String, idempotencyKey: String, createdAt: Date) {
        self.id = id; self.purpose = purpose; self.caseID = caseID; self.stepID = stepID; self.recipientRole = recipientRole
        self.recipientID = recipientID; self.recipientName = recipientName; self.topic = topic; self.urgent = urgent
        self.fields = fields; self.routes = routes; self.routeIndex = 0; self.channel = ""; self.attempts = 0
        self.nextAt = createdAt; self.providerID = ""; self.body = body; self.idempotencyKey = idempotencyKey
        self.state = .pending; self.note = ""; self.createdAt = createdAt; self.updatedAt = createdAt
    }
}

/// One try of one message on one channel.
public struct MessageAttempt: Codable, Sendable, Equatable {
    public var messageID: Int64
    public var number: Int
    public var channel: String
    public var address: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// ok, temporary, permanent, unknown (the host died or hung), or empty while in flight.
    public var outcome: String
    public var providerID: String
    public var error: String
    public init(messageID: Int64, number: Int, channel: String, address: String, startedAt: Date, finishedAt: Date? = nil,
                outcome: String = "", providerID: String = "", error: String = "") {
        self.messageID = messageID; self.number = number; self.channel = channel; self.address = address
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.outcome = outcome; self.providerID = providerID; self.error = error
    }
}

public struct MessageReceipt: Codable, Sendable, Equatable {
    public var messageID: Int64
    public var at: Date
    public var channel: String
    /// delivered, failed, rejected.
    public var receipt: String
    public var providerID: String
    public var detail: String
    public init(messageID: Int64, at: Date, channel: String, receipt: String, providerID: String, detail: String) {
        self.messageID = messageID; self.at = at; self.channel = channel; self.receipt = receipt; self.providerID = providerID; self.detail = detail
    }
}

/// A message from outside: a parent's reply, matched to a guardian by address.
public struct InboundReply: Codable, Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var channel: String
    public var from: String
    public var text: String
    public var guardianID: String
    public var caseID: String
    public var stepID: String
    public var messageID: Int64?
    public init(id: Int64 = 0, at: Date, channel: String, from: String, text: String, guardianID: String = "",
                caseID: String = "", stepID: String = "", messageID: Int64? = nil) {
        self.id = id; self.at = at; self.channel = channel; self.from = from; self.text = text
        self.guardianID = guardianID; self.caseID = caseID; self.stepID = stepID; self.messageID = messageID
    }
}

/// Work for a person when the channels could not do it: Liaison never
/// silently gives up on a message.
public struct PersonTask: Codable, Sendable, Equatable {
    public var id: Int64
    public var caseID: String
    public var stepID: String
    public var messageID: Int64?
    /// The staff id who should do it (the student's counselor).
    public var assignee: String
    /// `phone-call`.
    public var kind: String
    public var text: String
    public var createdAt: Date
    public var doneAt: Date?
    public init(id: Int64 = 0, caseID: String, stepID: String, messageID: Int64?, assignee: String, kind: String, text: String,
                createdAt: Date, doneAt: Date? = nil) {
        self.id = id; self.caseID = caseID; self.stepID = stepID; self.messageID = messageID; self.assignee = assignee
        self.kind = kind; self.text = text; self.createdAt = createdAt; self.doneAt = doneAt
    }
}

/// One message with everything that happened to it.
public struct MessageDetail: Codable, Sendable {
    public var message: Message
    public var attempts: [MessageAttempt]
    public var receipts: [MessageReceipt]
    public var replies: [InboundReply]
    public init(message: Message, attempts: [MessageAttempt], receipts: [MessageReceipt], replies: [InboundReply]) {
        self.message = message; self.attempts = attempts; self.receipts = receipts; self.replies = replies
    }
}
