import Foundation

/// A channel's rate limit (`rate_per_minute`): messages a minute, with a
/// minute's worth of burst; on the engine's clock, so a manual clock paces
/// it in tests. A value: the dispatcher keeps one per channel and the
/// delivery policy reads when its next token comes.
public struct TokenBucket: Sendable, Equatable {
    public let perSecond: Double
    public let capacity: Double
    public private(set) var tokens: Double
    var at: Date?

    public init(perMinute: Int) {
        perSecond = Double(perMinute) / 60
        capacity = Double(perMinute)
        tokens = capacity
    }

    /// The tokens there are at `now`, without taking one.
    func refilled(_ now: Date) -> Double {
        guard let at else { return tokens }
        return min(capacity, tokens + max(0, now.timeIntervalSince(at)) * perSecond)
    }

    /// Takes a token if there is one at `now`.
    public mutating func take(_ now: Date) -> Bool {
        tokens = refilled(now)
        at = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token comes: `now` if there is one already.
    public func nextToken(after now: Date) -> Date { now.addingTimeInterval(max(0, 1 - refilled(now)) / perSecond) }
}
