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
