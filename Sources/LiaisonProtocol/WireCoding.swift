import Foundation
import LiaisonCore

/// JSON as it crosses the socket: camelCase keys (the Swift names), instants
/// as ISO 8601 UTC with milliseconds.
public enum Wire {
    /// Shared coders: configured once, never mutated, safe to use from any
    /// thread; building one per request showed in profiles.
    static let sharedEncoder = encoder()
    static let sharedDecoder = decoder()

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Event.timestamp(date))
        }
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let c = try dec.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = Event.parseTimestamp(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "\"\(s)\" is not an ISO 8601 instant")
            }
            return date
        }
        return d
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try sharedDecoder.decode(type, from: data)
    }

    /// One frame: compact JSON, then the newline.
    public static func frame<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes = Array(try sharedEncoder.encode(value))
        bytes.append(Framing.newline)
        return bytes
    }
}
