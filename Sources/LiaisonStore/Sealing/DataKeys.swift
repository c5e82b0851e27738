import Foundation
import LiaisonCore
import Synchronization

/// The data key as a running daemon handles it (`key status`, `key
/// rotate`): the store it seals and the source it came from. Here, beside
/// the sealing it drives; the server only routes to it.
public final class DataKeys: Sendable {
    let store: SQLiteStore
    let source: DataKeySource
    /// One rotation at a time; a second is told one runs.
    let rotating = Mutex(false)

    public init(store: SQLiteStore, source: DataKeySource) { self.store = store; self.source = source }

    public func status() throws -> KeyStatus { try store.keyStatus() }

    /// A key file gets a new key, which seals new values at once; then
    /// every value is re-sealed under it in batches while the daemon
    /// serves, and the older keys are retired. Under a systemd credential
    /// the newest key the credential holds is the target (ops add it).
    public func rotate() throws -> KeyRotation {
        guard let keyring = store.sealer.keyring else {
            throw LiaisonError(.unavailable, "this liaisond seals nothing (data_key: none in its config); there is no key to rotate")
        }
        guard rotating.withLock({ busy in defer { busy = true }; return !busy }) else {
            throw LiaisonError.conflict("a key rotation is already running; `liaisonctl key status` shows how far it is")
        }
        defer { rotating.withLock { $0 = false } }
        let started = Date()
        var newKey = false
        if case .file = source.origin {
            store.sealer.install(try source.addKey(to: keyring))
            try store.recordKeys()
            newKey = true
        } else {
            let before = try store.keyStatus()
            let stale = before.keys.filter { !$0.current && $0.values > 0 }
            if stale.isEmpty && before.plaintextValues == 0 {
                throw LiaisonError.conflict("every value is already sealed under \(keyring.current.id), the newest key in \(source.description). To rotate: append a new key line to the credential's source file (`echo \"\(keyring.nextID) $(head -c 32 /dev/urandom | base64)\" >> /etc/liaison/data-key`), `systemctl restart liaisond`, then `liaisonctl key rotate` (docs/DEPLOY.md)")
            }
        }
        let retiring = try store.keyStatus().keys.filter { !$0.current && $0.retiredAt == nil }.map(\.id)
        let resealed = try store.resealAll()
        return KeyRotation(current: store.sealer.keyring!.current.id, newKey: newKey, resealed: resealed,
                           seconds: Date().timeIntervalSince(started), retired: retiring, status: try store.keyStatus())
    }
}
