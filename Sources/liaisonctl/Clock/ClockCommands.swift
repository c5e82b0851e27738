import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Show the daemon's clock; move a virtual one (clock: virtual, for tests and rehearsals), firing due deadlines on the way.",
        subcommands: [ClockShow.self, ClockAdvance.self, ClockSet.self])
}

struct ClockAdvance: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "advance", abstract: "Move the virtual clock forward, e.g. 2h, 3d, 1d12h.")
    @Argument(help: "How far.") var duration: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.clockAdvance, ClockParams(duration: duration), as: ClockResult.self) { r, display in "virtual clock now \(display.time(r.now))" }
    }
}

struct ClockSet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Move the virtual clock forward to a time.")
    @Argument(help: "School time or ISO 8601.") var time: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.clockSet, ClockParams(time: time), as: ClockResult.self) { r, display in "virtual clock now \(display.time(r.now))" }
    }
}
