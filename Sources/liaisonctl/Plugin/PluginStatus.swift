import ArgumentParser
import LiaisonClient
import LiaisonProtocol

struct PluginStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "One channel in detail: plugin, host process, counters, why it is not running.")

    @Argument(help: "The channel name, as in the daemon config.") var channel: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.pluginStatus, PluginNameParams(channel: channel), as: PluginStatus.self, human: renderPlugin)
    }
}
