import Foundation
import Glibc
import LiaisonPosix
import LiaisonCore
import LiaisonProtocol
import Logging

/// Serves one client: reads frames, answers each in order, and closes on a
/// frame that is too large, a protocol it cannot speak, a user it does not
/// know, or `socket.idle_timeout_seconds` without a request. A reply is
/// written only after the engine has committed (the engine returns after
/// commit).
final class Connection: @unchecked Sendable {
    let fd: Int32
    let server: ControlServer
    let context: RequestContext
    var logger: Logger

    init(fd: Int32, server: ControlServer, peer: PeerCredentials) {
        self.fd = fd
        self.server = server
        self.context = RequestContext(peer: peer)
        self.logger = server.logger
        logger[metadataKey: "peer"] = "pid=\(peer.pid) uid=\(peer.uid)"
    }

    func run() {
        var framer = LineFramer()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let idle = server.limits.idleTimeoutSeconds
        // The idle clock runs only while waiting for a request: it starts at
        // connecting and again after each answer, so a request the daemon is
        // still working on is never cut. Bytes short of a frame do not reset it.
        var deadline = monotonicSeconds() + Double(idle)
        loop: while true {
            guard readable(before: deadline) else {
                logger.info("closing a connection idle for \(idle) s (socket.idle_timeout_seconds)")
                reply(ErrorReply(id: nil, error: LiaisonError(.idleTimeout,
                    "liaisond closed this connection after \(idle) s without a request (socket.idle_timeout_seconds); connect again")))
                break
            }
            let n = FD.read(fd, into: &buffer)
            if n <= 0 {
                if n == 0, framer.pending > 0 {
                    reply(ErrorReply(id: nil, error: LiaisonError(.truncatedFrame,
                        "the connection ended inside a frame (\(framer.pending) bytes without a newline); end every request with \\n")))
                }
                break
            }
            for output in framer.feed(buffer[0..<n]) {
                switch output {
                case let .frame(bytes):
                    if bytes.isEmpty { continue }
                    send(server.handle(frame: bytes, context: context))
                    if context.hangUp { break loop }
                    deadline = monotonicSeconds() + Double(idle)
                case .tooLarge:
                    logger.warning("closing a connection that sent a frame over \(Framing.maxFrameBytes) bytes")
                    reply(ErrorReply(id: nil, error: LiaisonError(.frameTooLarge,
                        "a request frame may hold at most \(Framing.maxFrameBytes) bytes before its newline; the connection is closed. Send large files with upload.begin/upload.append")))
                    break loop
                }
            }
        }
        close(fd)
    }

    /// Waits until the socket has something to read (data, its end, or
    /// `stop()`'s shutdown); false when `deadline` passes first.
    func readable(before deadline: Double) -> Bool {
        while true {
            let left = deadline - monotonicSeconds()
            if left <= 0 { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&p, 1, Int32(min((left * 1000).rounded(.up), Double(Int32.max))))
            if rc > 0 { return true }
            if rc < 0 && errno != EINTR { return true }  // let read() report it
        }
    }

    func reply(_ error: ErrorReply) {
        if let bytes = try? Wire.frame(error) { send(bytes) }
    }

    func send(_ bytes: [UInt8]) {
        FD.writeAll(fd, bytes, socket: true)  // the client went away: nothing more to tell it
    }
}
