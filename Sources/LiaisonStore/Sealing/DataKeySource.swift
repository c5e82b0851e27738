import Foundation
import Glibc
import LiaisonCore

/// Where liaisond's data key comes from (issue 14.4; docs/DEPLOY.md "The
/// data key"):
/// - under systemd, the credential `liaison-data-key`
///   (`LoadCredential=liaison-data-key:/etc/liaison/data-key`), read from
///   `$CREDENTIALS_DIRECTORY`; it is never created and never written;
/// - otherwise the key file the config names (`data_key:`, by default
///   `data.key` beside the database), created on first start — only while
///   the database holds nothing sealed — and written by `key rotate`;
/// - `data_key: none`: nothing is sealed (benchmarks comparing the cost);
///   a database that holds sealed values refuses to open that way.
public struct DataKeySource: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        case credential(String)
        case file(String)
        case none
    }
    public let origin: Origin

    public static let credentialName = "liaison-data-key"

    public init(origin: Origin) { self.origin = origin }

    /// `configured` is the config's `data_key` (nil: beside the database).
    public static func resolve(configured: String?, database: String, environment: [String: String]) -> DataKeySource {
        if let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty {
            return DataKeySource(origin: .credential((dir as NSString).appendingPathComponent(credentialName)))
        }
        if configured == "none" { return DataKeySource(origin: .none) }
        let beside = ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("data.key")
        return DataKeySource(origin: .file(configured ?? beside))
    }

    public var description: String {
        switch origin {
        case let .credential(p): "the systemd credential \(Self.credentialName) (\(p))"
        case let .file(p): "the key file \(p)"
        case .none: "no key (data_key: none; nothing is sealed)"
        }
    }

    /// The keyring for a database whose sealing keys are `sealedWith`
    /// (`SQLiteStore.sealedKeyIDs`). A key file missing while the database
    /// holds nothing sealed is created; any other absence is a refusal.
    public func load(sealedWith: [String]) throws -> Keyring? {
        switch origin {
        case .none:
            return nil
        case let .credential(path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw DataKeyRefusal("systemd passed credentials but not \(Self.credentialName) (\(path)): add LoadCredential=\(Self.credentialName):/etc/liaison/data-key to the unit and create that file (docs/DEPLOY.md, \"The data key\")")
            }
            return try parse(text, path)
        case let .file(path):
            if !FileManager.default.fileExists(atPath: path) {
                guard sealedWith.isEmpty else {
                    throw DataKeyRefusal("the database is sealed under data key \(sealedWith.joined(separator: ", ")) and the key file \(path) is missing. Restore it from where the key is kept (docs/DEPLOY.md, \"The data key\"); liaisond does not start without it")
                }
                try write(Keyring.header + Keyring.newKeyLine(id: "k1"), to: path)
            }
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
                throw DataKeyRefusal("the key file \(path) can be read by others (mode \(String(st.st_mode & 0o777, radix: 8))); make it the service user's alone: chmod 600 \(path)")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw DataKeyRefusal("cannot read the key file \(path): \(String(cString: strerror(errno)))")
            }
            return try parse(text, path)
        }
    }

    func parse(_ text: String, _ path: String) throws -> Keyring {
        do { return try Keyring.parse(text, file: path) } catch let e as LiaisonError { throw DataKeyRefusal(e.message) }
    }

    /// `key rotate`: a new key at the end of the key file (which then seals
    /// new values). A systemd credential is read-only to liaisond: ops add
    /// the key to the credential's source and restart (docs/DEPLOY.md).
    public func addKey(to keyring: Keyring) throws -> Keyring {
        guard case let .file(path) = origin else {
            throw LiaisonError(.unavailable, "the data key comes from \(description), which liaisond cannot write: append a new key line to the credential's source file (`echo \"\(keyring.nextID) $(head -c 32 /dev/urandom | base64)\" >> /etc/liaison/data-key`), `systemctl restart liaisond`, then run `liaisonctl key rotate` again (docs/DEPLOY.md)")
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? Keyring.header
        let updated = text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + Keyring.newKeyLine(id: keyring.nextID)
        let fresh = try parse(updated, path)
        try write(updated, to: path)
        return fresh
    }

    /// Written beside and renamed: a crash leaves the old file or the new one.
    func write(_ text: String, to path: String) throws {
        let partial = path + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DataKeyRefusal("cannot create the key file \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok, rename(partial, path) == 0 else {
            unlink(partial)
            throw DataKeyRefusal("cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
