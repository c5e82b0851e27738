import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// Tests/Fixtures/testplugin.c, compiled by the tests with the C compiler.
enum TestPlugin {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Compiles the plugin into `dir/name` (through a temporary file and a
    /// rename, as ops replace a plugin under a running daemon).
    @discardableResult
    static func compile(into dir: String, name: String, defines: [String] = []) throws -> String {
        let out = "\(dir)/\(name)", tmp = "\(dir)/.\(name).tmp"
        let cc = ["/opt/swift/usr/bin/clang", "/usr/bin/clang", "/usr/bin/cc"].first { FileManager.default.isExecutableFile(atPath: $0) }!
        let o = try run(cc, ["-shared", "-fPIC", "-O1", "-pthread", "-I", root.appendingPathComponent("Sources/CLiaisonChannel/include").path]
                        + defines.map { "-D\($0)" } + ["-o", tmp, root.appendingPathComponent("Tests/Fixtures/testplugin.c").path])
        guard o.status == 0 else { throw LiaisonError(.internal, "cannot compile the test plugin: \(o.err)") }
        chmod(tmp, 0o755)
        guard rename(tmp, out) == 0 else { throw LiaisonError(.internal, "rename \(tmp): \(String(cString: strerror(errno)))") }
        return out
    }
}

extension Daemon {
    /// A directory for plugins that passes the daemon's file checks.
    func pluginDirectory() throws -> String {
        let dir = self.dir.appendingPathComponent("plugins").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o755)
        return dir
    }

    /// Appends to the config and writes it out.
    func configure(_ text: String) throws {
        config += "\n" + text
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `plugin status NAME` once it is past starting (at most 15 s): a host
    /// takes a moment to open, longer while other tests load the machine.
    func pluginStatus(_ name: String) throws -> PluginStatus {
        var status = try json(PluginStatus.self, "plugin", "status", name)
        for _ in 0..<300 where status.state == "starting" {
            usleep(50_000)
            status = try json(PluginStatus.self, "plugin", "status", name)
        }
        return status
    }

    /// Polls `message list` until `done` holds (at most 15 s).
    func messages(_ args: [String] = [], until done: ([Message]) -> Bool) throws -> [Message] {
        var last: [Message] = []
        for _ in 0..<750 {
            let o = try ctl(["message", "list", "--json", "--limit", "5000"] + args)
            last = try Wire.decoder().decode([Message].self, from: Data(o.out.utf8))
            if done(last) { return last }
            usleep(20_000)
        }
        return last
    }

    /// The lines the test plugin wrote: key, recipient, plugin version, body.
    func sentLines(_ path: String) -> [[String]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// "YYYY-MM-DD HH:mm" school time, `days` after today, for `clock set`.
    static func schoolTime(daysFromNow days: Int, _ hhmm: String) -> String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(Double(days) * 86400)) + " " + hhmm
    }
}
