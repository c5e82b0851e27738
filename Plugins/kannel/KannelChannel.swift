// kannel — SMS through a Kannel gateway's smsbox (POLICY P2.1.2, P2.2.1,
// P2.2.3: parents are told by SMS, and told at once about an incident).
//
// Each message is one GET of /cgi-bin/sendsms, always as UCS-2
// (`charset=UTF-8&coding=2`: without both, Kannel answers 202 and the parent
// gets "????"); Kannel concatenates long texts. Delivery reports come back
// through the dlr-url to the plugin's own listener, with the idempotency key
// in the URL; parents' replies come to the same listener from Kannel's
// sms-service. Plugins/kannel/README.md has every key and outcome.
import ChannelPluginKit
import CLiaisonChannel
import Foundation
import Glibc
import MiniHTTP

final class KannelInstance: @unchecked Sendable {
    let config: KannelConfig
    let host: UnsafePointer<liaison_host_services>
    private var server: CallbackServer?

    struct Job {
        var target: String
        var queued = Date()
        var done: liaison_send_done
        var context: UnsafeMutableRawPointer?
    }
    private var senders: WorkQueue<Job>!

    init(config: KannelConfig, host: UnsafePointer<liaison_host_services>) throws {
        self.config = config
        self.host = host
        if let listen = config.callbackListen {
            do {
                server = try CallbackServer(listen: listen) { [unowned self] path, query in self.callback(path, query) }
            } catch {
                throw ChannelError("\"callback_listen\": \(error)")
            }
        }
        // One kept-alive connection to smsbox per sender thread.
        senders = WorkQueue(threads: config.connections, name: "kannel sender") { [unowned self] _ in
            let connection = HTTPClientConnection(host: config.host, port: config.port, timeoutSeconds: config.timeoutSeconds)
            return { job in
                // Behind a slow smsbox a message could wait past the daemon's
                // send timeout, which kills the host and makes every send in it
                // "unknown" (and resent): one that waited too long is not sent.
                let waited = Date().timeIntervalSince(job.queued)
                let (status, error) = waited > Double(self.config.queueSeconds)
                    ? (Int32(LIAISON_TEMPORARY.rawValue), "kannel: waited \(Int(waited)) s behind other messages for smsbox (queue_seconds \(self.config.queueSeconds)); not sent")
                    : self.outcome(connection, job.target)
                withOptionalCString(error) { job.done(job.context, status, nil, $0) }
            }
        }
    }

    func log(_ level: liaison_log_level, _ text: String) {
        host.pointee.log(host.pointee.context, Int32(level.rawValue), text)
    }

    /// Builds the request now (the message's strings live only for the
    /// `send` call) and queues it; nil and a reason if it can never be sent.
    func enqueue(_ m: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) -> String? {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let to = text(m.recipient).filter { !" -()".contains($0) }
        guard to.count >= 3, to.count <= 20, to.enumerated().allSatisfy({ $1.isASCII && ($1.isNumber || ($0 == 0 && $1 == "+")) }) else {
            return "kannel: \"\(text(m.recipient))\" is not a phone number"
        }
        let body = text(m.body)
        let units = body.utf16.count
        guard units > 0 else { return "kannel: the message is empty" }
        let capacity = config.maxParts == 1 ? 70 : config.maxParts * 67
        guard units <= capacity else {
            return "kannel: the text is \(units) characters; \(config.maxParts) SMS parts hold \(capacity) (raise \"max_parts\" and Kannel's max-messages, or shorten the template)"
        }
        var q = [("username", config.username), ("password", config.password), ("to", to),
                 ("charset", "UTF-8"), ("coding", "2"), ("text", body)]
        if let from = config.from { q.append(("from", from)) }
        if config.dlrMask != 0, let base = config.callbackURL {
            // The key in hex: Kannel would rewrite a %A, %B, … of an escaped key as its own codes.
            var dlr = base + "/dlr?k=" + hex(text(m.idempotency_key)) + "&t=%d&a=%A&f=%F"
            if let s = config.callbackSecret { dlr += "&s=" + formEncoded(s) }
            q.append(("dlr-mask", String(config.dlrMask)))
            q.append(("dlr-url", dlr))
        }
        let target = config.path + "?" + q.map { $0.0 + "=" + formEncoded($0.1) }.joined(separator: "&")
        senders.add(Job(target: target, done: done, context: context))
        return nil
    }

    /// What smsbox's answer means for the message (README: "Outcomes").
    private func outcome(_ connection: HTTPClientConnection, _ target: String) -> (Int32, String?) {
        let temporary = Int32(LIAISON_TEMPORARY.rawValue), permanent = Int32(LIAISON_PERMANENT.rawValue)
        let reply: HTTPReply
        do { reply = try connection.get(target) } catch { return (temporary, "kannel: Kannel's smsbox: \(error.description)") }
        switch reply.status {
        case 200, 202:
            return (Int32(LIAISON_OK.rawValue), nil)
        case 403:
            return (permanent, "kannel: smsbox refused the username and password (HTTP 403 \(reply.body)); check \"username\"/\"password\" against Kannel's sendsms-user group")
        case 400...499:
            return (permanent, "kannel: smsbox rejected the message (HTTP \(reply.status) \(reply.body))")
        default:
            return (temporary, "kannel: smsbox could not take the message now (HTTP \(reply.status) \(reply.body))")
        }
    }

    /// A delivery report or a parent's reply; answers the HTTP status.
    private func callback(_ path: String, _ query: [String: [UInt8]]) -> Int {
        func text(_ name: String) -> String? { query[name].map { String(decoding: $0, as: UTF8.self) } }
        if let secret = config.callbackSecret, !sameBytes(query["s"] ?? [], Array(secret.utf8)) { return 403 }
        // (The last path component: callback_url may carry a prefix of a proxy's.)
        switch "/" + (path.split(separator: "/").last.map(String.init) ?? "") {
        case "/dlr":
            guard let key = text("k").flatMap(unhex), !key.isEmpty, let type = text("t").flatMap(Int.init) else { return 400 }
            // 1 delivered to the phone, 2 failed at the phone, 16 rejected by
            // the SMSC; 4 (buffered) and 8 (SMSC accepted) say nothing final.
            let receipt: liaison_receipt
            switch type {
            case 1: receipt = LIAISON_RECEIPT_DELIVERED
            case 2: receipt = LIAISON_RECEIPT_FAILED
            case 16: receipt = LIAISON_RECEIPT_REJECTED
            default: return 200
            }
            let provider = text("f").flatMap { $0.isEmpty ? nil : $0 }
            let detail = "Kannel DLR \(type)" + (text("a").map { $0.isEmpty ? "" : ": " + $0 } ?? "")
            withOptionalCString(provider) { p in
                key.withCString { k in
                    host.pointee.report_receipt(host.pointee.context, p, k, Int32(receipt.rawValue), detail)
                }
            }
            return 200
        case "/mo":
            guard let from = text("from"), !from.isEmpty else { return 400 }
            let message = replyText(query)
            withOptionalCString(text("id")) { id in host.pointee.report_reply(host.pointee.context, from, message, id) }
            return 200
        default:
            return 404
        }
    }

    /// The reply's text: `bin` (Kannel's %b) in the message's coding (%c) —
    /// UTF-16BE for UCS-2 — or else `text` (%a).
    private func replyText(_ query: [String: [UInt8]]) -> String {
        let coding = query["coding"].map { String(decoding: $0, as: UTF8.self) }
        if coding == "2", let bin = query["bin"] {
            return String(data: Data(bin), encoding: .utf16BigEndian) ?? String(decoding: bin, as: UTF8.self)
        }
        return String(decoding: query["text"] ?? [], as: UTF8.self)
    }

    /// Sends what is queued, then stops the senders and the listener.
    func close() {
        senders.finish()
        server?.stop()
    }
}

/// Lower-case hex of the UTF-8 bytes, and back.
func hex(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }

func unhex(_ s: String) -> String? {
    let digits = Array(s.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    for i in stride(from: 0, to: digits.count, by: 2) {
        guard let b = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
        bytes.append(b)
    }
    return String(bytes: bytes, encoding: .utf8)
}

/// Equal, in a time that does not depend on where they differ.
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

extension KannelInstance: SwiftChannel {
    convenience init(config: String, host: UnsafePointer<liaison_host_services>) throws {
        let parsed = try KannelConfig(json: config)
        try self.init(config: parsed, host: host)
        log(LIAISON_LOG_INFO, "kannel: sending through http://\(parsed.host):\(parsed.port)\(parsed.path) as \(parsed.username)"
            + (parsed.callbackListen.map { ", delivery reports and replies on \($0)" } ?? ", without delivery reports"))
    }

    /// A message that can never go (not a phone number, too long) is
    /// finished at once, so that its reason reaches the message's record.
    func send(_ message: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) {
        if let refusal = enqueue(message, done: done, context: context) {
            refusal.withCString { done(context, Int32(LIAISON_PERMANENT.rawValue), nil, $0) }
        }
    }
}

@_cdecl("liaison_channel_entry_v1")
public func liaisonChannelEntry() -> UnsafePointer<liaison_channel_descriptor> {
    ChannelPluginKit.entry(KannelInstance.self, name: "kannel", version: "1.0.0",
                           capabilities: UInt32(LIAISON_CAP_RECEIPTS | LIAISON_CAP_REPLIES), maxMessageLength: 335)
}
