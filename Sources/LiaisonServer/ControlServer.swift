import Foundation
import Glibc
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore
import Logging
import Synchronization

/// What the daemon tells `server.status` about itself.
public struct ServerInfo: Sendable {
    public var name: String
    public var startedAt: Date
    public var database: String
    public var socketActivated: Bool
    /// The rules directory `rules.plan` (without a candidate set) and
    /// `rules.apply` read; nil: those refuse (a server without one).
    public var rules: RuleSource?
    /// The data key (`key.status`, `key.rotate`); nil: those refuse.
    public var keys: DataKeys?

    public init(name: String, startedAt: Date, database: String, socketActivated: Bool, rules: RuleSource? = nil, keys: DataKeys? = nil) {
        self.name = name; self.startedAt = startedAt; self.database = database
        self.socketActivated = socketActivated; self.rules = rules; self.keys = keys
    }
}

/// The control socket server: an accept loop and one thread per client.
/// A college's staff are tens of people, so a thread per connection is the
/// simplest thing that is fast enough; every request blocks only its own
/// client while the store commits.
public final class ControlServer: Sendable {
    public let engine: Engine
    let router: Router
    let logger: Logger
    let listenFD: Int32
    let wake: (read: Int32, write: Int32)
    let live = Mutex<Set<Int32>>([])
    let finished = DispatchGroup()
    let limits: ConnectionLimits
    let cap: Mutex<ConnectionCap>

    public init(listening fd: Int32, engine: Engine, info: ServerInfo, channels: (any ChannelControl)? = nil,
                limits: ConnectionLimits = ConnectionLimits(), logger: Logger) {
        self.listenFD = fd
        self.limits = limits
        self.cap = Mutex(ConnectionCap(limit: limits.maxPerUser))
        self.engine = engine
        self.logger = logger
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.wake = (fds[0], fds[1])
        self.router = Routes.make(engine: engine, info: info, channels: channels)
    }

    /// Starts accepting on a thread of its own; returns at once.
    public func start() {
        finished.enter()
        let t = Thread { [self] in
            acceptLoop()
            finished.leave()
        }
        t.name = "liaison-accept"
        t.start()
    }

    /// Stops accepting, lets every request in progress finish and answer,
    /// then returns.
    public func stop() {
        var one: UInt8 = 1
        _ = write(wake.write, &one, 1)
        for fd in live.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RD)) }
        finished.wait()
        close(listenFD)
    }

    func acceptLoop() {
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        var backoff = AcceptBackoff()
        while true {
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue }; logger.error("poll failed: \(String(cString: strerror(errno)))"); return }
            if fds[1].revents != 0 { return }
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                let e = errno
                if e == EINTR || e == EAGAIN || e == ECONNABORTED { continue }
                // Out of descriptors (or anything else that lasts): the
                // socket stays readable, so wait rather than spin.
                let (pause, report) = backoff.failed(now: monotonicSeconds())
                if let report { log(report, errno: e) }
                if stopRequested(within: pause) { return }
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            if let report = backoff.succeeded(now: monotonicSeconds()) { log(report, errno: 0) }
            guard let peer = PeerCredentials.of(socket: client) else {
                logger.warning("closing a client whose credentials the kernel would not give")
                close(client)
                continue
            }
            if case let .refused(first) = cap.withLock({ $0.admit(uid: peer.uid) }) {
                refuse(client, peer, logIt: first)
                continue
            }
            live.withLock { _ = $0.insert(client) }
            finished.enter()
            let connection = Connection(fd: client, server: self, peer: peer)
            let t = Thread { [self] in
                connection.run()
                live.withLock { _ = $0.remove(client) }
                cap.withLock { $0.release(uid: peer.uid) }
                finished.leave()
            }
            t.name = "liaison-client"
            t.start()
        }
    }

    /// Waits up to `milliseconds`; true when `stop()` was called meanwhile.
    func stopRequested(within milliseconds: Int) -> Bool {
        var wakeFD = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
        return poll(&wakeFD, 1, Int32(milliseconds)) > 0
    }

    /// One user over `socket.max_connections_per_user`: tells the client why
    /// and closes, on the accept thread (a new socket's buffer takes one
    /// small frame without blocking). Their other connections go on.
    func refuse(_ fd: Int32, _ peer: PeerCredentials, logIt: Bool) {
        let limit = limits.maxPerUser
        if logIt {
            let who = PeerCredentials.userName(uid: peer.uid).map { "Unix user \($0) (uid \(peer.uid))" } ?? "uid \(peer.uid)"
            logger.warning("\(who) holds \(limit) connections, the most socket.max_connections_per_user allows; refusing its new ones (logged again only after it is admitted once more)")
        }
        let error = LiaisonError(.tooManyConnections,
            "your Unix user (uid \(peer.uid)) already has \(limit) connections open to liaisond, the most one user may hold (socket.max_connections_per_user in liaison.yaml); this one is closed. Close some, or ask ops to raise the limit")
        if let bytes = try? Wire.frame(ErrorReply(id: nil, error: error)) {
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        }
        close(fd)
    }

    func log(_ report: AcceptBackoff.Report, errno e: Int32) {
        switch report {
        case .started:
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            let open = cap.withLock { $0.total }
            let hint = e == EMFILE || e == ENFILE ? " If it recurs, raise LimitNOFILE= in the unit or lower socket.max_connections_per_user." : ""
            logger.error("accept failed: \(String(cString: strerror(e))) (\(open) connections open, descriptor limit \(limit.rlim_cur)); new clients wait in the listen queue. Retrying after a pause growing to 1 s; logged again once a minute while it lasts and when it ends.\(hint)")
        case let .continuing(failures, seconds):
            logger.error("accept still failing: \(failures) failed tries in \(Int(seconds)) s (\(String(cString: strerror(e))))")
        case let .recovered(failures, seconds):
            logger.notice("accept works again after \(failures) failed tries in \(String(format: "%.1f", seconds)) s")
        }
    }

    /// Answers one frame. Never throws: every failure becomes an error reply.
    func handle(frame: [UInt8], context: RequestContext) -> [UInt8] {
        var id: RequestID?
        do {
            if let offset = TextDecoding.invalidUTF8Offset(frame) {
                let (error, readID) = Self.notUTF8(frame, at: offset)
                id = readID
                throw error
            }
            let data = Data(frame)
            let head: RequestHead
            do {
                head = try Wire.decode(RequestHead.self, from: data)
            } catch {
                throw LiaisonError(.badFrame, "the frame is not a JSON request object {\"id\", \"method\", \"params\"}: \(Self.reason(error))")
            }
            id = head.id
            if head.method != Method.hello && context.user == nil {
                throw LiaisonError(.handshakeRequired, "send hello with protocolVersion \(protocolVersion) first")
            }
            return try router.handle(head.method, context, id, data)
        } catch let error as LiaisonError {
            if error.code == .internal { logger.error("\(error.message)") }
            // A stranger has nothing more to ask: answered, then closed.
            if error.code == .notALiaisonUser { context.hangUp = true }
            return (try? Wire.frame(ErrorReply(id: id, error: error))) ?? []
        } catch {
            logger.error("unexpected error: \(error)")
            return (try? Wire.frame(ErrorReply(id: id, error: LiaisonError(.internal, "internal error: \(error)")))) ?? []
        }
    }

    /// The refusal of a frame that is not UTF-8. Nothing in it is acted on:
    /// text is never stored with U+FFFD in place of bytes nobody can read.
    /// When the frame is otherwise a readable request (the bad bytes inside
    /// a string, the usual case: a note pasted from a GBK file), the reply
    /// is `invalid_input` carrying the request's id and method; otherwise
    /// `bad_frame`, as for any unreadable frame.
    static func notUTF8(_ frame: [UInt8], at offset: Int) -> (LiaisonError, RequestID?) {
        let place = "byte 0x\(frame[offset] < 0x10 ? "0" : "")\(String(frame[offset], radix: 16, uppercase: true)) at offset \(offset) of the frame"
        // Each invalid sequence as one '?', only to read the id and method.
        var readable: [UInt8] = []
        var parser = Unicode.UTF8.ForwardParser()
        var input = frame.makeIterator()
        parse: while true {
            switch parser.parseScalar(from: &input) {
            case let .valid(encoded): readable.append(contentsOf: encoded)
            case .error: readable.append(UInt8(ascii: "?"))
            case .emptyInput: break parse
            }
        }
        guard let head = try? Wire.decode(RequestHead.self, from: Data(readable)) else {
            return (LiaisonError(.badFrame, "the frame is not valid UTF-8 (\(place)); send JSON text encoded as UTF-8"), nil)
        }
        return (LiaisonError.invalid(
            "\(head.method): the request is not valid UTF-8 (\(place)); nothing was done. Send the text as UTF-8 (text from a GBK file: iconv -f GB18030 -t UTF-8)"),
                head.id)
    }

    static func reason(_ error: any Error) -> String {
        if let d = error as? DecodingError { return Router.describe(d) }
        return "\(error)"
    }
}
