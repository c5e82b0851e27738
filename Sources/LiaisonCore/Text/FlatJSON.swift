/// A JSON object whose values are all strings, written and read by hand.
/// It is what crosses the plugin-host pipe for every message and what the
/// store keeps as payloads; JSONEncoder/JSONSerialization showed in profiles
/// at thousands of messages a second. Nested values are refused on read.
public enum FlatJSON {
    public struct Malformed: Error, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "malformed JSON at byte \(offset): \(reason)" }
    }

    /// Keys sorted, so the same object always has the same text.
    public static func encode(_ d: [String: String]) -> String {
        String(decoding: encodeBytes(d), as: UTF8.self)
    }

    /// The object as UTF-8, followed by `terminator` if given (a line for a pipe).
    public static func encodeBytes(_ d: [String: String], terminator: UInt8? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + d.values.reduce(0) { $0 + $1.utf8.count })
        out.append(UInt8(ascii: "{"))
        for (i, key) in d.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(d[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        if let terminator { out.append(terminator) }
        return out
    }

    public static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        appendString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string, escaped byte by byte: multi-byte UTF-8 sequences
    /// (all bytes ≥ 0x80) pass through as they are.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { text in
            for c in text {
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(c >> 4)], hex[Int(c & 15)]]
                default: out.append(c)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func decode(_ text: String) throws -> [String: String] {
        try decode(Array(text.utf8))
    }

    /// Reads `{"k":"v",…}`; numbers, true/false and null are kept as their
    /// text (null as ""), so a plugin may write `"id":12`.
    public static func decode(_ b: [UInt8]) throws -> [String: String] {
        var i = 0
        let out = try object(b, &i)
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        guard i == b.count else { throw Malformed(offset: i, reason: "text after the object") }
        return out
    }

    /// Reads `[{…},{…}]`, an array of flat objects as `decode` reads one
    /// (a case's steps column).
    public static func decodeArray(_ b: [UInt8]) throws -> [[String: String]] {
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        skipSpace()
        guard i < b.count, b[i] == 0x5B else { throw Malformed(offset: i, reason: "expected [") }
        i += 1
        var out: [[String: String]] = []
        skipSpace()
        if i < b.count, b[i] == 0x5D { i += 1 } else {
            while true {
                out.append(try object(b, &i))
                skipSpace()
                guard i < b.count else { throw Malformed(offset: i, reason: "unterminated array") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x5D { i += 1; break }
                throw Malformed(offset: i, reason: "expected , or ]")
            }
        }
        skipSpace()
        guard i == b.count else { throw Malformed(offset: i, reason: "text after the array") }
        return out
    }

    /// One flat object from `i`, leaving `i` just after its `}`.
    static func object(_ b: [UInt8], _ i: inout Int) throws -> [String: String] {
        func fail(_ why: String) -> Malformed { Malformed(offset: i, reason: why) }
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        func expect(_ c: UInt8) throws {
            skipSpace()
            guard i < b.count, b[i] == c else { throw fail("expected \(Character(Unicode.Scalar(c)))") }
            i += 1
        }
        func string() throws -> String {
            try expect(0x22)
            var bytes: [UInt8] = []
            while true {
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]; i += 1
                if c == 0x22 { break }
                if c != 0x5C { bytes.append(c); continue }
                guard i < b.count else { throw fail("unterminated escape") }
                let e = b[i]; i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: bytes.append(e)
                case 0x6E: bytes.append(0x0A)
                case 0x72: bytes.append(0x0D)
                case 0x74: bytes.append(0x09)
                case 0x62: bytes.append(0x08)
                case 0x66: bytes.append(0x0C)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < b.count, b[i] == 0x5C, b[i + 1] == 0x75 else { throw fail("lone surrogate") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("bad escape")
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        func hex4() throws -> UInt32 {
            guard i + 4 <= b.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]; i += 1
                switch c {
                case 0x30...0x39: v = v * 16 + UInt32(c - 0x30)
                case 0x41...0x46: v = v * 16 + UInt32(c - 0x41 + 10)
                case 0x61...0x66: v = v * 16 + UInt32(c - 0x61 + 10)
                default: throw fail("bad hex digit")
                }
            }
            return v
        }
        var out: [String: String] = [:]
        try expect(0x7B)
        skipSpace()
        if i < b.count, b[i] == 0x7D { i += 1; return out }
        while true {
            let key = try string()
            try expect(0x3A)
            skipSpace()
            guard i < b.count else { throw fail("missing value") }
            if b[i] == 0x22 {
                out[key] = try string()
            } else {
                let start = i
                while i < b.count, ![0x2C, 0x7D, 0x20, 0x0A, 0x0D, 0x09].contains(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                guard word == "true" || word == "false" || word == "null" || Double(word) != nil else {
                    throw Malformed(offset: start, reason: "value of \"\(key)\" is not a string, number, boolean or null")
                }
                out[key] = word == "null" ? "" : word
            }
            skipSpace()
            guard i < b.count else { throw fail("unterminated object") }
            if b[i] == 0x2C { i += 1; continue }
            if b[i] == 0x7D { i += 1; break }
            throw fail("expected , or }")
        }
        return out
    }
}
