import Foundation

/// Hours in which routine messages wait (POLICY: parents are not woken for
/// routine news); urgent incident messages go at once.
public struct QuietHours: Sendable, Equatable {
    /// Minutes after midnight, school time; the span may wrap past midnight.
    public var start: Int
    public var end: Int
    public static let `default` = QuietHours(start: 22 * 60, end: 7 * 60)

    public init(start: Int, end: Int) { self.start = start; self.end = end }

    public init?(text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ s: String) -> Int? {
            let hm = s.split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            return h * 60 + m
        }
        guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]), a != b else { return nil }
        start = a; end = b
    }

    public var text: String { String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60) }

    /// When a routine message may go, at `date` or later.
    public func release(after date: Date, calendar: Calendar) -> Date {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let now = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        let inside = start < end ? (now >= start && now < end) : (now >= start || now < end)
        guard inside else { return date }
        var wait = end - now
        if wait <= 0 { wait += 24 * 60 }
        let startOfMinute = calendar.dateInterval(of: .minute, for: date)?.start ?? date
        return startOfMinute.addingTimeInterval(TimeInterval(wait * 60))
    }
}
