import Foundation
import LiaisonCore

/// Waiting for a value from a real daemon, never for a fixed time: `probe`
/// until it returns one (through `poll`, with the suite's patience);
/// failing, it says what did not happen.
enum Eventually {
    static func value<T>(_ what: String, seconds: TimeInterval = Patience.seconds, _ probe: () throws -> T?) throws -> T {
        guard let v = try poll(timeout: seconds, probe, until: { $0 != nil }) else {
            throw LiaisonError(.unavailable, "not within \(Int(seconds)) s: \(what)")
        }
        return v
    }
}
