import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonProtocol

struct PluginList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Configured channels, their plugins and state (and why a plugin was refused).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.pluginList, Empty(), as: [PluginStatus].self) { list, _ in
            var t = TextTable(["channel", "state", "plugin", "pid", "serves", "sent", "failed", "in flight", "restarts", "why"])
            for p in list {
                t.add([p.channel, p.state, p.pluginName.isEmpty ? (p.pluginPath as NSString).lastPathComponent : "\(p.pluginName) \(p.pluginVersion)",
                       p.pid == 0 ? "—" : "\(p.pid)", p.serves.joined(separator: ","), "\(p.sent)", "\(p.failed)", "\(p.inFlight)",
                       "\(p.restarts)", p.reason])
            }
            return list.isEmpty ? "no channels configured (channels: in the daemon config)" : t.render()
        }
    }
}

/// The detail view shared by status, load, unload and reload.
func renderPlugin(_ p: PluginStatus, _ display: Display) -> String {
    display.fields([
        ("channel", p.channel), ("state", p.state), ("why", p.reason.isEmpty ? "—" : p.reason), ("plugin file", p.pluginPath),
        ("plugin", p.pluginName.isEmpty ? "—" : "\(p.pluginName) \(p.pluginVersion)"),
        ("capabilities", p.capabilities.isEmpty ? "—" : p.capabilities), ("host pid", p.pid == 0 ? "—" : "\(p.pid)"),
        ("host memory", p.residentKiB == 0 ? "—" : String(format: "%.1f MiB", Double(p.residentKiB) / 1024)),
        ("hosts started", "\(p.generation)"), ("restarts", "\(p.restarts)"), ("recycled (memory)", "\(p.recycles)"), ("serves", p.serves.joined(separator: ", ")),
        ("quiet hours", p.quietHours), ("rate", p.ratePerMinute == 0 ? "no limit" : "\(p.ratePerMinute)/min"),
        ("sent", "\(p.sent)"), ("failed attempts", "\(p.failed)"), ("in flight", "\(p.inFlight)"),
        ("crashes (10 min)", p.lastExit.isEmpty ? "\(p.recentExits)" : "\(p.recentExits); the last: \(p.lastExit)"),
    ])
}
