import Crypto
import Glibc
import Synchronization

/// AES-GCM nonces, 96 random bits each (NIST SP 800-38D 8.2.2), taken from
/// the kernel's random source 4 KiB at a time instead of one `getrandom`
/// call (swift-crypto's) per sealed value, which showed on the single writer's path. Bytes
/// are handed out once and never again.
final class NoncePool: Sendable {
    static let size = 12
    static let refill = 4096 / size * size

    struct State {
        var bytes = [UInt8](repeating: 0, count: NoncePool.refill)
        var next = NoncePool.refill
    }
    let state = Mutex(State())

    func next() -> AES.GCM.Nonce {
        state.withLock { s in
            if s.next == s.bytes.count {
                s.bytes.withUnsafeMutableBytes { Self.fill($0) }
                s.next = 0
            }
            defer { s.next += Self.size }
            // A nonce of 12 bytes is always valid.
            return try! AES.GCM.Nonce(data: s.bytes[s.next..<(s.next + Self.size)])
        }
    }

    /// The kernel's CSPRNG through /dev/urandom, kept open: it never
    /// blocks once the pool is seeded at boot; a short read only follows a
    /// signal.
    static let urandom: Int32 = {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        precondition(fd >= 0, "cannot open /dev/urandom: errno \(errno)")
        return fd
    }()

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var done = 0
        while done < buffer.count {
            let n = read(urandom, buffer.baseAddress! + done, buffer.count - done)
            if n > 0 { done += n } else { precondition(n < 0 && errno == EINTR, "reading /dev/urandom failed: errno \(errno)") }
        }
    }
}
