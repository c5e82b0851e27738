// liaison-channel-host: runs one channel plugin for liaisond, in a process of
// its own so that a crash, hang or leak in the plugin takes only this process
// down (docs/PLUGINS.md). liaisond starts it with one end of a socketpair as
// fd 3 and speaks newline-framed flat JSON over it (HostWire); nothing else
// is read or written there. stderr goes to the daemon's log.
//
//   liaison-channel-host --channel NAME --plugin PATH
import CLiaisonChannel
import Foundation
import Glibc
import LiaisonPosix
import LiaisonCore
import LiaisonProtocol

// Die with the daemon even if the plugin has wedged the reader.
_ = liaison_host_die_with_parent()
signal(SIGPIPE, SIG_IGN)

var channel = "?"
var pluginPath = ""
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--channel": channel = args.popFirst() ?? channel
    case "--plugin": pluginPath = args.popFirst() ?? ""
    default:
        FileHandle.standardError.write(Data("liaison-channel-host: unknown argument \(a)\nusage: liaison-channel-host --channel NAME --plugin PATH (started by liaisond)\n".utf8))
        exit(64)
    }
}


/// Refused (`refused`: the plugin never ran) or failed to open (`open_failed`).
func stop(_ op: String, _ reason: String, code: Int32) -> Never {
    output.send(op == "refused" ? .refused(reason: reason) : .openFailed(reason: reason))
    exit(code)
}

guard !pluginPath.isEmpty else { stop("refused", "liaison-channel-host was started without --plugin", code: 64) }

// Load: the daemon already checked the file's owner and mode; this checks
// what only loading can tell.
guard let library = dlopen(pluginPath, RTLD_NOW | RTLD_LOCAL) else {
    stop("refused", "cannot load \(pluginPath): \(String(cString: dlerror()))", code: 3)
}
guard let symbol = dlsym(library, LIAISON_CHANNEL_ENTRY) else {
    stop("refused", "\(pluginPath) has no \(LIAISON_CHANNEL_ENTRY) symbol: it is not a Liaison channel plugin, or it was built for another ABI version (this host speaks version \(LIAISON_CHANNEL_ABI_VERSION))", code: 3)
}
let entry = unsafeBitCast(symbol, to: liaison_channel_entry_fn.self)
guard let descriptorPointer = entry() else { stop("refused", "\(pluginPath): \(LIAISON_CHANNEL_ENTRY) returned no descriptor", code: 3) }
nonisolated(unsafe) let descriptor = descriptorPointer.pointee
guard descriptor.abi_version == LIAISON_CHANNEL_ABI_VERSION else {
    stop("refused", "\(pluginPath) declares ABI version \(descriptor.abi_version); this host speaks version \(LIAISON_CHANNEL_ABI_VERSION). Rebuild the plugin against this liaison_channel.h", code: 3)
}
// Every field of version 1 must be there; a larger struct is a newer plugin, fine.
let v1Size = UInt32(MemoryLayout<liaison_channel_descriptor>.offset(of: \liaison_channel_descriptor.close)! + MemoryLayout<UnsafeRawPointer>.size)
guard descriptor.struct_size >= v1Size, descriptor.open != nil, descriptor.send != nil, descriptor.close != nil else {
    stop("refused", "\(pluginPath): its descriptor is \(descriptor.struct_size) bytes or lacks open/send/close; version 1 needs \(v1Size) bytes with all three", code: 3)
}


nonisolated(unsafe) let services = makeHostServices()

nonisolated(unsafe) var instance: UnsafeMutableRawPointer?
var framer = LineFramer(limit: 1 << 20)
var buffer = [UInt8](repeating: 0, count: 65536)
nonisolated(unsafe) var opened = false

func handle(_ frame: HostWire) {
    switch frame {
    case let .open(config):
        var error = [CChar](repeating: 0, count: 1024)
        let rc = config.withCString { descriptor.open!($0, services, &instance, &error, error.count) }
        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if rc != 0 { stop("open_failed", reason.isEmpty ? "open returned \(rc)" : reason, code: 4) }
        opened = true
        var caps: [String] = []
        if descriptor.capabilities & UInt32(LIAISON_CAP_RECEIPTS) != 0 { caps.append("receipts") }
        if descriptor.capabilities & UInt32(LIAISON_CAP_REPLIES) != 0 { caps.append("replies") }
        if descriptor.capabilities & UInt32(LIAISON_CAP_IDEMPOTENT) != 0 { caps.append("idempotent") }
        output.send(.ready(name: text(descriptor.name), version: text(descriptor.version), abi: "\(descriptor.abi_version)",
                           capabilities: caps.joined(separator: ","), maxLength: "\(descriptor.max_message_length)", pid: getpid()))
    case let .send(m):
        guard opened else {
            output.send(.log(level: Int(LIAISON_LOG_ERROR.rawValue), text: "send before open; ignored"))
            return
        }
        pending.add(m.id)
        let rc = withStrings([m.key, m.to, m.name, m.topic, m.subject, m.body, m.sentAt, m.term]) { p in
            var msg = liaison_message(struct_size: UInt32(MemoryLayout<liaison_message>.size), id: m.id,
                                      idempotency_key: p[0], recipient: p[1], recipient_name: p[2], topic: p[3],
                                      subject: p[4], body: p[5], urgent: m.urgent ? 1 : 0, sent_at: p[6], term: p[7])
            return descriptor.send!(instance, &msg, done, UnsafeMutableRawPointer(bitPattern: UInt(m.id)))
        }
        if rc != Int32(LIAISON_OK.rawValue), pending.remove(m.id) {
            output.send(.result(id: m.id, status: statusName(rc), providerID: "", error: "the plugin refused the send"))
        }
    case .close:
        if opened { descriptor.close!(instance) }
        output.send(.closed)
        exit(0)
    default:
        output.send(.log(level: Int(LIAISON_LOG_ERROR.rawValue), text: "a host's frame (\(frame.fields["op"] ?? "")) from the daemon; ignored"))
    }
}

/// C strings for the duration of one call.
func withStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>]) -> R) -> R {
    let copies = strings.map { strdup($0)! }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}

while true {
    let n = FD.read(wireFD, into: &buffer)
    if n <= 0 {
        // The daemon closed its end (stopping or gone): finish and leave.
        if opened { descriptor.close!(instance) }
        exit(0)
    }
    for out in framer.feed(buffer[0..<n]) {
        guard case let .frame(line) = out else { stop("open_failed", "a frame from the daemon exceeded 1 MiB", code: 5) }
        switch HostWire.decode(line) {
        case let .success(frame): handle(frame)
        case let .failure(why): output.send(.log(level: Int(LIAISON_LOG_ERROR.rawValue), text: "from the daemon: \(why); ignored"))
        }
    }
}
