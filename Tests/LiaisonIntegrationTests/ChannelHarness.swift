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

    /// `plugin status NAME` once `done` holds, by default once the host is
    /// past starting (a host takes a moment to open, longer on a busy machine).
    func pluginStatus(_ name: String, until done: (PluginStatus) -> Bool = { $0.state != "starting" }) throws -> PluginStatus {
        try poll({ try json(PluginStatus.self, "plugin", "status", name) }, until: done)
    }

    /// `message list` (with `args`) once `done` holds, or the last list seen.
    func messages(_ args: [String] = [], until done: ([Message]) -> Bool) throws -> [Message] {
        try poll({
            let o = try ctl(["message", "list", "--json", "--limit", "5000"] + args)
            return try Wire.decoder().decode([Message].self, from: Data(o.out.utf8))
        }, until: done)
    }

    /// `case show ID` once `done` holds, or the last detail seen.
    func caseDetail(_ id: String, until done: (CaseDetail) -> Bool) throws -> CaseDetail {
        try poll({ try json(CaseDetail.self, "case", "show", id) }, until: done)
    }

    /// The step of a case once `done` holds for it.
    func step(_ id: String, _ step: String, until done: (StepState?) -> Bool) throws -> StepState? {
        try caseDetail(id) { done($0.record.steps.first { $0.id == step }) }.record.steps.first { $0.id == step }
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
