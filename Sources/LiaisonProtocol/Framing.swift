/// The control protocol's framing: one JSON object per line, at most
/// `maxFrameBytes` bytes before the newline.
public enum Framing {
    public static let maxFrameBytes = 64 * 1024
    /// A reply may be longer (a page of 100 students with their guardians,
    /// a long case timeline): the client reads at most this much of one.
    public static let maxReplyBytes = 16 * 1024 * 1024
    public static let newline: UInt8 = 0x0A
}

/// Splits a byte stream into lines without ever holding more than one frame
/// plus one read: once `maxFrameBytes` pass without a newline the framer
/// reports `.tooLarge` and the connection must be closed.
public struct LineFramer: Sendable {
    public enum Output: Equatable, Sendable {
        case frame([UInt8])
        case tooLarge
    }

    var buffer: [UInt8] = []
    let limit: Int

    public init(limit: Int = Framing.maxFrameBytes) { self.limit = limit }

    /// Bytes received but not yet part of a complete line.
    public var pending: Int { buffer.count }

    /// Feeds bytes; returns the complete frames in order, or `.tooLarge` last.
    public mutating func feed<C: Collection>(_ bytes: C) -> [Output] where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var out: [Output] = []
        var start = 0
        while let nl = buffer[start...].firstIndex(of: Framing.newline) {
            if nl - start > limit { buffer = []; return out + [.tooLarge] }
            var line = Array(buffer[start..<nl])
            if line.last == 0x0D { line.removeLast() }
            out.append(.frame(line))
            start = nl + 1
        }
        buffer.removeFirst(start)
        if buffer.count > limit {
            buffer = []
            out.append(.tooLarge)
        }
        return out
    }
}
