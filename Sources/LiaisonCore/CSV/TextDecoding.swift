/// Turns the bytes of an exported file into text, or says exactly why not.
/// UTF-8 with or without a byte order mark is accepted. GBK / GB18030, which
/// Excel writes on Chinese Windows, is recognised and refused with the
/// command that converts it: guessing an encoding silently garbles names.
public enum TextDecoding {
    /// `gb18030` decodes bytes as GB18030 (nil unless every byte does); the
    /// caller supplies it (`LiaisonPosix.GB18030.decode`, the C library's
    /// iconv) so that Core does no I/O. Without it a file is never called GBK.
    public static func decodeUTF8(_ bytes: [UInt8], file: String, gb18030: (([UInt8]) -> String?)? = nil) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            throw LiaisonError.invalid("\(file) is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8 (comma delimited)\" and import again")
        }
        if let text = String(validating: body, as: UTF8.self) { return text }
        let (offset, line, column) = firstInvalidUTF8(body)
        let byte = String(body[body.startIndex + offset], radix: 16, uppercase: true)
        if let gb18030, isGB18030Text(body, decode: gb18030) {
            throw LiaisonError.invalid(
                "\(file):\(line):\(column): the file is not UTF-8; byte 0x\(byte) and the rest look like GBK/GB18030 (Excel on Chinese Windows). Nothing was imported. Convert it and import again: iconv -f GB18030 -t UTF-8 \(file) > utf8-\(file.split(separator: "/").last ?? "")")
        }
        throw LiaisonError.invalid("\(file):\(line):\(column): the file is not UTF-8 (byte 0x\(byte)); save it as \"CSV UTF-8\" and import again. Nothing was imported.")
    }

    /// The byte offset of the first byte that is not valid UTF-8 (of the
    /// first invalid sequence), or nil when every byte is. The daemon and
    /// liaisonctl refuse such text rather than store U+FFFD in its place.
    public static func invalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        return firstInvalidUTF8(bytes[...]).0
    }

    /// The bytes as text for a message: valid UTF-8 as it is, every byte of
    /// an invalid sequence as `\xFF`, so the message shows what was wrong
    /// without itself containing U+FFFD.
    public static func escapingInvalidUTF8(_ bytes: [UInt8]) -> String {
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &input) {
            case let .valid(encoded):
                out.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case let .error(length):
                for b in bytes[offset..<(offset + length)] { out += "\\x" + (b < 0x10 ? "0" : "") + String(b, radix: 16, uppercase: true) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    /// Byte offset, line and column (in characters) of the first byte that is
    /// not valid UTF-8.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> (Int, Int, Int) {
        var line = 1, column = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard length > 0, i + length <= bytes.endIndex,
                  String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil else {
                return (i - bytes.startIndex, line, column)
            }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return (bytes.count, line, column)
    }

    /// True only when the bytes are GBK/GB18030 Chinese text and not UTF-8
    /// with a few bad bytes (issue 13): they decode cleanly as GB18030, the
    /// decoded text is Chinese (CJK ideographs and punctuation), and they
    /// hold fewer valid UTF-8 multi-byte sequences than invalid bytes. A
    /// UTF-8 file with one stray byte is then named by its line, column and
    /// byte, not sent through `iconv -f GB18030`, which would garble it.
    public static func isGB18030Text<C: Collection>(_ bytes: C, decode: ([UInt8]) -> String?) -> Bool where C.Element == UInt8 {
        let a = Array(bytes)
        var validMulti = 0, invalid = 0
        var parser = Unicode.UTF8.ForwardParser()
        var input = a.makeIterator()
        loop: while true {
            switch parser.parseScalar(from: &input) {
            case let .valid(e): if e.count > 1 { validMulti += 1 }
            case .error: invalid += 1
            case .emptyInput: break loop
            }
        }
        guard invalid > validMulti, looksLikeGBK(a), let text = decode(a) else { return false }
        let wide = text.unicodeScalars.filter { !$0.isASCII }
        let chinese = wide.filter { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value)
            || (0x3000...0x303F).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) || (0x2010...0x2027).contains($0.value) }
        return !wide.isEmpty && Double(chinese.count) >= 0.9 * Double(wide.count)
    }

    /// True when nearly every byte above ASCII pairs up as a GBK double-byte
    /// character (lead 0x81–0xFE, trail 0x40–0xFE except 0x7F).
    public static func looksLikeGBK<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let a = Array(bytes)
        var paired = 0, high = 0, i = 0
        while i < a.count {
            let b = a[i]
            if b < 0x80 { i += 1; continue }
            high += 1
            if (0x81...0xFE).contains(b), i + 1 < a.count, (0x40...0xFE).contains(a[i + 1]), a[i + 1] != 0x7F {
                paired += 1
                if a[i + 1] >= 0x80 { high += 1 }
                i += 2
            } else {
                i += 1
            }
        }
        return high > 0 && Double(paired * 2) >= Double(high) * 0.9
    }
}
