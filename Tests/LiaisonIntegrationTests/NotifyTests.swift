import Foundation
import Glibc
import Testing

/// liaisond speaks sd_notify: READY=1 once it can serve, STOPPING=1 on SIGTERM.
@Suite struct NotifyTests {
    /// A datagram socket standing in for the service manager.
    final class NotifySocket {
        let fd: Int32
        let path: String

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(rc == 0)
        }

        deinit { close(fd); unlink(path) }

        /// Datagrams until one contains `wanted`, or nil after `timeout`.
        func wait(for wanted: String, timeout: TimeInterval = Patience.seconds) -> [String]? {
            var seen: [String] = []
            let deadline = Date().addingTimeInterval(timeout)
            var buf = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 200) > 0 else { continue }
                let n = recv(fd, &buf, buf.count, 0)
                guard n > 0 else { continue }
                let msg = String(decoding: buf[0..<n], as: UTF8.self)
                seen.append(msg)
                if msg.split(separator: "\n").contains(Substring(wanted)) { return seen }
            }
            return nil
        }
    }

    @Test func readyThenStopping() throws {
        let d = try Daemon()
        let notify = try NotifySocket(path: d.dir.appendingPathComponent("notify.sock").path)
        try d.start(env: ["NOTIFY_SOCKET": notify.path])
        let ready = notify.wait(for: "READY=1")
        #expect(ready != nil)
        #expect(ready?.joined().contains("STATUS=serving on") == true)
        // READY came after the socket could serve: a client is answered now.
        #expect(try d.ctl("case", "list").status == 0)
        kill(d.process!.processIdentifier, SIGTERM)
        #expect(notify.wait(for: "STOPPING=1") != nil)
        d.process!.waitUntilExit()
        #expect(d.process!.terminationStatus == 0)
    }
}
