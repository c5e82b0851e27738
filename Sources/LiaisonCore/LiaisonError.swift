import Foundation

/// A stable error code. Each code maps to exactly one wire error
/// (docs/PROTOCOL.md lists them); clients may branch on it.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    // Framing and handshake (the control protocol).
    case badFrame = "bad_frame"
    case frameTooLarge = "frame_too_large"
    case truncatedFrame = "truncated_frame"
    case handshakeRequired = "handshake_required"
    case versionMismatch = "version_mismatch"
    case unknownMethod = "unknown_method"
    case invalidParams = "invalid_params"
    // The connection itself: one Unix user holds too many, or one was idle
    // too long (socket.max_connections_per_user, socket.idle_timeout_seconds).
    case tooManyConnections = "too_many_connections"
    case idleTimeout = "idle_timeout"
    // Who is asking.
    case notALiaisonUser = "not_a_liaison_user"
    case forbidden = "forbidden"
    // The request itself.
    case invalidInput = "invalid_input"
    case notFound = "not_found"
    case conflict = "conflict"
    // The daemon.
    case unavailable = "unavailable"
    case `internal` = "internal"
}

/// The one error type the domain, engine and server raise: a stable code,
/// a message a person can act on (what was wrong and what to do), and for
/// input errors every problem found, each with its place (file:line:column,
/// field, case id).
public struct LiaisonError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: [String]

    public init(_ code: ErrorCode, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String {
        details.isEmpty ? message : ([message] + details.map { "  " + $0 }).joined(separator: "\n")
    }

    public static func invalid(_ message: String, details: [String] = []) -> LiaisonError {
        LiaisonError(.invalidInput, message, details: details)
    }
    public static func notFound(_ message: String) -> LiaisonError { LiaisonError(.notFound, message) }
    public static func conflict(_ message: String) -> LiaisonError { LiaisonError(.conflict, message) }
}
