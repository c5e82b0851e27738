import Foundation
import Glibc
import GRDB
import Testing
@testable import LiaisonCore
import LiaisonProtocol

let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The units, the hardening score and socket activation, with systemd's own tools.
@Suite struct SystemdUnitTests {
    @Test func unitsVerify() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("units-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The unit names /usr/bin/liaisond; verify needs a binary that exists.
        let service = try String(contentsOf: projectRoot.appendingPathComponent("Deploy/liaisond.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/liaisond", with: Binaries.liaisond)
        try service.write(to: dir.appendingPathComponent("liaisond.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: projectRoot.appendingPathComponent("Deploy/liaisond.socket"), to: dir.appendingPathComponent("liaisond.socket"))
        let o = try run("/usr/bin/systemd-analyze", ["verify", dir.appendingPathComponent("liaisond.service").path, dir.appendingPathComponent("liaisond.socket").path])
        #expect(o.status == 0, "\(o.out)\(o.err)")
        #expect(!o.err.contains("liaisond.s"), "\(o.err)")
    }

    @Test func exposureIsAtMostOnePointFive() throws {
        let o = try run("/usr/bin/systemd-analyze", ["security", "--offline=true", projectRoot.appendingPathComponent("Deploy/liaisond.service").path])
        let line = (o.out + o.err).split(separator: "\n").first { $0.contains("Overall exposure level for liaisond.service:") }
        let score = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
        #expect(score != nil, "\(o.out)\(o.err)")
        #expect((score ?? 10) <= 1.5)
    }

    @Test func socketActivationServesTheFirstConnectionAndClosesStrayDescriptors() throws {
        let d = try Daemon()
        let port = 40000 + Int.random(in: 0..<20000)
        // fd 3: the control socket; fd 4: a TCP socket liaisond must not keep.
        try d.start(launcher: ["/usr/bin/systemd-socket-activate", "-l", d.socket, "-l", "127.0.0.1:\(port)"])
        let status = try d.client().call(Method.status, Empty(), as: StatusResult.self)
        #expect(status.socketActivated)
        #expect(d.log.contains("closed inherited descriptor 4"), "\(d.log)")
        #expect(d.log.contains("serving on the socket systemd passed (fd 3)"))
        #expect(try d.ctl("case", "open", "accident", "--student", "2023010101", "--summary", "x").status == 0)
        #expect(d.stop() == 0)
    }
}

/// sd_notify as systemd sees it: READY, STATUS, WATCHDOG at the right pace
/// (and none while the writer is stuck), RELOADING/READY, STOPPING.
@Suite struct NotifyLifecycleTests {
    @Test func watchdogReloadAndStop() throws {
        let d = try Daemon()
        let notify = try NotifyTests.NotifySocket(path: d.dir.appendingPathComponent("notify.sock").path)
        // WatchdogSec=0.4s: liaisond must ping every 0.2 s.
        try d.start(env: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        #expect(notify.wait(for: "READY=1") != nil)

        let pings = notify.collect(for: 1.5).filter { $0.contains("WATCHDOG=1") }.count
        #expect((5...10).contains(pings), "\(pings) pings in 1.5 s at a 0.2 s interval")
        #expect(notify.collect(for: 0.5).contains { $0.contains("STATUS=serving on") })

        // A writer that holds the database: no pings while it does.
        let holder = try DatabaseQueue(path: d.database)
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            _ = notify.collect(for: 0.3)  // let a ping that was in flight arrive
            let during = notify.collect(for: 1.2).filter { $0.contains("WATCHDOG=1") }.count
            #expect(during == 0, "\(during) pings while the write lock was held")
            try db.execute(sql: "ROLLBACK")
        }
        #expect(notify.wait(for: "WATCHDOG=1") != nil, "pings resume once the lock is free")
        // (The probe waited on SQLite's 5 s busy timeout and then succeeded,
        // so no "not making progress" line: that comes only past the timeout.)

        // A good reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
        kill(d.process!.processIdentifier, SIGHUP)
        let reload = notify.wait(for: "READY=1")
        #expect(reload?.contains { $0.contains("RELOADING=1") && $0.contains("MONOTONIC_USEC=") } == true)

        // A bad config is refused, the old one kept: the daemon still serves.
        try "database: [unclosed\n".write(toFile: d.configPath, atomically: true, encoding: .utf8)
        kill(d.process!.processIdentifier, SIGHUP)
        let refused = notify.wait(for: "READY=1")
        #expect(refused?.contains { $0.contains("RELOADING=1") } == true)
        #expect(d.log.contains("reload refused, the running configuration is kept: \(d.configPath):"), "\(d.log)")
        #expect(try d.ctl("case", "list").status == 0)

        kill(d.process!.processIdentifier, SIGTERM)
        #expect(notify.wait(for: "STOPPING=1") != nil)
        d.process!.waitUntilExit()
        #expect(d.process!.terminationStatus == 0)
    }
}

extension NotifyTests.NotifySocket {
    /// Every datagram that arrives within `seconds`.
    func collect(for seconds: TimeInterval) -> [String] {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buf = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&p, 1, ms) > 0 else { continue }
            let n = recv(fd, &buf, buf.count, 0)
            if n > 0 { seen.append(String(decoding: buf[0..<n], as: UTF8.self)) }
        }
        return seen
    }
}
