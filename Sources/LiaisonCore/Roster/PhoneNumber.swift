/// A mainland Chinese phone number, read as people write it and kept in
/// E.164 with its kind (issue 13): `+8613812345678` (a mobile: calls and
/// SMS), `+868885123456` (a landline: calls only). People see it the usual
/// way: `13812345678`, `0888-5123456`. Pure.
public struct PhoneNumber: Sendable, Equatable, Hashable {
    /// `+86` and the national number without its trunk 0.
    public let e164: String
    public let kind: PhoneKind

    /// Full-width digits (１３８…), `+86 138…`, `0086…`, `86-138…`,
    /// `(0888)5123456`, `0888 5123456`, `0888-5123456`, `+86 888 5123456`
    /// and an already stored `+86…`; nil for anything else (a number of
    /// another country too: the gateways here reach mainland numbers).
    public init?(_ raw: String) {
        var ascii = ""
        for u in raw.unicodeScalars {
            switch u.value {
            case 0xFF10...0xFF19: ascii.unicodeScalars.append(Unicode.Scalar(u.value - 0xFF10 + 0x30)!)  // full-width digits
            case 0xFF0B: ascii += "+"
            case 0x20, 0xA0, 0x3000, 0x2D, 0xFF0D, 0x2010...0x2015, 0x28, 0x29, 0xFF08, 0xFF09, 0x2E: continue  // spaces, dashes, brackets, dots
            default: ascii.unicodeScalars.append(u)
            }
        }
        var digits = ascii
        var international = false
        if digits.hasPrefix("+") { digits.removeFirst(); international = true } else if digits.hasPrefix("00") { digits.removeFirst(2); international = true }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if international || (digits.hasPrefix("86") && Self.isMobile(String(digits.dropFirst(2)))) {
            guard digits.hasPrefix("86") else { return nil }  // only mainland numbers
            digits.removeFirst(2)
            if !digits.hasPrefix("0") && !Self.isMobile(digits) { digits = "0" + digits }  // +86 888 5123456, +86 10 …: the trunk 0 left out
        }
        if Self.isMobile(digits) {
            e164 = "+86" + digits; kind = .mobile
            return
        }
        // A landline: the trunk 0, an area code (10, 2x, or three digits from 3xx to 9xx), 7–8 local digits.
        guard digits.hasPrefix("0"), (10...12).contains(digits.count), digits.dropFirst().hasPrefix("10") || !digits.dropFirst().hasPrefix("1"),
              !digits.dropFirst().hasPrefix("0") else { return nil }
        e164 = "+86" + digits.dropFirst(); kind = .landline
    }

    static func isMobile(_ d: String) -> Bool {
        d.count == 11 && d.hasPrefix("1") && "3456789".contains(d[d.index(after: d.startIndex)])
    }

    /// As people write it: a mobile's 11 digits, a landline `AREA-LOCAL`
    /// with its trunk 0 (a 3-digit area code for 010 and 02x, else 4).
    public var display: String {
        let national = String(e164.dropFirst(3))
        if kind == .mobile { return national }
        let area = national.hasPrefix("1") || national.hasPrefix("2") ? 2 : 3
        return "0" + national.prefix(area) + "-" + national.dropFirst(area)
    }

    /// A stored number as people write it; anything that is not one, unchanged.
    public static func display(_ stored: String) -> String { PhoneNumber(stored)?.display ?? stored }

    /// The stored (E.164) form of a number in any form; anything that is not one, unchanged.
    public static func stored(_ raw: String) -> String { PhoneNumber(raw)?.e164 ?? raw }
}
