import Foundation
import Glibc
import LiaisonPosix
import LiaisonCore
import LiaisonProtocol

/// A blocking client of liaisond's control socket. liaisonctl makes one call
/// at a time, so plain blocking I/O is the simplest correct thing; a program
/// that wants concurrency opens one client per thread (the benchmark does).
public final class LiaisonClient {
    let fd: Int32
    public let socketPath: String
    var nextID = 1
    var inbox: [UInt8] = []
    public private(set) var hello: HelloResult?

    /// Connects; the error says what to do when no daemon is there.
    public init(socketPath: String) throws {
        self.socketPath = socketPath
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LiaisonError(.unavailable, "cannot create a socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        // From here on every stored property is set, so a throw runs deinit,
        // which closes fd: closing it here too would close a descriptor
        // number another thread may already have been given.
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw LiaisonError.invalid("socket path \(socketPath) is too long (at most 107 bytes)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 {
            let e = errno
            switch e {
            case ENOENT: throw LiaisonError(.unavailable, "no liaisond socket at \(socketPath); start the daemon (`make run`) or point --socket / LIAISON_SOCKET at its socket")
            case ECONNREFUSED: throw LiaisonError(.unavailable, "nothing is listening on \(socketPath); liaisond is not running (the file is left from an earlier run)")
            case EACCES: throw LiaisonError(.unavailable, "permission denied on \(socketPath); your user must be in the socket's group (liaison) — ask ops")
            default: throw LiaisonError(.unavailable, "cannot connect to \(socketPath): \(String(cString: strerror(e)))")
            }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Connects and says hello: the usual way in.
    public static func connect(socketPath: String, client: String) throws -> LiaisonClient {
        let c = try LiaisonClient(socketPath: socketPath)
        c.hello = try c.call(Method.hello, HelloParams(client: client), as: HelloResult.self)
        return c
    }

    /// Sends one request and waits for its reply; a daemon error is thrown
    /// as the `LiaisonError` it carries.
    public func call<P: Encodable, R: Decodable>(_ method: String, _ params: P, as: R.Type = R.self) throws -> R {
        let id = nextID
        nextID += 1
        do {
            try send(Wire.frame(Request(id: .number(id), method: method, params: params)))
        } catch {
            throw farewell() ?? error
        }
        let line = try readLine()
        let reply: Reply<R>
        do {
            reply = try Wire.decode(Reply<R>.self, from: Data(line))
        } catch {
            throw LiaisonError(.internal, "cannot read the daemon's reply to \(method): \(error)")
        }
        if let e = reply.error { throw e.liaisonError }
        guard let result = reply.result else { throw LiaisonError(.internal, "the reply to \(method) has neither result nor error") }
        return result
    }

    /// Sends a file in chunks that keep each frame under the 64 KiB limit;
    /// returns the upload id to name in a later request.
    public func upload(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LiaisonError.invalid("\(path): cannot read the file (does it exist?)")
        }
        let name = (path as NSString).lastPathComponent
        let id = try call(Method.uploadBegin, UploadBeginParams(name: name), as: UploadResult.self).upload
        let chunk = 32 * 1024
        var offset = 0
        repeat {
            let end = min(offset + chunk, data.count)
            _ = try call(Method.uploadAppend, UploadAppendParams(upload: id, data: data[offset..<end].base64EncodedString()), as: UploadResult.self)
            offset = end
        } while offset < data.count
        return id
    }

    /// What the daemon said before closing a connection it would not keep
    /// (`too_many_connections`, `idle_timeout`), read without waiting: a
    /// request written after that close fails with EPIPE, but the reason
    /// is still in this socket's buffer.
    func farewell() -> LiaisonError? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !inbox.contains(Framing.newline) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { break }
            inbox.append(contentsOf: buffer[0..<n])
        }
        guard let nl = inbox.firstIndex(of: Framing.newline),
              let reply = try? Wire.decode(Reply<Empty>.self, from: Data(inbox[..<nl])) else { return nil }
        return reply.error?.liaisonError
    }

    // MARK: raw frames, for tests of the protocol itself

    public func send(_ bytes: [UInt8]) throws {
        if let e = FD.writeAll(fd, bytes, socket: true) {
            throw LiaisonError(.unavailable, "the daemon closed the connection (\(FD.describe(e)))")
        }
    }

    /// Stops sending; the daemon sees the end of the stream.
    public func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// The next reply line, without its newline.
    /// A reply longer than `Framing.maxReplyBytes` is refused (the
    /// connection is unusable after it): the client holds no more than one
    /// reply's limit, as the server holds no more than a request's.
    public func readLine() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var searched = 0
        while true {
            if let nl = inbox[searched...].firstIndex(of: Framing.newline) {
                let line = Array(inbox[..<nl])
                inbox.removeFirst(nl + 1)
                return line
            }
            searched = inbox.count
            guard inbox.count <= Framing.maxReplyBytes else {
                inbox = []
                throw LiaisonError(.frameTooLarge, "the daemon's reply is longer than \(Framing.maxReplyBytes) bytes; ask for a smaller page (--limit)")
            }
            let n = FD.read(fd, into: &buffer)
            guard n > 0 else { throw LiaisonError(.unavailable, "the daemon closed the connection before replying") }
            inbox.append(contentsOf: buffer[0..<n])
        }
    }

    /// True when the daemon has closed its side (the next read is EOF).
    public func isClosedByPeer() -> Bool {
        var b: UInt8 = 0
        return inbox.isEmpty && read(fd, &b, 1) == 0
    }
}
