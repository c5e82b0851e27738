// MiniHTTP: the little HTTP the kannel channel needs (and the benchmark that
// drives Kannel directly, for comparison): a kept-alive GET client and a
// callback listener. Plain HTTP/1.1 on a trusted network, nothing more.
//
// One keep-alive HTTP/1.1 connection, enough for Kannel's sendsms interface:
// GET requests, replies with a Content-Length. Blocking, used by one thread
// at a time, with a timeout on every socket call.
import Foundation
import Glibc
import LiaisonPosix

public struct HTTPReply: Sendable {
    public var status: Int
    public var body: String
}

/// Why a request got no HTTP reply. Every case is worth trying again later.
public struct HTTPFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public final class HTTPClientConnection {
    public let host: String
    public let port: UInt16
    public let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var pending: [UInt8] = []

    public init(host: String, port: UInt16, timeoutSeconds: Int) {
        self.host = host; self.port = port; self.timeoutSeconds = timeoutSeconds
    }

    deinit { disconnect() }

    public func disconnect() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        pending = []
    }

    /// Sends one GET and reads its reply. A kept-alive connection the server
    /// closed while idle fails before any byte of a reply: that request never
    /// reached the server, and is made once more on a new connection.
    public func get(_ target: String) throws(HTTPFailure) -> HTTPReply {
        let reused = fd >= 0
        do {
            return try exchange(target)
        } catch let failure {
            disconnect()
            guard reused, failure.beforeReply else { throw HTTPFailure(failure.description) }
        }
        do { return try exchange(target) } catch { disconnect(); throw HTTPFailure(error.description) }
    }

    private struct ExchangeFailure: Error {
        var description: String
        var beforeReply: Bool
    }

    private func exchange(_ target: String) throws(ExchangeFailure) -> HTTPReply {
        if fd < 0 { try connect() }
        let request = "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: keep-alive\r\n\r\n"
        if let e = FD.writeAll(fd, Array(request.utf8), socket: true) {
            throw ExchangeFailure(description: "cannot send to \(host):\(port): \(FD.describe(e))", beforeReply: true)
        }
        // Status line and headers.
        var headerEnd: Int?
        while true {
            if let end = pending.firstRange(of: [13, 10, 13, 10]) { headerEnd = end.upperBound; break }
            try fill(beforeReply: pending.isEmpty)
        }
        let head = String(decoding: pending[..<headerEnd!], as: UTF8.self)
        pending.removeFirst(headerEnd!)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ExchangeFailure(description: "\(host):\(port) answered something that is not HTTP: \(lines.first ?? "")", beforeReply: false)
        }
        var length: Int?
        var close = statusParts[0] == "HTTP/1.0"
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].lowercased(), value = pair[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) ?? -1 }
            if name == "connection", value.lowercased() == "close" { close = true }
            if name == "transfer-encoding", value.lowercased() != "identity" { length = -1 }
        }
        // Without a length the body runs to the end of the connection; a
        // chunked or nonsensical one is not read (the status still counts)
        // and the connection is dropped, so nothing is left to confuse the next reply.
        guard let length, (0...(1 << 20)).contains(length) else {
            if length == nil { while (try? fill(beforeReply: false)) != nil {} }
            let body = length == nil ? String(decoding: pending, as: UTF8.self) : ""
            disconnect()
            return HTTPReply(status: status, body: body.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        while pending.count < length { try fill(beforeReply: false) }
        let body = String(decoding: pending[..<length], as: UTF8.self)
        pending.removeFirst(length)
        if close { disconnect() }
        return HTTPReply(status: status, body: body.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func fill(beforeReply: Bool) throws(ExchangeFailure) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { pending.append(contentsOf: chunk[..<n]); return }
            if n < 0 && errno == EINTR { continue }
            let why = n == 0 ? "the connection was closed" : (errno == EAGAIN ? "no reply within \(timeoutSeconds) s" : errnoText())
            throw ExchangeFailure(description: "\(host):\(port): \(why)", beforeReply: beforeReply && n == 0)
        }
    }

    private func connect() throws(ExchangeFailure) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw ExchangeFailure(description: "cannot resolve the host \(host): \(String(cString: gai_strerror(rc)))", beforeReply: true)
        }
        defer { freeaddrinfo(list) }
        var why = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let a = entry {
            entry = a.pointee.ai_next
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            guard s >= 0 else { why = errnoText(); continue }
            var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var one: Int32 = 1
            setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { fd = s; return }
            why = errnoText()
            Glibc.close(s)
        }
        throw ExchangeFailure(description: "cannot reach \(host):\(port): \(why)", beforeReply: true)
    }
}

public func errnoText() -> String { String(cString: strerror(errno)) }
