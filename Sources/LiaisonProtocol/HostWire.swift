import Foundation
import LiaisonCore

/// The wire between liaisond and a `liaison-channel-host` process: one flat
/// JSON object of strings a line on the host's fd 3, `op` naming the frame.
/// Both ends encode and decode with this one type (issue 15.3: before, the
/// keys were spelled out in five places). docs/PLUGINS.md describes it.
public enum HostWire: Equatable, Sendable {
    // liaisond → host
    /// Open the plugin with its configuration (a JSON object as text).
    case open(config: String)
    case send(HostSend)
    case close

    // host → liaisond
    case ready(name: String, version: String, abi: String, capabilities: String, maxLength: String, pid: Int32)
    /// Loading the plugin was refused (not a plugin, another ABI, …): it never ran.
    case refused(reason: String)
    /// The plugin's open failed.
    case openFailed(reason: String)
    case result(id: UInt64, status: String, providerID: String, error: String)
    case receipt(providerID: String, key: String, receipt: String, detail: String)
    case reply(from: String, text: String, providerID: String)
    case log(level: Int, text: String)
    case closed

    /// The frame's fields.
    public var fields: [String: String] {
        switch self {
        case let .open(config): ["op": "open", "config": config]
        case let .send(s):
            ["op": "send", "id": "\(s.id)", "key": s.key, "to": s.to, "name": s.name, "topic": s.topic, "subject": s.subject, "body": s.body,
             "urgent": s.urgent ? "1" : "0", "sent_at": s.sentAt, "term": s.term]
        case .close: ["op": "close"]
        case let .ready(name, version, abi, capabilities, maxLength, pid):
            ["op": "ready", "name": name, "version": version, "abi": abi, "capabilities": capabilities, "max_length": maxLength, "pid": "\(pid)"]
        case let .refused(reason): ["op": "refused", "reason": reason]
        case let .openFailed(reason): ["op": "open_failed", "reason": reason]
        case let .result(id, status, providerID, error): ["op": "result", "id": "\(id)", "status": status, "provider_id": providerID, "error": error]
        case let .receipt(providerID, key, receipt, detail): ["op": "receipt", "provider_id": providerID, "key": key, "receipt": receipt, "detail": detail]
        case let .reply(from, text, providerID): ["op": "reply", "from": from, "text": text, "provider_id": providerID]
        case let .log(level, text): ["op": "log", "level": "\(level)", "text": text]
        case .closed: ["op": "closed"]
        }
    }

    /// The frame as bytes, newline included.
    public var frame: [UInt8] { FlatJSON.encodeBytes(fields, terminator: UInt8(ascii: "\n")) }

    /// A frame read from the other end, or why it is not one.
    public static func decode(_ line: [UInt8]) -> Result<HostWire, HostWireError> {
        guard let m = try? FlatJSON.decode(line) else {
            return .failure(HostWireError("malformed line: \(String(decoding: line.prefix(200), as: UTF8.self))"))
        }
        return decode(m)
    }

    public static func decode(_ m: [String: String]) -> Result<HostWire, HostWireError> {
        func id() -> UInt64? { UInt64(m["id"] ?? "").flatMap { $0 > 0 ? $0 : nil } }
        switch m["op"] {
        case "open": return .success(.open(config: m["config"] ?? "{}"))
        case "send":
            guard let id = id() else { return .failure(HostWireError("a send without an id")) }
            return .success(.send(HostSend(id: id, key: m["key"] ?? "", to: m["to"] ?? "", name: m["name"] ?? "", topic: m["topic"] ?? "",
                                           subject: m["subject"] ?? "", body: m["body"] ?? "", urgent: m["urgent"] == "1",
                                           sentAt: m["sent_at"] ?? "", term: m["term"] ?? "")))
        case "close": return .success(.close)
        case "ready":
            return .success(.ready(name: m["name"] ?? "", version: m["version"] ?? "", abi: m["abi"] ?? "", capabilities: m["capabilities"] ?? "",
                                   maxLength: m["max_length"] ?? "", pid: Int32(m["pid"] ?? "") ?? 0))
        case "refused": return .success(.refused(reason: m["reason"] ?? "refused"))
        case "open_failed": return .success(.openFailed(reason: m["reason"] ?? "open failed"))
        case "result":
            guard let id = id() else { return .failure(HostWireError("a result without an id")) }
            return .success(.result(id: id, status: m["status"] ?? "permanent", providerID: m["provider_id"] ?? "", error: m["error"] ?? ""))
        case "receipt":
            return .success(.receipt(providerID: m["provider_id"] ?? "", key: m["key"] ?? "", receipt: m["receipt"] ?? "", detail: m["detail"] ?? ""))
        case "reply": return .success(.reply(from: m["from"] ?? "", text: m["text"] ?? "", providerID: m["provider_id"] ?? ""))
        case "log": return .success(.log(level: Int(m["level"] ?? "") ?? 1, text: m["text"] ?? ""))
        case "closed": return .success(.closed)
        default: return .failure(HostWireError("unknown op \(m["op"] ?? "(none)")"))
        }
    }
}

/// One message for the plugin, as the host turns it into a `liaison_message`.
public struct HostSend: Equatable, Sendable {
    public var id: UInt64
    public var key: String
    public var to: String
    public var name: String
    public var topic: String
    public var subject: String
    public var body: String
    public var urgent: Bool
    /// The daemon's clock at this send, ISO 8601 in school time with its offset.
    public var sentAt: String
    /// The academic term of that instant (`SchoolCalendar.term(containing:)`), e.g. 2026-2027-1.
    public var term: String
    public init(id: UInt64, key: String, to: String, name: String, topic: String, subject: String, body: String, urgent: Bool, sentAt: String,
                term: String = "") {
        self.id = id; self.key = key; self.to = to; self.name = name; self.topic = topic; self.subject = subject; self.body = body
        self.urgent = urgent; self.sentAt = sentAt; self.term = term
    }
}

public struct HostWireError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
