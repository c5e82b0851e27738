import CLiaisonChannel
import Foundation
import Glibc
import LiaisonPosix
import LiaisonCore
import LiaisonProtocol

/// The daemon's end of the socketpair.
let wireFD: Int32 = 3

/// Everything written to the daemon goes through here: one line, written
/// whole, under a lock, since plugin threads report receipts concurrently.
final class Output: @unchecked Sendable {
    let lock = NSLock()
    func send(_ frame: HostWire) {
        let bytes = frame.frame
        lock.lock(); defer { lock.unlock() }
        if FD.writeAll(wireFD, bytes) != nil { exit(0) }  // the daemon is gone
    }
}
let output = Output()

func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }

/// The host services handed to the plugin at open. C function pointers
/// cannot capture, so they reach `output` as a global. Plugins call them
/// from threads of their own: nothing here may belong to the main actor
/// (top-level code in main.swift does, and the runtime traps on the
/// isolation check), which is why this lives in a file of its own.
func makeHostServices() -> UnsafeMutablePointer<liaison_host_services> {
    let services = UnsafeMutablePointer<liaison_host_services>.allocate(capacity: 1)
    services.initialize(to: liaison_host_services(
        abi_version: LIAISON_CHANNEL_ABI_VERSION,
        struct_size: UInt32(MemoryLayout<liaison_host_services>.size),
        context: nil,
        report_receipt: { _, providerID, key, receipt, detail in
            let name = switch Int(receipt) {
            case Int(LIAISON_RECEIPT_DELIVERED.rawValue): "delivered"
            case Int(LIAISON_RECEIPT_FAILED.rawValue): "failed"
            case Int(LIAISON_RECEIPT_REJECTED.rawValue): "rejected"
            default: "unknown:\(receipt)"
            }
            output.send(.receipt(providerID: text(providerID), key: text(key), receipt: name, detail: text(detail)))
        },
        report_reply: { _, from, body, providerID in
            output.send(.reply(from: text(from), text: text(body), providerID: text(providerID)))
        },
        log: { _, level, message in
            output.send(.log(level: Int(level), text: text(message)))
        }))
    return services
}

/// Sends whose `done` has not come yet; `done` twice for one id is a plugin
/// bug, reported and ignored.
final class Pending: @unchecked Sendable {
    let lock = NSLock()
    var ids = Set<UInt64>()
    func add(_ id: UInt64) { lock.lock(); ids.insert(id); lock.unlock() }
    func remove(_ id: UInt64) -> Bool { lock.lock(); defer { lock.unlock() }; return ids.remove(id) != nil }
}
let pending = Pending()

func statusName(_ s: Int32) -> String {
    switch s {
    case Int32(LIAISON_OK.rawValue): "ok"
    case Int32(LIAISON_TEMPORARY.rawValue): "temporary"
    default: "permanent"
    }
}

let done: liaison_send_done = { context, status, providerID, error in
    let id = UInt64(UInt(bitPattern: context))
    guard pending.remove(id) else {
        output.send(.log(level: Int(LIAISON_LOG_ERROR.rawValue), text: "plugin bug: done called again (or for an unknown send) for id \(id); ignored"))
        return
    }
    output.send(.result(id: id, status: statusName(status), providerID: text(providerID), error: text(error)))
}

