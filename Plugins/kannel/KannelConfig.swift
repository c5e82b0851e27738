// The kannel channel's configuration: the JSON object of the channel's
// `config:` in liaison.yaml. Every key is explained in Plugins/kannel/README.md.
import ChannelPluginKit
import Foundation
import MiniHTTP

struct KannelConfig {
    var host: String
    var port: UInt16
    var path: String
    var username: String
    var password: String
    var from: String?
    var callbackListen: String?
    var callbackURL: String?
    var callbackSecret: String?
    var dlrMask: Int
    var connections: Int
    var timeoutSeconds: Int
    var queueSeconds: Int
    var maxParts: Int

    init(json: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw ChannelError("the configuration is not a JSON object")
        }
        func string(_ key: String) throws -> String? {
            guard let v = object[key] else { return nil }
            if let s = v as? String { return s.isEmpty ? nil : s }
            if let n = v as? NSNumber { return n.stringValue }
            throw ChannelError("\"\(key)\" must be a string")
        }
        func int(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let v = object[key] else { return fallback }
            guard let n = (v as? NSNumber)?.intValue ?? (v as? String).flatMap(Int.init), range.contains(n) else {
                throw ChannelError("\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        let known: Set = ["sendsms_url", "username", "password", "password_file", "from", "callback_listen", "callback_url",
                          "callback_secret", "dlr_mask", "connections", "timeout_seconds", "queue_seconds", "max_parts"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw ChannelError("unknown key \"\(unknown)\"; the keys are \(known.sorted().joined(separator: ", "))")
        }
        guard let url = try string("sendsms_url") else {
            throw ChannelError("\"sendsms_url\" is required: smsbox's sendsms address, e.g. http://127.0.0.1:13013/cgi-bin/sendsms")
        }
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, !host.isEmpty else {
            throw ChannelError("\"sendsms_url\" must be an http:// URL (smsbox's sendsms-port), not \"\(url)\"")
        }
        self.host = host
        port = UInt16(parts.port ?? 80)
        path = parts.path.isEmpty ? "/cgi-bin/sendsms" : parts.path
        guard let user = try string("username") else { throw ChannelError("\"username\" is required: the sendsms-user's username") }
        username = user
        if let file = try string("password_file") {
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ChannelError("cannot read \"password_file\" \(file): \(error.localizedDescription)")
            }
            guard !password.isEmpty else { throw ChannelError("\"password_file\" \(file) is empty") }
        } else if let p = try string("password") {
            password = p
        } else {
            throw ChannelError("\"password\" or \"password_file\" is required: the sendsms-user's password")
        }
        from = try string("from")
        callbackListen = try string("callback_listen")
        callbackURL = (try string("callback_url") ?? callbackListen.map { "http://\($0)" }).map {
            $0.hasSuffix("/") ? String($0.dropLast()) : $0
        }
        callbackSecret = try string("callback_secret")
        // Kannel rewrites %A, %B, … in a dlr-url as its own codes: a secret
        // outside these characters would not come back as it was sent.
        if let s = callbackSecret, !s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) }) {
            throw ChannelError("\"callback_secret\" may hold only letters, digits and - . _ ~")
        }
        // A delivery report is evidence that parents were told (P2.2.3): off
        // the loopback, no one else on the network may be able to fake one.
        if let listen = callbackListen, !listen.hasPrefix("127."), callbackSecret == nil {
            throw ChannelError("\"callback_secret\" is required when \"callback_listen\" (\(listen)) is not a loopback address: without it anyone who reaches the port can report a message delivered")
        }
        dlrMask = try int("dlr_mask", 19, 0...31)
        connections = try int("connections", 8, 1...64)
        timeoutSeconds = try int("timeout_seconds", 5, 1...60)
        queueSeconds = try int("queue_seconds", 15, 1...600)
        maxParts = try int("max_parts", 5, 1...255)
        if callbackListen == nil && dlrMask != 0 {
            throw ChannelError("\"callback_listen\" is required for delivery reports (or set \"dlr_mask\": 0 to do without them)")
        }
    }
}
