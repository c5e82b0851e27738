import ArgumentParser
import LiaisonClient
import LiaisonProtocol

struct PluginReload: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Switch a channel to a new plugin file without losing or doubling a message.")

    @Argument(help: "The channel name, as in the daemon config.") var channel: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.pluginReload, PluginNameParams(channel: channel), as: PluginStatus.self, human: renderPlugin)
    }
}
