// ChannelPluginKit: what every channel plugin written in Swift needs around
// the C ABI of liaison_channel.h (docs/PLUGINS.md), so that a plugin is its
// instance type and one line of entry point:
//
//     @_cdecl("liaison_channel_entry_v1")
//     public func liaisonChannelEntry() -> UnsafePointer<liaison_channel_descriptor> {
//         ChannelPluginKit.entry(OutboxInstance.self, name: "outbox", version: "1.0.0", capabilities: …)
//     }
//
// Each plugin library links its own copy of this module, so the one
// registered instance type below is that library's.
import CLiaisonChannel
import Glibc

/// A channel instance: opened with the channel's configuration, given
/// messages, closed. The ABI's rules hold: `send` must not block, `done` is
/// called exactly once per message, from any thread.
public protocol SwiftChannel: AnyObject {
    /// Opens an instance; a thrown error's description is the reason the
    /// host reports (without the plugin's name, which is added).
    init(config: String, host: UnsafePointer<liaison_host_services>) throws
    /// Takes one message; its strings live only for this call.
    func send(_ message: liaison_message, done: @escaping liaison_send_done, context: UnsafeMutableRawPointer?)
    /// Finishes or abandons what is outstanding; no host service after it returns.
    func close()
}

/// A reason to refuse, in words.
public struct ChannelError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum ChannelPluginKit {
    nonisolated(unsafe) static var channel: SwiftChannel.Type?
    nonisolated(unsafe) static var name = ""
    nonisolated(unsafe) static var descriptor: UnsafeMutablePointer<liaison_channel_descriptor>?

    /// The library's descriptor, built on the first call and never freed
    /// (the ABI says it lives as long as the library).
    public static func entry(_ type: SwiftChannel.Type, name: String, version: String, capabilities: UInt32,
                             maxMessageLength: UInt32 = 0) -> UnsafePointer<liaison_channel_descriptor> {
        if let d = descriptor { return UnsafePointer(d) }
        channel = type
        self.name = name
        let d = UnsafeMutablePointer<liaison_channel_descriptor>.allocate(capacity: 1)
        d.initialize(to: liaison_channel_descriptor(
            abi_version: LIAISON_CHANNEL_ABI_VERSION,
            struct_size: UInt32(MemoryLayout<liaison_channel_descriptor>.size),
            name: UnsafePointer(strdup(name)), version: UnsafePointer(strdup(version)),
            capabilities: capabilities, max_message_length: maxMessageLength,
            open: kitOpen, send: kitSend, close: kitClose))
        descriptor = d
        return UnsafePointer(d)
    }
}

/// `body` with `s` as a C string, or nil.
public func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

extension UnsafePointer where Pointee == liaison_host_services {
    /// The host's log service.
    public func log(_ level: liaison_log_level, _ text: String) {
        pointee.log(pointee.context, Int32(level.rawValue), text)
    }
}

private func kitOpen(_ config: UnsafePointer<CChar>?, _ host: UnsafePointer<liaison_host_services>?,
                     _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                     _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    let name = ChannelPluginKit.name
    func refuse(_ why: String) -> Int32 {
        let text = why.hasPrefix(name + ":") ? why : "\(name): \(why)"
        if let error, errorSize > 0 { _ = text.withCString { strncpy(error, $0, errorSize - 1) }; error[errorSize - 1] = 0 }
        return 1
    }
    guard let config, let host, let instance, let type = ChannelPluginKit.channel else {
        return refuse("open called without config or host services")
    }
    do {
        let object = try type.init(config: String(cString: config), host: host)
        instance.pointee = Unmanaged.passRetained(object as AnyObject).toOpaque()
        return 0
    } catch {
        return refuse("\(error)")
    }
}

private func kitSend(_ instance: UnsafeMutableRawPointer?, _ message: UnsafePointer<liaison_message>?,
                     _ done: liaison_send_done?, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let instance, let message, let done,
          let channel = Unmanaged<AnyObject>.fromOpaque(instance).takeUnretainedValue() as? SwiftChannel else {
        return Int32(LIAISON_PERMANENT.rawValue)
    }
    // Only the bytes the host filled (struct_size): a host built before a
    // field was added (sent_at) sends a shorter struct; the rest stays zero.
    var m = liaison_message()
    withUnsafeMutableBytes(of: &m) { dst in
        let n = min(Int(message.pointee.struct_size), dst.count)
        dst.copyMemory(from: UnsafeRawBufferPointer(start: UnsafeRawPointer(message), count: n))
    }
    channel.send(m, done: done, context: context)
    return Int32(LIAISON_OK.rawValue)
}

private func kitClose(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    let box = Unmanaged<AnyObject>.fromOpaque(instance)
    (box.takeUnretainedValue() as? SwiftChannel)?.close()
    box.release()
}
