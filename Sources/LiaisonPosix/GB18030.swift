import Glibc

/// GB18030 (GBK's superset, what Excel writes on Chinese Windows) through
/// the C library's iconv: the decoder `TextDecoding` is given, so that Core
/// itself stays free of system calls.
public enum GB18030 {
    /// The bytes as text, or nil unless every one of them decodes.
    public static func decode(_ bytes: [UInt8]) -> String? {
        let cd = iconv_open("UTF-8", "GB18030")
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var out = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        let used: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = inBuf.baseAddress, inLeft = inBuf.count
                var outPtr = outBuf.baseAddress, outLeft = outBuf.count
                guard iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuf.count - outLeft
            }
        }
        guard let used else { return nil }
        return String(decoding: out[0..<used].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
