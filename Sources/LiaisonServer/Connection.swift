import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Logging

/// Serves one client: reads frames, answers each in order, and closes on a
/// frame that is too large or a protocol it cannot speak. A reply is written
/// only after the engine has committed (the engine returns after commit).
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
        loop: while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
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

    func reply(_ error: ErrorReply) {
        if let bytes = try? Wire.frame(error) { send(bytes) }
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // the client went away; nothing more to tell it
            offset += n
        }
    }
}
