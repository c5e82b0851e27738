import Foundation
import LiaisonCore
import Testing

/// School time as text (notes, letters' `sent_at`), by arithmetic instead of
/// a DateFormatter built per call: it must say exactly what the formatter
/// says, in every zone, across leap days, DST changes and before 1970.
@Suite struct SchoolTimeFormatTests {
    static func formatter(_ zone: TimeZone, _ pattern: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = zone
        f.dateFormat = pattern
        return f
    }

    @Test(arguments: ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"])
    func theSameTextAsTheFormatter(_ zoneID: String) throws {
        let zone = try #require(TimeZone(identifier: zoneID))
        let cal = SchoolCalendar(timeZone: zone)
        let iso = Self.formatter(zone, "yyyy-MM-dd'T'HH:mm:ssxxx"), short = Self.formatter(zone, "yyyy-MM-dd HH:mm")
        var rng = SystemRandomNumberGenerator()
        // Fixed instants that have tripped such code: the epoch, a second
        // before it, leap days, the ends of years, a DST change in New York.
        var instants: [TimeInterval] = [0, -1, -86400, -86401, 951_782_400, 1_709_164_800, 1_798_761_599, 1_798_761_600,
                                        1_710_054_000, 1_710_053_999, 1_730_613_600, -2_208_988_800, 4_102_444_800]
        instants += (0..<2000).map { _ in TimeInterval(Int64.random(in: -2_500_000_000...4_200_000_000, using: &rng)) }
        for t in instants {
            let d = Date(timeIntervalSince1970: t)
            #expect(cal.isoTimestamp(d) == iso.string(from: d), "\(zoneID) \(t)")
            #expect(cal.format(d) == short.string(from: d), "\(zoneID) \(t)")
        }
        // A fraction of a second is cut, not rounded, as the formatter does.
        let almost = Date(timeIntervalSince1970: 1_798_761_599.999)
        #expect(cal.isoTimestamp(almost) == iso.string(from: almost))
    }

    @Test func schoolTimeReadsAsWritten() {
        let cal = SchoolCalendar()
        let d = Date(timeIntervalSince1970: 1_795_876_800)  // 2026-11-28 22:40 in Shanghai
        #expect(cal.format(d) == "2026-11-28 22:40" && cal.isoTimestamp(d) == "2026-11-28T22:40:00+08:00")
    }
}
