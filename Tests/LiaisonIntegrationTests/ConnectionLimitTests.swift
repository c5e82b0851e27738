import Foundation
import Glibc
import Testing
@testable import LiaisonClient
import LiaisonCore
import LiaisonProtocol

/// Issue 14: one Unix user's idle connections must not lock everyone else
/// out. The real daemon, over its real socket, as the test's own user (each
/// uid has its own cap, root's included).
@Suite struct ConnectionLimitTests {
    struct AnyReply: Decodable {
        var id: RequestID?
        var error: WireError?
    }

    /// The next line the daemon sends on `c`, waiting at most the suite's
    /// patience (a daemon that never answers fails the test, not hangs it).
    func nextLine(_ c: LiaisonClient) throws -> AnyReply {
        var p = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
        let ready = poll { Glibc.poll(&p, 1, 100) } until: { $0 != 0 }
        guard ready > 0 else { throw LiaisonError(.unavailable, "the daemon sent nothing within \(Int(Patience.seconds)) s") }
        return try JSONDecoder().decode(AnyReply.self, from: Data(try c.readLine()))
    }

    func status(_ c: LiaisonClient) throws -> StatusResult { try c.call(Method.status, Empty(), as: StatusResult.self) }

    @Test func theConnectionOverTheCapIsRefusedAndTheOthersGoOn() throws {
        let d = try Daemon(socket: ["max_connections_per_user: 3"])
        try d.start()
        // The readiness probes of start() may not have been seen closing
        // yet: a refusal of these three only means "not yet".
        var held: [LiaisonClient] = []
        for i in 1...3 {
            held.append(try Eventually.value("connection \(i) admitted") { try? d.client() })
        }

        let logged = d.log.count
        let fourth = try LiaisonClient(socketPath: d.socket)
        let refusal = try nextLine(fourth)
        #expect(refusal.error?.code == "too_many_connections")
        let message = refusal.error?.message ?? ""
        #expect(message.contains("already has 3 connections open") && message.contains("socket.max_connections_per_user"), "\(message)")
        #expect(fourth.isClosedByPeer())

        // liaisonctl, which says hello first, shows the daemon's reason
        // (not a broken pipe) and exits 3, as when the daemon is unreachable.
        let ctl = try d.ctl("status")
        #expect(ctl.status == 3 && ctl.err.contains("socket.max_connections_per_user"), "\(ctl.status) \(ctl.err)")
        let json = try d.ctl("status", "--json")
        #expect(json.status == 3 && json.out.contains("\"too_many_connections\""), "\(json.out)")

        // The three held connections were not disturbed.
        for c in held { #expect(try status(c).server.hasPrefix("liaisond")) }
        let since = String(d.log.dropFirst(logged))
        #expect(since.components(separatedBy: "the most socket.max_connections_per_user allows").count == 2, "one line for the run of refusals:\n\(since)")

        // One closes; the user may connect again.
        held.removeLast()
        let again = try Eventually.value("a connection admitted once one closed") { try? d.client() }
        #expect(try status(again).server.hasPrefix("liaisond"))
    }

    @Test func anIdleConnectionIsClosedAndTheDaemonGoesOn() throws {
        let d = try Daemon(socket: ["idle_timeout_seconds: 2"])
        try d.start()
        // One that never said hello, one that did and then went quiet.
        let silent = try LiaisonClient(socketPath: d.socket)
        let quiet = try d.client()

        let closing = try nextLine(silent)
        #expect(closing.error?.code == "idle_timeout" && closing.id == nil)
        #expect(closing.error?.message.contains("socket.idle_timeout_seconds") == true, "\(closing.error?.message ?? "")")
        #expect(silent.isClosedByPeer())

        // The client learns why when it next asks, not "broken pipe".
        var p = pollfd(fd: quiet.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll { Glibc.poll(&p, 1, 100) } until: { $0 != 0 } > 0)
        let e = #expect(throws: LiaisonError.self) { try status(quiet) }
        #expect(e?.code == .idleTimeout)

        // New clients are served as before.
        #expect(try status(d.client()).server.hasPrefix("liaisond"))
        #expect(try d.ctl("status").status == 0)
    }

    /// A stranger is told so and the connection closed, not left open for
    /// them to hold. Run as nobody (root's tests) or as the test's own user,
    /// who is on no staff roster.
    @Test func aStrangerIsClosedRightAfterTheRefusal() throws {
        let d = try Daemon(socketGroup: getuid() == 0 ? "nogroup" : nil)
        try d.start()
        let probe = """
            import select, socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            s.sendall(b'{"id":1,"method":"hello","params":{"protocolVersion":1,"client":"t"}}\\n')
            wait, buf = float(sys.argv[2]), b''
            while b'\\n' not in buf:
                if not select.select([s], [], [], wait)[0]: sys.exit('no reply')
                data = s.recv(4096)
                if not data: sys.exit('closed before replying')
                buf += data
            line, rest = buf.split(b'\\n', 1)
            print(line.decode())
            print('closed' if not rest and select.select([s], [], [], wait)[0] and s.recv(1) == b'' else 'still open')
            """
        let python = ["/usr/bin/python3", "-c", probe, d.socket, "\(Patience.seconds)"]
        let o = getuid() == 0
            ? try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"] + python)
            : try run(python[0], Array(python.dropFirst()))
        #expect(o.status == 0, "\(o.err)")
        let lines = o.out.split(separator: "\n").map(String.init)
        let reply = try JSONDecoder().decode(AnyReply.self, from: Data((lines.first ?? "").utf8))
        #expect(reply.error?.code == "not_a_liaison_user" && reply.id == .number(1), "\(o.out)")
        #expect(lines.dropFirst().first == "closed", "\(o.out)")
        #expect(try d.ctl("status").status == 0)
    }

    /// Out of descriptors (EMFILE): the accept loop waits instead of
    /// spinning, logs the burst once, and serves again when descriptors
    /// free up. The daemon's soft limit is lowered while it runs to a few
    /// above what it holds (prlimit), then put back.
    @Test func outOfDescriptorsTheAcceptLoopBacksOffAndRecovers() throws {
        let d = try Daemon(socket: ["max_connections_per_user: 1000"])
        try d.start()
        // Held open through the test, so that its descriptor is not freed
        // in the middle (the first request also opens the store's readers).
        let held = try d.client()
        #expect(try status(held).server.hasPrefix("liaisond"))
        let pid = try #require(d.process?.processIdentifier)
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { Int($0) }
        // Numbers below the limit are what count: an inherited descriptor
        // far above it takes none of them.
        let limit = fds.count + 5
        let free = limit - fds.filter { $0 < limit }.count
        // prlimit(1): Glibc's prlimit(2) is not imported into Swift.
        func setSoftLimit(_ value: String) throws {
            let o = try run("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=\(value):"])
            try #require(o.status == 0, "\(o.err)")
        }
        let old = try run("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile", "--output", "SOFT", "--noheadings"]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try setSoftLimit("\(limit)")

        // More clients than descriptors left: the last wait in the queue.
        var fillers: [LiaisonClient] = []
        for _ in 0..<(free + 8) { fillers.append(try LiaisonClient(socketPath: d.socket)) }
        #expect(eventually { d.log.contains("accept failed: Too many open files") }, "\(d.log)")

        fillers.removeAll()
        // Each burst is one line when it starts and one when it ends. (A
        // descriptor the daemon opens and closes meanwhile, a reader of the
        // store, may split one burst into two: still not a line per try.)
        func bursts() -> (started: Int, ended: [Int]) {
            let log = d.log
            return (log.components(separatedBy: "accept failed:").count - 1,
                    log.matches(of: /accept works again after (\d+) failed tries/).map { Int($0.1)! })
        }
        let seen = poll(bursts) { $0.started >= 1 && $0.started == $0.ended.count }
        #expect(seen.started >= 1 && seen.started == seen.ended.count && seen.started <= 3, "\(seen):\n\(d.log)")
        // Spinning makes hundreds of thousands of tries a second; backing
        // off, a few, then one a second.
        let tries = seen.ended.reduce(0, +)
        #expect(tries >= 1 && tries < 1000, "\(tries) failed tries")

        try setSoftLimit(old)
        #expect(try status(d.client()).server.hasPrefix("liaisond"))
        #expect(try status(held).server.hasPrefix("liaisond"))
    }
}
