import Foundation
import LiaisonCore

/// The protocol version this build speaks; `hello` negotiates it.
public let protocolVersion = 1

/// A request or reply id: whatever JSON number or string the client chose.
public enum RequestID: Codable, Sendable, Hashable {
    case number(Int)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n); return }
        self = .string(try c.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(n): try c.encode(n)
        case let .string(s): try c.encode(s)
        }
    }
}

/// The envelope of a request: `{"id": 1, "method": "case.open", "params": {…}}`.
public struct RequestHead: Decodable, Sendable {
    public var id: RequestID?
    public var method: String
}

/// Decodes the `params` of a request frame as `P` (absent params as `{}`).
public struct RequestParams<P: Decodable>: Decodable {
    public var params: P

    enum Keys: String, CodingKey { case params }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if c.contains(.params), try !c.decodeNil(forKey: .params) {
            params = try c.decode(P.self, forKey: .params)
        } else {
            params = try JSONDecoder().decode(P.self, from: Data("{}".utf8))
        }
    }
}

public struct Request<P: Encodable>: Encodable {
    public var id: RequestID
    public var method: String
    public var params: P

    public init(id: RequestID, method: String, params: P) {
        self.id = id; self.method = method; self.params = params
    }
}

/// `{"code": "not_found", "message": "…", "details": ["…"]}`
public struct WireError: Codable, Sendable, Equatable, Error {
    public var code: String
    public var message: String
    public var details: [String]?

    public init(code: String, message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details.isEmpty ? nil : details
    }

    public init(_ e: LiaisonError) {
        code = e.code.rawValue
        message = e.message
        details = e.details.isEmpty ? nil : e.details
    }

    public var liaisonError: LiaisonError {
        LiaisonError(ErrorCode(rawValue: code) ?? .internal, message, details: details ?? [])
    }
}

public struct SuccessReply<R: Encodable>: Encodable {
    public var id: RequestID?
    public var result: R

    public init(id: RequestID?, result: R) { self.id = id; self.result = result }
}

public struct ErrorReply: Codable, Sendable {
    public var id: RequestID?
    public var error: WireError

    public init(id: RequestID?, error: LiaisonError) { self.id = id; self.error = WireError(error) }
}

/// A reply as the client reads it: a result or an error.
public struct Reply<R: Decodable>: Decodable {
    public var id: RequestID?
    public var result: R?
    public var error: WireError?
}

/// A params or result that carries nothing.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}
