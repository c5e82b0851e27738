import ArgumentParser
import LiaisonClient
import LiaisonProtocol

struct PluginLoad: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Start a stopped or refused channel (after fixing its plugin file).")

    @Argument(help: "The channel name, as in the daemon config.") var channel: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.pluginLoad, PluginNameParams(channel: channel), as: PluginStatus.self, human: renderPlugin)
    }
}
