// outbox — the reference channel plugin in Swift, and the channel of the
// `make run` default (docs/PLUGINS.md). Each message becomes one file in a
// directory, rendered as a person would read it; with `receipts` it reports
// each message delivered once the file is durably there. Files are written
// in batches by one thread and flushed together (fdatasync of each file from
// several threads at once, so the file system's journal commits them in a
// few flushes), then renamed into place with one fsync of the directory.
// The file is named
// after the idempotency key, so a repeated send of one message writes
// nothing new (LIAISON_CAP_IDEMPOTENT).
//
// Configuration (JSON object):
//   "directory": where the files go (required; created if missing)
//   "receipts":  true to report "delivered" for each file written
import ChannelPluginKit
import CLiaisonChannel
import Foundation
import Glibc
import LiaisonPosix
import Synchronization

/// One instance: sends are queued and written by one writer thread in
/// batches, so that one flush makes a whole batch durable (group commit):
/// under load a flush per message would cap the channel at the disk's
/// flush rate.
final class OutboxInstance: @unchecked Sendable {
    let directory: String
    let receipts: Bool
    let host: UnsafePointer<liaison_host_services>

    struct Job {
        var key: String
        var name: String
        var text: String
        var done: liaison_send_done
        var context: UnsafeMutableRawPointer?
    }
    private let queue = NSCondition()
    private var jobs: [Job] = []
    private var closing = false
    private let finished = DispatchSemaphore(value: 0)

    init(directory: String, receipts: Bool, host: UnsafePointer<liaison_host_services>) {
        self.directory = directory; self.receipts = receipts; self.host = host
        let t = Thread { [unowned self] in self.run() }
        t.name = "outbox writer"
        t.start()
    }

    /// The file for one message: its key with anything but [A-Za-z0-9._-] as '_'.
    func fileName(key: String) -> String {
        String(key.unicodeScalars.map { s in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "._-".unicodeScalars.contains(s))) ? Character(s) : "_"
        }) + ".txt"
    }

    /// Renders the message (its strings live only for the `send` call) and queues it.
    func enqueue(_ m: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let key = text(m.idempotency_key)
        let rendered = """
            To: \(text(m.recipient_name)) <\(text(m.recipient))>
            Topic: \(text(m.topic))\(m.urgent != 0 ? " (urgent)" : "")
            Subject: \(text(m.subject))
            Key: \(key)

            \(text(m.body))

            """
        queue.lock()
        jobs.append(Job(key: key, name: fileName(key: key), text: rendered, done: done, context: context))
        queue.signal()
        queue.unlock()
    }

    /// Finishes what is queued, then stops the writer.
    func close() {
        queue.lock(); closing = true; queue.signal(); queue.unlock()
        finished.wait()
    }

    private func run() {
        while true {
            queue.lock()
            while jobs.isEmpty && !closing { queue.wait() }
            // At most 256 a batch: each holds a descriptor until its flush.
            let batch = Array(jobs.prefix(256))
            jobs.removeFirst(batch.count)
            let last = closing && batch.isEmpty
            queue.unlock()
            if last { finished.signal(); return }
            for (job, outcome) in zip(batch, write(batch)) {
                let (status, providerID, error) = outcome
                withOptionalCString(providerID) { pid in
                    withOptionalCString(error) { err in job.done(job.context, status, pid, err) }
                    if status == Int32(LIAISON_OK.rawValue), receipts {
                        job.key.withCString { key in
                            host.pointee.report_receipt(host.pointee.context, pid, key, Int32(LIAISON_RECEIPT_DELIVERED.rawValue),
                                                        "written to the outbox directory")
                        }
                    }
                }
            }
        }
    }

    /// Writes a batch: every file to a temporary name, then all of them
    /// flushed at once (fdatasync: only its own data, not the whole file
    /// system as syncfs did, with the daemon's database on it; from up to 8
    /// threads, since one flush after another was one journal commit a
    /// message), the renames, one fsync of the directory. After `done(OK)`
    /// every message of the batch survives a power cut; a file that is
    /// already there (a repeated key) is not written again.
    private func write(_ batch: [Job]) -> [(Int32, String?, String?)] {
        let ok = Int32(LIAISON_OK.rawValue), temporary = Int32(LIAISON_TEMPORARY.rawValue)
        var outcomes = [(Int32, String?, String?)](repeating: (ok, nil, nil), count: batch.count)
        var written: [(index: Int, tmp: String, path: String, fd: Int32)] = []
        var names = Set<String>()
        for (i, job) in batch.enumerated() {
            let path = directory + "/" + job.name
            outcomes[i] = (ok, job.name, nil)
            if access(path, F_OK) == 0 || !names.insert(job.name).inserted { continue }
            let tmp = directory + "/." + job.name + ".tmp"
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            guard fd >= 0 else { outcomes[i] = (temporary, nil, "cannot create \(tmp): \(String(cString: strerror(errno)))"); continue }
            if let e = FD.writeAll(fd, Array(job.text.utf8)) {
                Glibc.close(fd); unlink(tmp)
                outcomes[i] = (temporary, nil, "cannot write \(tmp): \(FD.describe(e))")
                continue
            }
            written.append((i, tmp, path, fd))
        }
        let errors = Self.flush(written.map(\.fd))
        var staged: [(index: Int, tmp: String, path: String)] = []
        for (w, e) in zip(written, errors) {
            Glibc.close(w.fd)
            guard e == 0 else { unlink(w.tmp); outcomes[w.index] = (temporary, nil, "cannot write \(w.tmp): \(FD.describe(e))"); continue }
            staged.append((w.index, w.tmp, w.path))
        }
        guard !staged.isEmpty else { return outcomes }
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dir >= 0 { Glibc.close(dir) } }
        func failAll(_ why: String) {
            for s in staged { unlink(s.tmp); outcomes[s.index] = (temporary, nil, why) }
        }
        guard dir >= 0 else {
            failAll("cannot open \(directory): \(String(cString: strerror(errno)))")
            return outcomes
        }
        for s in staged where rename(s.tmp, s.path) != 0 {
            outcomes[s.index] = (temporary, nil, "cannot rename into \(s.path): \(String(cString: strerror(errno)))")
            unlink(s.tmp)
        }
        if fsync(dir) != 0 {
            let why = "cannot flush the directory \(directory): \(String(cString: strerror(errno)))"
            for s in staged where outcomes[s.index].0 == ok { outcomes[s.index] = (temporary, nil, why) }
        }
        return outcomes
    }
}

extension OutboxInstance {
    /// fdatasync of every descriptor, from up to 8 threads at once (the
    /// journal gathers concurrent flushes into a few commits); errno of
    /// each, 0 when it flushed.
    static func flush(_ fds: [Int32]) -> [Int32] {
        let width = min(8, fds.count)
        guard width > 1 else { return fds.map { fdatasync($0) == 0 ? 0 : errno } }
        // Each thread flushes every width-th descriptor and hands back its
        // failures under the lock (threads never share the array).
        let failures = Mutex<[Int: Int32]>([:])
        let done = DispatchSemaphore(value: 0)
        for t in 0..<width {
            Thread {
                for i in stride(from: t, to: fds.count, by: width) where fdatasync(fds[i]) != 0 {
                    let e = errno
                    failures.withLock { $0[i] = e }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<width { done.wait() }
        let failed = failures.withLock { $0 }
        return fds.indices.map { failed[$0] ?? 0 }
    }
}

extension OutboxInstance: SwiftChannel {
    convenience init(config: String, host: UnsafePointer<liaison_host_services>) throws {
        let object = (try? JSONSerialization.jsonObject(with: Data(config.utf8))) as? [String: Any] ?? [:]
        guard let directory = object["directory"] as? String, !directory.isEmpty else {
            throw ChannelError("the configuration needs \"directory\", where message files are written")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw ChannelError("cannot create the directory \(directory): \(error.localizedDescription)")
        }
        guard access(directory, W_OK) == 0 else { throw ChannelError("cannot write into \(directory): \(String(cString: strerror(errno)))") }
        self.init(directory: directory, receipts: object["receipts"] as? Bool ?? false, host: host)
        host.log(LIAISON_LOG_INFO, "outbox: writing messages into \(directory)\(receipts ? ", with receipts" : "")")
    }

    func send(_ message: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?) {
        enqueue(message, done: done, context: context)
    }
}

@_cdecl("liaison_channel_entry_v1")
public func liaisonChannelEntry() -> UnsafePointer<liaison_channel_descriptor> {
    ChannelPluginKit.entry(OutboxInstance.self, name: "outbox", version: "1.0.0",
                           capabilities: UInt32(LIAISON_CAP_RECEIPTS | LIAISON_CAP_IDEMPOTENT))
}
