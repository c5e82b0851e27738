// A small HTTP listener for callbacks (Kannel's delivery reports and
// forwarded replies): GET only; every request is answered with an empty
// body and the handler's status (an empty body matters to Kannel: its
// sms-service sends whatever its get-url returns back to the phone).
import Foundation
import Glibc
import LiaisonPosix

public final class CallbackServer: @unchecked Sendable {
    public typealias Handler = @Sendable (_ path: String, _ query: [String: [UInt8]]) -> Int

    public let address: String
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopping = false
    private let running = DispatchGroup()

    /// Binds `host:port` (SO_REUSEPORT: during a plugin reload the old and
    /// the new host listen together for a moment). Throws a sentence.
    public init(listen: String, handler: @escaping Handler) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw HTTPFailure("the listen address must be host:port, e.g. 127.0.0.1:13099, not \"\(listen)\"")
        }
        let host = String(listen[..<colon])
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw HTTPFailure("the listen address needs an IPv4 address such as 127.0.0.1, not \"\(host)\"")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPFailure("cannot create a socket: \(errnoText())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // A backlog well above 5: smsbox sends delivery reports in bursts.
        guard bound == 0, Glibc.listen(fd, 1024) == 0 else {
            let why = errnoText()
            Glibc.close(fd)
            throw HTTPFailure("cannot listen on \(listen): \(why)")
        }
        address = listen
        listener = fd
        self.handler = handler
        running.enter()
        let t = Thread { [self] in acceptLoop() }
        t.name = "http callbacks"
        t.start()
    }

    /// Stops accepting, ends every open connection, and returns when no
    /// handler runs any more.
    public func stop() {
        lock.lock()
        stopping = true
        for c in connections { shutdown(c, Int32(SHUT_RDWR)) }
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        running.wait()
        Glibc.close(listener)
    }

    private func acceptLoop() {
        defer { running.leave() }
        while true {
            let c = accept(listener, nil, nil)
            if c < 0 {
                lock.lock(); let stop = stopping; lock.unlock()
                if stop || errno == EBADF || errno == EINVAL { return }
                // Out of descriptors or memory for a moment (EMFILE, ENOBUFS, …):
                // the listener must outlive it, or receipts stop for good.
                if errno != EINTR && errno != ECONNABORTED { usleep(100_000) }
                continue
            }
            _ = fcntl(c, F_SETFD, FD_CLOEXEC)
            // A peer that connects and says nothing lets go after 30 s.
            var tv = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            lock.lock()
            if stopping { lock.unlock(); Glibc.close(c); return }
            connections.insert(c)
            running.enter()
            lock.unlock()
            let t = Thread { [self] in serve(c) }
            t.name = "http callback"
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.lock(); connections.remove(fd); lock.unlock()
            Glibc.close(fd)
            running.leave()
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            guard let end = buffer.firstRange(of: [13, 10, 13, 10]) else {
                guard buffer.count < 64 * 1024 else { return }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                buffer.append(contentsOf: chunk[..<n])
                continue
            }
            let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            buffer.removeFirst(end.upperBound)
            let lines = head.split(separator: "\r\n")
            let request = lines.first?.split(separator: " ") ?? []
            var keepAlive = request.count == 3 && request[2] == "HTTP/1.1"
            var length = 0
            for line in lines.dropFirst() {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let name = pair[0].lowercased(), value = pair[1].trimmingCharacters(in: .whitespaces).lowercased()
                if name == "content-length" { length = Int(value) ?? -1 }
                if name == "connection" { keepAlive = value == "keep-alive" || (keepAlive && value != "close") }
            }
            // A body (none is expected) is read and ignored; a length that is
            // not a number from 0 to 64 KiB ends the connection.
            guard (0...65536).contains(length) else { return }
            while buffer.count < length {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                buffer.append(contentsOf: chunk[..<n])
            }
            buffer.removeFirst(length)
            var status = 405
            if request.count >= 2, request[0] == "GET" {
                let target = request[1]
                let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
                let query = target.firstIndex(of: "?").map { parseQuery(target[target.index(after: $0)...]) } ?? [:]
                status = handler(path, query)
            }
            let reason = [200: "OK", 403: "Forbidden", 404: "Not Found", 400: "Bad Request"][status] ?? "Method Not Allowed"
            let reply = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: 0\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
            guard FD.writeAll(fd, Array(reply.utf8), socket: true) == nil, keepAlive else { return }
        }
    }
}

/// `a=1&b=%E4%B8%AD`: values as raw bytes ('+' is the byte 0x20, as Kannel
/// encodes), since a reply's text may be UTF-16.
public func parseQuery(_ s: Substring) -> [String: [UInt8]] {
    var out: [String: [UInt8]] = [:]
    for pair in s.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(decoding: percentDecoded(kv[0]), as: UTF8.self)
        out[name] = kv.count > 1 ? percentDecoded(kv[1]) : []
    }
    return out
}

public func percentDecoded(_ s: Substring) -> [UInt8] {
    var bytes: [UInt8] = []
    var utf8 = s.utf8.makeIterator()
    func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }
    while let c = utf8.next() {
        switch c {
        case UInt8(ascii: "+"): bytes.append(0x20)
        case UInt8(ascii: "%"):
            if let h = utf8.next(), let l = utf8.next(), let hv = hex(h), let lv = hex(l) { bytes.append(hv << 4 | lv) }
        default: bytes.append(c)
        }
    }
    return bytes
}

/// application/x-www-form-urlencoded, everything but unreserved characters escaped.
public func formEncoded(_ s: String) -> String {
    let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    var out = ""
    out.reserveCapacity(s.utf8.count * 3)
    for b in s.utf8 {
        if unreserved.contains(b) { out.unicodeScalars.append(Unicode.Scalar(b)) } else {
            out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 15, radix: 16, uppercase: true)
        }
    }
    return out
}

