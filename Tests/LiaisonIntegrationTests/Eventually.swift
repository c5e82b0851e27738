import Foundation
import LiaisonCore

/// Waiting for a condition of a real daemon, never for a fixed time: polls
/// `probe` until it returns a value, for at most `seconds` (a generous
/// deadline, since other builds share the cores); failing, it says what
/// did not happen.
enum Eventually {
    static func value<T>(_ what: String, seconds: TimeInterval = 60, _ probe: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let v = try probe() { return v }
            if Date() > deadline { throw LiaisonError(.unavailable, "not within \(Int(seconds)) s: \(what)") }
            usleep(50_000)
        }
    }
}
