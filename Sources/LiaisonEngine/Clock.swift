import Foundation

/// Where the engine gets "now". Injected so tests drive a manual clock and,
/// later, the daemon can run on a virtual one for rehearsals.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told (`clock: virtual`): rehearsals and
/// black-box tests run days of deadlines in seconds. Never the default.
public final class VirtualClock: WallClock, @unchecked Sendable {
    let lock = NSLock()
    var current: Date

    /// Starts at `start` cut to the whole second: instants stored to the
    /// millisecond then compare exactly with the clock (a deadline 2 h after
    /// opening fires on `clock advance 2h`, not half a millisecond later).
    public init(start: Date) { current = Date(timeIntervalSince1970: start.timeIntervalSince1970.rounded(.down)) }

    public func now() -> Date { lock.lock(); defer { lock.unlock() }; return current }

    func set(_ d: Date) { lock.lock(); current = d; lock.unlock() }
}
