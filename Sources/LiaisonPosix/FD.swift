import Glibc

/// Reads and writes on file descriptors, retrying when a signal interrupts
/// them: the one copy of the loops the client, the server, the plugin host
/// and the plugins each used to spell out (issue 15.6).
public enum FD {
    /// Writes every byte (on a socket with MSG_NOSIGNAL: a peer gone is an
    /// error, not a SIGPIPE). Returns nil when all went, else the errno.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, socket: Bool = false) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let rest = bytes.count - offset
            let n = socket ? send(fd, bytes.baseAddress! + offset, rest, Int32(MSG_NOSIGNAL)) : write(fd, bytes.baseAddress! + offset, rest)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EPIPE }
            offset += n
        }
        return nil
    }

    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], socket: Bool = false) -> Int32? {
        bytes.withUnsafeBytes { writeAll(fd, $0, socket: socket) }
    }

    /// One read(2) into `buffer`, retried on EINTR: the bytes read, 0 at
    /// the end, or -1 with errno set.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    public static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { read(fd, into: $0) }
    }

    /// The text of an errno.
    public static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
