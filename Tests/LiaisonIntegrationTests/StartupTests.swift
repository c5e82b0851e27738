import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

@Suite struct StartupTests {
    @Test func aMissingConfigStopsTheDaemonWithTheReason() throws {
        let o = try run(Binaries.liaisond, ["--config", "/nonexistent/liaison.yaml"])
        #expect(o.status == 78)
        #expect(o.err.contains("/nonexistent/liaison.yaml: the config file does not exist"))
    }

    @Test func aBadConfigLineIsNamed() throws {
        let d = try Daemon(extra: "school:\n  timezone: Moon/Base\n")
        let o = try run(Binaries.liaisond, ["--config", d.configPath])
        #expect(o.status == 78)
        #expect(o.err.contains("\(d.configPath):8:13: school.timezone \"Moon/Base\" is not a time zone"), "\(o.err)")
        let check = try run(Binaries.liaisond, ["--config", d.configPath, "--check-config"])
        #expect(check.status == 78)
    }

    @Test func checkConfigAcceptsTheShippedConfigs() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // The dev profile as `make run` uses it: from the checkout.
        let dev = try run(Binaries.liaisond, ["--config", "Config/dev/liaison.yaml", "--check-config"], cwd: root)
        #expect(dev.status == 0, "\(dev.err)")
        #expect(dev.out.contains("8 rulebooks ok"))
        // The production config, with its rules directory where install.sh puts the shipped set.
        let prod = try String(contentsOf: root.appendingPathComponent("Config/liaison.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "rules: /etc/liaison/rules", with: "rules: \(root.path)/Config/rules")
            .replacingOccurrences(of: "templates: /etc/liaison/templates", with: "templates: \(root.path)/Config/templates")
        let path = NSTemporaryDirectory() + "prod-\(UUID().uuidString.prefix(6)).yaml"
        try prod.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let o = try run(Binaries.liaisond, ["--config", path, "--check-config"])
        #expect(o.status == 0, "\(o.err)")
    }

    @Test func theSocketIsMode0660() throws {
        let d = try Daemon()
        try d.start()
        var st = stat()
        #expect(lstat(d.socket, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o660)
        #expect(st.st_mode & S_IFMT == S_IFSOCK)
    }

    @Test func aSecondDaemonOnTheSameDatabaseOrSocketRefuses() throws {
        let d = try Daemon()
        try d.start()
        let pid = d.process!.processIdentifier
        // Same database (and socket).
        let same = try run(Binaries.liaisond, ["--config", d.configPath])
        #expect(same.status == 1)
        #expect(same.err.contains("another liaisond (pid \(pid)) is using the database"), "\(same.err)")
        // Another database, same socket.
        let other = try Daemon()
        try other.config.replacingOccurrences(of: other.socket, with: d.socket).write(toFile: other.configPath, atomically: true, encoding: .utf8)
        let onSocket = try run(Binaries.liaisond, ["--config", other.configPath])
        #expect(onSocket.status == 1)
        #expect(onSocket.err.contains("already serving on \(d.socket)"), "\(onSocket.err)")
        // The first still serves.
        #expect(try d.ctl("case", "list").status == 0)
    }

    @Test func aFileWhereTheSocketGoesIsNotRemoved() throws {
        let d = try Daemon()
        try "precious".write(toFile: d.socket, atomically: true, encoding: .utf8)
        let o = try run(Binaries.liaisond, ["--config", d.configPath])
        #expect(o.status == 1 && o.err.contains("exists and is not a socket"))
        #expect(try String(contentsOfFile: d.socket, encoding: .utf8) == "precious")
    }

    @Test func noDaemonMeansExitThreeAndWhatToDo() throws {
        let o = try run(Binaries.liaisonctl, ["case", "list", "--socket", "/tmp/liaison-none-\(UUID().uuidString.prefix(6)).sock"])
        #expect(o.status == 3)
        #expect(o.err.contains("start the daemon"))
    }
}
