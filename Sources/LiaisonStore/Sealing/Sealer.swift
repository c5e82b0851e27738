import Crypto
import Foundation
import LiaisonCore
import Synchronization

/// Seals and opens the personal data the store keeps (issue 14.4): AES-GCM
/// with a fresh random nonce per value, the column's name as associated
/// data (a value moved to another column does not open), and the key's id
/// in the stored text so that values sealed under an older key still open
/// while they are re-sealed. A sealed value is `sealed1:ID:BASE64`; the
/// empty string stays empty (it holds nothing).
///
/// `Sealer.plaintext` seals nothing: only for a database created without
/// sealing on purpose (`data_key: none`, the benchmark's comparison).
public final class Sealer: Sendable {
    struct State: Sendable {
        var keyring: Keyring?
        var byID: [String: DataKey]
    }
    let state: Mutex<State>
    /// Values opened lately, by column and stored text: the same sealed
    /// value is read again and again (a counselor's list, a message the
    /// dispatcher claims, sends and settles), and opening costs microseconds
    /// (measured: ~4 µs a phone number, ~6 µs a 700-byte payload). Values
    /// up to 8 KiB stored, 16 MiB of them at most; emptied when full. The
    /// column is part of the key, so a value moved to another column still
    /// fails to open.
    struct Opened: Hashable {
        let column: SealedColumn
        let stored: String
        /// Hashes the column and the stored text's last 24 bytes: the end of
        /// the AES-GCM tag, random for every value, so a 1 KiB payload is not
        /// hashed whole on every probe; equality still compares all of it.
        func hash(into hasher: inout Hasher) {
            hasher.combine(column)
            var text = stored
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0.suffix(24)))) }
        }
    }
    struct OpenedCache { var values: [Opened: String] = [:]; var bytes = 0 }
    let opened = Mutex(OpenedCache())
    static let cacheBytes = 16 << 20
    static let cacheableLength = 8 << 10

    public init(keyring: Keyring?) {
        state = Mutex(State(keyring: keyring, byID: Dictionary(uniqueKeysWithValues: (keyring?.keys ?? []).map { ($0.id, $0) })))
    }

    public static var plaintext: Sealer { Sealer(keyring: nil) }

    public var keyring: Keyring? { state.withLock { $0.keyring } }
    public var isSealing: Bool { keyring != nil }

    /// A new key was added to the key file: new values are sealed under it.
    public func install(_ keyring: Keyring) {
        state.withLock { $0 = State(keyring: keyring, byID: Dictionary(uniqueKeysWithValues: keyring.keys.map { ($0.id, $0) })) }
    }

    static let prefix = "sealed1:"
    static let nonces = NoncePool()

    public func seal(_ value: String, _ column: SealedColumn) -> String {
        guard !value.isEmpty, let key = keyring?.current else { return value }
        let stored = Self.seal(value, column, key)
        // What the hot path reads back soon (the dispatcher claims the
        // message it was just given; a receipt reads its case) opens from
        // here; the rest is not worth a place (hashing it into the cache
        // cost the single writer a third of what sealing did).
        if column.readBackSoon { remember(stored, value, column) }
        return stored
    }

    func remember(_ stored: String, _ plain: String, _ column: SealedColumn) {
        guard stored.utf8.count <= Self.cacheableLength else { return }
        let size = stored.utf8.count + plain.utf8.count
        opened.withLock { cache in
            if cache.bytes + size > Self.cacheBytes { cache = OpenedCache() }
            if cache.values.updateValue(plain, forKey: Opened(column: column, stored: stored)) == nil { cache.bytes += size }
        }
    }

    static func seal(_ value: String, _ column: SealedColumn, _ key: DataKey) -> String {
        // Sealing fails only for an invalid key or nonce size, both fixed here.
        let box = try! AES.GCM.seal(Data(value.utf8), using: key.key, nonce: nonces.next(), authenticating: column.associatedData)
        return prefix + key.id + ":" + box.combined!.base64EncodedString()
    }

    /// The id of the key a stored value is sealed under; nil for plaintext.
    static func keyID(of stored: String) -> Substring? {
        guard stored.hasPrefix(prefix) else { return nil }
        let rest = stored.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return rest[..<colon]
    }

    /// The value; a stored plaintext (a database from before sealing, or
    /// one made with `data_key: none`) is returned as it is.
    public func open(_ stored: String, _ column: SealedColumn) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        let cacheable = stored.utf8.count <= Self.cacheableLength
        let probe = Opened(column: column, stored: stored)
        if cacheable, let plain = opened.withLock({ $0.values[probe] }) { return plain }
        let plain = try openUncached(stored, column)
        if cacheable { remember(stored, plain, column) }
        return plain
    }

    func openUncached(_ stored: String, _ column: SealedColumn) throws -> String {
        let rest = stored.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else {
            throw LiaisonError(.internal, "a sealed value in \(column.rawValue) is damaged (no key id)")
        }
        let id = String(rest[..<colon])
        guard let key = state.withLock({ $0.byID[id] }) else {
            throw LiaisonError(.internal, "a value in \(column.rawValue) is sealed under key \(id), which the key file does not hold; restore that key (docs/DEPLOY.md)")
        }
        guard let combined = Data(base64Encoded: String(rest[rest.index(after: colon)...])),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key.key, authenticating: column.associatedData) else {
            throw LiaisonError(.internal, "a value in \(column.rawValue) does not open under key \(id): the database was changed outside liaisond, or the key is not the one it was sealed with")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The keyed hash a guardian's address is found by (HMAC-SHA256 under
    /// the current key's lookup key, 128 bits in hex): replies are matched
    /// to guardians without opening every row. Plaintext mode: the value.
    public func lookupHash(_ value: String) -> String {
        guard let key = keyring?.current else { return value }
        return Self.lookupHash(value, key)
    }

    /// The hashes under every key held: while a rotation runs, some rows
    /// still carry the older key's hashes.
    public func lookupHashes(_ value: String) -> [String] {
        guard let keys = keyring?.keys else { return [value] }
        return keys.reversed().map { Self.lookupHash(value, $0) }
    }

    static func lookupHash(_ value: String, _ key: DataKey) -> String {
        let mac = HMAC<Crypto.SHA256>.authenticationCode(for: Data(value.utf8), using: key.lookupKey)
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// A value only this key opens: stored per key, it tells a wrong key
    /// from the right one at start.
    static let checkText = "liaison data key check"
}

/// Every column that holds personal data sealed (the associated data of
/// each value; names never change once shipped).
public enum SealedColumn: String, Sendable, CaseIterable {
    case eventPayload = "events.payload"
    case studentPhone = "students.phone"
    case guardianPhone = "guardians.phone"
    case guardianPhone2 = "guardians.phone2"
    case guardianWeChat = "guardians.wechat"
    case guardianQQ = "guardians.qq"
    case householdAddress = "households.address"
    case staffPhone = "staff.phone"
    case caseSummary = "cases.summary"
    case caseResolution = "cases.resolution"
    case contactSummary = "contacts.summary"
    case contactFeedback = "contacts.feedback"
    case recordReasons = "student_records.reasons"
    case messageBody = "outbox.body"
    case messageFields = "outbox.fields"
    case messageRoutes = "outbox.routes"
    case messageNote = "outbox.note"
    case attemptAddress = "message_attempts.address"
    case attemptError = "message_attempts.error"
    case receiptDetail = "message_receipts.detail"
    case replyFrom = "replies.from_address"
    case replyText = "replies.text"
    case taskText = "tasks.text"
    case keyCheck = "data_keys.check_value"

    public var table: String { String(rawValue.prefix { $0 != "." }) }

    /// Read again soon after it is written inside the single writer (a
    /// receipt reads its case): kept in the opened cache as it is sealed.
    /// A message's columns are not: the dispatcher reads them back outside
    /// the writer, where opening them costs no one else's turn, while
    /// caching them as they are sealed cost the writer a fifth of sealing.
    var readBackSoon: Bool { self == .caseSummary }

    /// The column's name as AES-GCM's associated data, made once per column.
    var associatedData: Data { Self.associated[self]! }
    static let associated: [SealedColumn: Data] = Dictionary(uniqueKeysWithValues: allCases.map { ($0, Data($0.rawValue.utf8)) })
    public var column: String { String(rawValue.drop { $0 != "." }.dropFirst()) }
}
