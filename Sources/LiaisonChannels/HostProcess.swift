import Foundation
import Glibc
import LiaisonPosix
import LiaisonCore
import LiaisonProtocol

/// What a host process says (its lines, and its end).
public enum HostEvent: Sendable {
    case ready(name: String, version: String, capabilities: String, pid: Int32)
    case refused(String)
    case openFailed(String)
    case result(id: UInt64, status: String, providerID: String, error: String)
    case receipt(providerID: String, key: String, receipt: String, detail: String)
    case reply(from: String, text: String, providerID: String)
    case log(level: Int, text: String)
    /// The process ended: how, in words.
    case exited(String)
}

/// One `liaison-channel-host` process: spawned with one end of a socketpair
/// as its fd 3, read by a thread of its own, reaped when its end closes.
public final class HostProcess: @unchecked Sendable {
    let channel: String
    let generation: Int
    public let pid: pid_t
    private let fd: Int32
    private let writeLock = NSLock()
    let startedAt = Date()
    /// Sends handed to it (the dispatcher's thread only).
    var sends = 0

    /// Spawns the host; `events` is called on the reader thread, in order,
    /// ending with `.exited`.
    public init(program: String, channel: String, plugin: String, generation: Int, events: @escaping @Sendable (HostEvent) -> Void) throws {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw LiaisonError(.internal, "socketpair: \(String(cString: strerror(errno)))")
        }
        let child: pid_t
        do {
            child = try CleanSpawn.spawn([program, "--channel", channel, "--plugin", plugin]) { (actions: inout posix_spawn_file_actions_t) in
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                posix_spawn_file_actions_adddup2(&actions, pair[1], 3)
            }
            close(pair[1])
        } catch {
            close(pair[1])
            close(pair[0])
            throw LiaisonError(.internal, "cannot start \(program): \(String(cString: strerror(error.code.rawValue))); plugins.host in the config names it")
        }
        self.channel = channel; self.generation = generation; self.pid = child; self.fd = pair[0]
        let thread = Thread { [fd = pair[0], pid = child] in
            Self.read(fd: fd, events: events)
            close(fd)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            events(.exited(Self.describe(status)))
        }
        thread.name = "host \(channel)#\(generation)"
        thread.start()
    }

    /// One message for the plugin: the "send" frame liaison-channel-host
    /// turns into a liaison_message (its main.swift reads these keys).
    @discardableResult
    /// `sentAt`: the daemon's clock at this send, ISO 8601 in school time
    /// with its offset (`SchoolCalendar.isoTimestamp`), the plugin's
    /// `liaison_message.sent_at`; `term`, that instant's academic term,
    /// its `liaison_message.term`.
    public func sendMessage(id: UInt64, key: String, to: String, name: String, topic: String, subject: String, body: String,
                            urgent: Bool, sentAt: String, term: String = "") -> Bool {
        send(.send(HostSend(id: id, key: key, to: to, name: name, topic: topic, subject: subject, body: body, urgent: urgent, sentAt: sentAt,
                            term: term)))
    }

    /// Writes one frame; false if the host is gone.
    @discardableResult
    public func send(_ frame: HostWire) -> Bool {
        let bytes = frame.frame
        writeLock.lock(); defer { writeLock.unlock() }
        return FD.writeAll(fd, bytes, socket: true) == nil
    }

    public func kill(_ signal: Int32 = SIGKILL) { Glibc.kill(pid, signal) }

    /// Resident memory in KiB, from /proc (nil once the process is gone).
    func residentKiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    private static func read(fd: Int32, events: @Sendable (HostEvent) -> Void) {
        var framer = LineFramer(limit: 1 << 20)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = FD.read(fd, into: &buffer)
            if n <= 0 { return }
            for out in framer.feed(buffer[0..<n]) {
                guard case let .frame(line) = out else {
                    events(.log(level: 3, text: "a line from the host exceeded 1 MiB; closing it"))
                    return
                }
                switch HostWire.decode(line) {
                case let .success(frame): if let e = event(frame) { events(e) }
                case let .failure(why): events(.log(level: 3, text: "from the host: \(why)"))
                }
            }
        }
    }

    static func event(_ frame: HostWire) -> HostEvent? {
        switch frame {
        case let .ready(name, version, _, capabilities, _, pid): .ready(name: name, version: version, capabilities: capabilities, pid: pid)
        case let .refused(reason): .refused(reason)
        case let .openFailed(reason): .openFailed(reason)
        case let .result(id, status, providerID, error): .result(id: id, status: status, providerID: providerID, error: error)
        case let .receipt(providerID, key, receipt, detail): .receipt(providerID: providerID, key: key, receipt: receipt, detail: detail)
        case let .reply(from, text, providerID): .reply(from: from, text: text, providerID: providerID)
        case let .log(level, text): .log(level: level, text: text)
        case .closed: nil
        case .open, .send, .close: .log(level: 3, text: "the host sent a daemon's frame (\(frame.fields["op"] ?? "")); ignored")
        }
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
        return "killed by signal \(signal) (\(name))\(status & 0x80 != 0 ? ", core dumped" : "")"
    }
}
