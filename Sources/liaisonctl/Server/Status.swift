import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The daemon: version, uptime, database, open cases, channels.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.status, Empty(), as: StatusResult.self) { s, display in
            display.fields([
                ("server", s.server), ("started", "\(display.time(s.startedAt)) (up \(Self.duration(s.uptimeSeconds)))"),
                ("clock", s.clock), ("socket", s.socketActivated ? "passed by systemd" : global.socketPath),
                ("database", "\(s.database), \(Self.bytes(s.databaseBytes))"), ("students", "\(s.students)"),
                ("open cases", "\(s.openCases)"), ("overdue steps", s.overdueSteps.map { "\($0)" } ?? "—"),
                ("events", "\(s.events)"),
                ("channels", s.channels.isEmpty ? "none configured" : s.channels.map { "\($0.channel) \($0.state)" }.joined(separator: ", ")),
            ])
        }
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s)
        return t >= 86400 ? "\(t / 86400)d \(t % 86400 / 3600)h" : t >= 3600 ? "\(t / 3600)h \(t % 3600 / 60)m" : "\(t / 60)m \(t % 60)s"
    }

    static func bytes(_ n: Int64) -> String {
        n >= 1 << 20 ? String(format: "%.1f MiB", Double(n) / 1_048_576) : String(format: "%.1f KiB", Double(n) / 1024)
    }
}
