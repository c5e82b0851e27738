import Crypto
import Foundation
import LiaisonCore

/// One data key: 256 random bits and the short id that every value sealed
/// under it carries (issue 14.4). The lookup key, for the keyed hashes that
/// find a guardian by phone number, is derived from it (HKDF), so one
/// secret is provisioned and rotating it rotates both.
public struct DataKey: @unchecked Sendable {  // SymmetricKey is immutable
    public let id: String
    let key: SymmetricKey
    let lookupKey: SymmetricKey

    init(id: String, bytes: Data) {
        self.id = id
        key = SymmetricKey(data: bytes)
        lookupKey = HKDF<Crypto.SHA256>.deriveKey(inputKeyMaterial: key, info: Data("liaison guardian lookup v1".utf8), outputByteCount: 32)
    }
}

/// The data keys, oldest first; the last one seals new values. The file
/// (a systemd credential in production, `data.key` beside the database in
/// development) holds one key per line: `ID BASE64`, `#` comments.
public struct Keyring: Sendable {
    public let keys: [DataKey]
    public var current: DataKey { keys[keys.count - 1] }

    init(keys: [DataKey]) {
        precondition(!keys.isEmpty)
        self.keys = keys
    }

    public static let header = """
        # Liaison's data keys (docs/DEPLOY.md, "The data key"): one per line, ID and 32 bytes in base64.
        # The last line seals new values; older lines open what is still sealed under them.
        # Keep a copy where the database's backups are not: without it they cannot be read.

        """

    /// Reads a key file; `file` names it in errors (file:line).
    public static func parse(_ text: String, file: String) throws -> Keyring {
        var keys: [DataKey] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let at = "\(file):\(n + 1)"
            guard parts.count == 2 else {
                throw LiaisonError.invalid("\(at): a key line is `ID BASE64` (e.g. k1 and 44 base64 characters); this line has \(parts.count) fields")
            }
            let id = String(parts[0])
            guard isValidID(id) else {
                throw LiaisonError.invalid("\(at): key id \"\(id)\" must be 1 to 16 letters, digits or '-'")
            }
            guard let bytes = Data(base64Encoded: String(parts[1])), bytes.count == 32 else {
                throw LiaisonError.invalid("\(at): key \(id) is not 32 bytes in base64 (generate one with `head -c 32 /dev/urandom | base64`)")
            }
            guard !keys.contains(where: { $0.id == id }) else {
                throw LiaisonError.invalid("\(at): key id \(id) appears twice; each key needs its own id")
            }
            keys.append(DataKey(id: id, bytes: bytes))
        }
        guard !keys.isEmpty else { throw LiaisonError.invalid("\(file): holds no key; a key line is `ID BASE64`") }
        return Keyring(keys: keys)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...16).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// A new key's line: `ID BASE64` from the system's random source.
    public static func newKeyLine(id: String) -> String {
        let key = SymmetricKey(size: .bits256)
        let b64 = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return "\(id) \(b64)\n"
    }

    /// The id after the newest: k1, k2, … (or `k1` after ids of another form).
    public var nextID: String {
        let numbers = keys.compactMap { $0.id.hasPrefix("k") ? Int($0.id.dropFirst()) : nil }
        return "k\((numbers.max() ?? 0) + 1)"
    }
}
