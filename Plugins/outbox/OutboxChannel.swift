// outbox — the reference channel plugin in Swift, and the channel of the
// `make run` default (docs/PLUGINS.md). Each message becomes one file in a
// directory, rendered as a person would read it; with `receipts` it reports
// each message delivered once the file is durably there. The file is named
// after the idempotency key, so a repeated send of one message writes
// nothing new (LIAISON_CAP_IDEMPOTENT).
//
// Configuration (JSON object):
//   "directory": where the files go (required; created if missing)
//   "receipts":  true to report "delivered" for each file written
import CLiaisonChannel
import Foundation
import Glibc

final class OutboxInstance {
    let directory: String
    let receipts: Bool
    let host: UnsafePointer<liaison_host_services>

    init(directory: String, receipts: Bool, host: UnsafePointer<liaison_host_services>) {
        self.directory = directory; self.receipts = receipts; self.host = host
    }

    func log(_ level: Int32, _ text: String) {
        host.pointee.log(host.pointee.context, level, text)
    }

    /// The file for one message: its key with anything but [A-Za-z0-9._-] as '_'.
    func fileName(key: String) -> String {
        String(key.unicodeScalars.map { s in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "._-".unicodeScalars.contains(s))) ? Character(s) : "_"
        }) + ".txt"
    }

    /// Writes the file (to a temporary name, fsync, rename, fsync the
    /// directory): after `done(OK)` the message survives a power cut.
    func write(_ m: liaison_message) -> (Int32, String?, String?) {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let key = text(m.idempotency_key)
        let name = fileName(key: key)
        let path = directory + "/" + name
        if access(path, F_OK) == 0 { return (Int32(LIAISON_OK.rawValue), name, nil) }
        let rendered = """
            To: \(text(m.recipient_name)) <\(text(m.recipient))>
            Topic: \(text(m.topic))\(m.urgent != 0 ? " (urgent)" : "")
            Subject: \(text(m.subject))
            Key: \(key)

            \(text(m.body))

            """
        let tmp = directory + "/." + name + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return (Int32(LIAISON_TEMPORARY.rawValue), nil, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let bytes = Array(rendered.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            off += n
        }
        let ok = off == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            return (Int32(LIAISON_TEMPORARY.rawValue), nil, "cannot write \(path): \(why)")
        }
        return (Int32(LIAISON_OK.rawValue), name, nil)
    }
}

private func outboxOpen(_ config: UnsafePointer<CChar>?, _ host: UnsafePointer<liaison_host_services>?,
                        _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                        _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    func refuse(_ why: String) -> Int32 {
        if let error, errorSize > 0 { _ = why.withCString { strncpy(error, $0, errorSize - 1) }; error[errorSize - 1] = 0 }
        return 1
    }
    guard let config, let host, let instance else { return refuse("outbox: open called without config or host services") }
    let object = (try? JSONSerialization.jsonObject(with: Data(String(cString: config).utf8))) as? [String: Any] ?? [:]
    guard let directory = object["directory"] as? String, !directory.isEmpty else {
        return refuse("outbox: the configuration needs \"directory\", where message files are written")
    }
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
    } catch {
        return refuse("outbox: cannot create the directory \(directory): \(error.localizedDescription)")
    }
    guard access(directory, W_OK) == 0 else { return refuse("outbox: cannot write into \(directory): \(String(cString: strerror(errno)))") }
    let box = OutboxInstance(directory: directory, receipts: object["receipts"] as? Bool ?? false, host: host)
    box.log(Int32(LIAISON_LOG_INFO.rawValue), "outbox: writing messages into \(directory)\(box.receipts ? ", with receipts" : "")")
    instance.pointee = Unmanaged.passRetained(box).toOpaque()
    return 0
}

private func outboxSend(_ instance: UnsafeMutableRawPointer?, _ message: UnsafePointer<liaison_message>?,
                        _ done: liaison_send_done?, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let instance, let message, let done else { return Int32(LIAISON_PERMANENT.rawValue) }
    let box = Unmanaged<OutboxInstance>.fromOpaque(instance).takeUnretainedValue()
    let (status, providerID, error) = box.write(message.pointee)
    // Synchronous: the file is written (or not) before `send` returns.
    withOptionalCString(providerID) { pid in
        withOptionalCString(error) { err in done(context, status, pid, err) }
        if status == Int32(LIAISON_OK.rawValue), box.receipts {
            box.host.pointee.report_receipt(box.host.pointee.context, pid, message.pointee.idempotency_key,
                                            Int32(LIAISON_RECEIPT_DELIVERED.rawValue), "written to the outbox directory")
        }
    }
    return Int32(LIAISON_OK.rawValue)
}

private func outboxClose(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<OutboxInstance>.fromOpaque(instance).release()
}

private func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

/// Built once, never freed: the ABI says the descriptor lives as long as the library.
nonisolated(unsafe) private let descriptor: UnsafeMutablePointer<liaison_channel_descriptor> = {
    let d = UnsafeMutablePointer<liaison_channel_descriptor>.allocate(capacity: 1)
    d.initialize(to: liaison_channel_descriptor(
        abi_version: LIAISON_CHANNEL_ABI_VERSION,
        struct_size: UInt32(MemoryLayout<liaison_channel_descriptor>.size),
        name: UnsafePointer(strdup("outbox")),
        version: UnsafePointer(strdup("1.0.0")),
        capabilities: UInt32(LIAISON_CAP_RECEIPTS | LIAISON_CAP_IDEMPOTENT),
        max_message_length: 0,
        open: outboxOpen,
        send: outboxSend,
        close: outboxClose))
    return d
}()

@_cdecl("liaison_channel_entry_v1")
public func liaisonChannelEntry() -> UnsafePointer<liaison_channel_descriptor> {
    UnsafePointer(descriptor)
}
