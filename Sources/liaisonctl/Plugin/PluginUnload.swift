import ArgumentParser
import LiaisonClient
import LiaisonProtocol

struct PluginUnload: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unload", abstract: "Stop a channel: sends in flight finish, new ones wait or fall back.")

    @Argument(help: "The channel name, as in the daemon config.") var channel: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.pluginUnload, PluginNameParams(channel: channel), as: PluginStatus.self, human: renderPlugin)
    }
}
