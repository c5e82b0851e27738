import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct ClockShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "The daemon's time, in school time, and whether its clock is virtual.",
        discussion: "A virtual clock starts at clock.start in the daemon config when its database has never run one, and resumes where it stood after a restart.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.clockShow, Empty(), as: ClockShowResult.self) { r, display in
            "\(r.virtual ? "virtual" : "system") clock: \(display.time(r.now)) school time (\(r.timeZone))"
        }
    }
}
