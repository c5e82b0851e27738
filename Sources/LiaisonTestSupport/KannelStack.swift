// A real Kannel SMS gateway on loopback for the tests and `make bench`:
// bearerbox, smsbox, and two fake SMSCs from kannel-extras — one takes the
// messages we send (what a parent's phone would get), the other injects
// parents' replies (mobile-originated messages). Facts it relies on are in
// ../shared/NOTES.md ("Kannel").
import Foundation
import Glibc
import MiniHTTP

public struct FakeSMS: Equatable, Sendable {
    public var from: String
    public var to: String
    public var text: String
    public init(from: String, to: String, text: String) { self.from = from; self.to = to; self.text = text }
}

public final class KannelStack: @unchecked Sendable {
    public static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"
    public static var installed: Bool {
        ["/usr/sbin/bearerbox", "/usr/sbin/smsbox", fakesmsc].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public let dir: String
    public let username = "liaison"
    public let password: String
    public let sender = "10690001"
    let adminPort: UInt16, boxPort: UInt16, sendsmsPort: UInt16, smscPort: UInt16, moPort: UInt16
    /// A free port for the channel's callback listener (picked with Kannel's
    /// own, so that none of them can be the same).
    public let callbackPort: UInt16
    public let replySecret: String?
    /// Where smsbox sends parents' replies (the plugin's listener).
    public let replyURL: String
    private var bearerbox: ChildProcess?
    private var smsbox: ChildProcess?
    private var phone: ChildProcess?
    private var replier: ChildProcess?
    private var phoneLogs: [String] = []

    public var sendsmsURL: String { "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }
    var adminURL: String { "http://127.0.0.1:\(adminPort)" }

    /// Writes the configuration into `dir`; parents' replies go to
    /// http://127.0.0.1:`callbackPort`, with `replySecret` as the callback secret.
    public init(dir: String, replySecret: String? = nil) throws {
        self.dir = dir
        self.replySecret = replySecret
        password = "pw-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ports = try freePorts(6)
        (adminPort, boxPort, sendsmsPort, smscPort, moPort, callbackPort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
        let replyBase = "http://127.0.0.1:\(callbackPort)"
        replyURL = replyBase + "/mo?from=%p&to=%P&coding=%c&bin=%b&text=%a&id=%I" + (replySecret.map { "&s=\($0)" } ?? "")
        let config = """
            group = core
            admin-port = \(adminPort)
            admin-password = admin
            status-password = admin
            admin-interface = 127.0.0.1
            admin-allow-ip = 127.0.0.1
            smsbox-port = \(boxPort)
            smsbox-interface = 127.0.0.1
            box-allow-ip = 127.0.0.1
            dlr-storage = internal
            store-type = file
            store-location = \(dir)/store
            log-file = \(dir)/bearerbox.log
            log-level = 1

            group = smsc
            smsc = fake
            smsc-id = phones
            port = \(smscPort)
            connect-allow-ip = 127.0.0.1

            group = smsc
            smsc = fake
            smsc-id = replies
            port = \(moPort)
            connect-allow-ip = 127.0.0.1
            allowed-smsc-id = replies

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = \(boxPort)
            sendsms-port = \(sendsmsPort)
            sendsms-interface = 127.0.0.1
            global-sender = \(sender)
            http-request-retry = 10
            http-queue-delay = 1
            log-file = \(dir)/smsbox.log
            log-level = 1

            group = sendsms-user
            username = \(username)
            password = \(password)
            concatenation = true
            max-messages = 10
            default-smsc = phones

            group = sms-service
            keyword = default
            catch-all = true
            max-messages = 0
            get-url = "\(replyURL)"

            """
        try config.write(toFile: "\(dir)/kannel.conf", atomically: true, encoding: .utf8)
    }

    deinit { stop() }

    /// Starts bearerbox, smsbox and the phones' fake SMSC; returns when the
    /// status page shows both on line (about 0.3 s).
    public func start() throws {
        let conf = "\(dir)/kannel.conf"
        bearerbox = try ChildProcess(["/usr/sbin/bearerbox", "-v", "1", conf], env: [:], output: "\(dir)/bearerbox.out")
        try wait("bearerbox answering on its admin port") { (try? self.status()) != nil }
        smsbox = try ChildProcess(["/usr/sbin/smsbox", "-v", "1", conf], env: [:], output: "\(dir)/smsbox.out")
        let log = "\(dir)/phones-\(phoneLogs.count).out"
        phoneLogs.append(log)
        phone = try ChildProcess([Self.fakesmsc, "-H", "127.0.0.1", "-r", "\(smscPort)", "-m", "0", "x y text z"], env: [:], output: log)
        try wait("smsbox and the fake SMSC on line") {
            guard let s = try? self.status() else { return false }
            return s.contains("on-line") && s.contains("phones[phones]") && s.contains("(online")
        }
    }

    /// Shuts the gateway down through its admin port (messages it accepted
    /// but could not send stay in its store for the next start).
    public func stop() {
        if bearerbox?.isRunning == true {
            _ = try? httpGet("\(adminURL)/shutdown?password=admin")
            for _ in 0..<100 where bearerbox?.isRunning == true || smsbox?.isRunning == true { usleep(50_000) }
        }
        for p in [bearerbox, smsbox, phone, replier].compactMap({ $0 }) where p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        bearerbox = nil; smsbox = nil; phone = nil; replier = nil
    }

    /// bearerbox's status.txt.
    public func status() throws -> String {
        try httpGet("\(adminURL)/status.txt?password=admin").body
    }

    /// A parent's SMS to the school's number, through the second fake SMSC.
    /// Its fakesmsc stays connected until the next reply or `stop` (one that
    /// disconnects at once can lose what bearerbox has not routed yet; the
    /// fake SMSC takes one client at a time).
    public func reply(from: String, text: String) throws {
        if let previous = replier { kill(previous.processIdentifier, SIGTERM); previous.waitUntilExit() }
        var bytes: [UInt8] = []
        for u in text.utf16 { bytes += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        let data = bytes.map { String(format: "%%%02X", $0) }.joined()
        let log = "\(dir)/reply-\(UUID().uuidString).out"
        replier = try ChildProcess([Self.fakesmsc, "-H", "127.0.0.1", "-r", "\(moPort)", "-m", "1", "\(from) \(sender) ucs2 \(data)"],
                                   env: [:], output: log)
        try wait("the reply handed to bearerbox") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("sent message 1")
        }
    }

    /// What the phones got so far, long messages joined from their parts.
    public func received() -> [FakeSMS] {
        var out: [FakeSMS] = []
        var parts: [String: (FakeSMS, [Int: String], Int)] = [:]
        for log in phoneLogs {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                guard let open = line.range(of: ": <"), line.hasSuffix(">"), line.contains("Got message") else { continue }
                let fields = line[open.upperBound..<line.index(before: line.endIndex)].split(separator: " ", omittingEmptySubsequences: false)
                guard fields.count >= 4 else { continue }
                let from = String(fields[0]), to = String(fields[1])
                switch fields[2] {
                case "ucs-2":
                    out.append(FakeSMS(from: from, to: to, text: utf16BE(percentDecoded(fields[3]))))
                case "udh" where fields.count >= 6:
                    let udh = percentDecoded(fields[3])
                    let body = utf16BE(percentDecoded(fields[5]))
                    guard udh.count >= 6 else { continue }
                    let ref = "\(to)/\(udh[3])", total = Int(udh[4]), seq = Int(udh[5])
                    var entry = parts[ref] ?? (FakeSMS(from: from, to: to, text: ""), [:], total)
                    entry.1[seq] = body
                    if entry.1.count == total {
                        entry.0.text = (1...total).map { entry.1[$0] ?? "" }.joined()
                        out.append(entry.0)
                        parts[ref] = nil
                    } else {
                        parts[ref] = entry
                    }
                default:
                    out.append(FakeSMS(from: from, to: to, text: String(decoding: percentDecoded(fields[3...].joined(separator: " ")[...]), as: UTF8.self)))
                }
            }
        }
        return out
    }

    /// Waits for `ready` with a deadline generous enough for a busy 2-core
    /// machine (LIAISON_TEST_PATIENCE seconds, 120 by default).
    private func wait(_ what: String, _ ready: () -> Bool) throws {
        let patience = Double(ProcessInfo.processInfo.environment["LIAISON_TEST_PATIENCE"] ?? "") ?? 120
        let deadline = Date().addingTimeInterval(patience)
        while Date() < deadline {
            if ready() { return }
            usleep(25_000)
        }
        throw KannelStackError("waited \(Int(patience)) s for \(what) in vain; see \(dir)/*.log and *.out")
    }
}

public struct KannelStackError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// One GET on a connection of its own, with MiniHTTP's client (the kannel
/// plugin's): Kannel's admin pages, and requests the tests forge.
public func httpGet(_ url: String, timeoutSeconds: Int = 5) throws -> HTTPReply {
    guard let u = URLComponents(string: url), let host = u.host, let port = u.port else { throw KannelStackError("bad URL \(url)") }
    let connection = HTTPClientConnection(host: host, port: UInt16(port), timeoutSeconds: timeoutSeconds)
    defer { connection.disconnect() }
    return try connection.get(u.percentEncodedPath + (u.percentEncodedQuery.map { "?" + $0 } ?? ""))
}

/// `count` distinct loopback ports that were free a moment ago.
public func freePorts(_ count: Int) throws -> [UInt16] {
    var fds: [Int32] = [], ports: [UInt16] = []
    defer { fds.forEach { close($0) } }
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fds.append(fd)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw KannelStackError("cannot find a free port: \(String(cString: strerror(errno)))") }
        ports.append(UInt16(bigEndian: addr.sin_port))
    }
    return ports
}

func utf16BE(_ bytes: [UInt8]) -> String { String(data: Data(bytes), encoding: .utf16BigEndian) ?? "" }
