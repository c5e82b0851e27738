import Foundation
import GRDB
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonChannels
import LiaisonProtocol

@Suite struct InstallTests {
    func mode(_ path: String) -> (mode: UInt32, uid: UInt32)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (st.st_mode & 0o7777, st.st_uid)
    }

    @Test func installIntoDestdirThenUninstallLeavesItClean() throws {
        let dest = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("destdir-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let script = projectRoot.appendingPathComponent("Deploy/install.sh").path
        let o = try run("/bin/bash", [script, "--bin-dir", Binaries.dir.path], env: ["DESTDIR": dest, "PREFIX": "/usr"])
        #expect(o.status == 0, "\(o.err)")
        let expected: [(String, UInt32)] = [
            ("/usr/bin/liaisond", 0o755), ("/usr/bin/liaisonctl", 0o755), ("/usr/lib/liaison/plugins", 0o755),
            ("/usr/lib/systemd/system/liaisond.service", 0o644), ("/usr/lib/systemd/system/liaisond.socket", 0o644),
            ("/usr/lib/sysusers.d/liaison.conf", 0o644), ("/usr/lib/tmpfiles.d/liaison.conf", 0o644),
            ("/usr/lib/systemd/catalog/liaison.catalog", 0o644), ("/usr/share/doc/liaison/DEPLOY.md", 0o644),
            ("/etc/liaison/liaison.yaml", 0o640), ("/etc/liaison", 0o750), ("/etc/liaison/data-key", 0o600),
            ("/usr/bin/liaison-channel-host", 0o755), ("/usr/lib/liaison/plugins/libliaison-channel-outbox.so", 0o644),
            ("/usr/lib/liaison/plugins/libliaison-channel-log.so", 0o644), ("/etc/liaison/templates/messages/incident-notice.yaml", 0o640),
            ("/usr/lib/liaison/plugins/libliaison-channel-kannel.so", 0o644), ("/usr/lib/liaison/plugins/libliaison-channel-wecom.so", 0o644),
            ("/usr/lib/liaison/plugins/libliaison-channel-letter.so", 0o644), ("/etc/liaison/templates/letters/campus-invitation.yaml", 0o640),
            ("/usr/share/doc/liaison/plugins/kannel.md", 0o644), ("/usr/share/doc/liaison/network-channels.conf", 0o644),
        ]
        for (path, want) in expected {
            let got = mode(dest + path)
            #expect(got?.mode == want, "\(path): \(String(got?.mode ?? 0, radix: 8)) ≠ \(String(want, radix: 8))")
            if getuid() == 0 { #expect(got?.uid == 0, "\(path) is not root's") }
        }
        let unit = try String(contentsOfFile: dest + "/usr/lib/systemd/system/liaisond.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/liaisond --config /etc/liaison/liaison.yaml --no-virtual-clock"))
        #expect(unit.contains("LoadCredential=liaison-data-key:/etc/liaison/data-key"))
        // The data key: one fresh key, read as liaisond reads it.
        let key = try String(contentsOfFile: dest + "/etc/liaison/data-key", encoding: .utf8)
        #expect(key.split(separator: "\n").filter { $0.hasPrefix("k1 ") }.count == 1 && key.split(separator: "\n").last.map { $0.count > 40 } == true)
        // The installed plugins pass the daemon's own file check.
        if getuid() == 0 {
            #expect(PluginFileCheck.problem(path: dest + "/usr/lib/liaison/plugins/libliaison-channel-outbox.so") == nil)
        }

        // An operator's config survives a second install.
        try "# mine\n".write(toFile: dest + "/etc/liaison/liaison.yaml", atomically: true, encoding: .utf8)
        let again = try run("/bin/bash", [script, "--bin-dir", Binaries.dir.path], env: ["DESTDIR": dest])
        #expect(again.status == 0 && again.err.contains("keeping the existing /etc/liaison/liaison.yaml"))
        #expect(try String(contentsOfFile: dest + "/etc/liaison/liaison.yaml", encoding: .utf8) == "# mine\n")
        #expect(again.err.contains("keeping the existing /etc/liaison/data-key"))
        #expect(try String(contentsOfFile: dest + "/etc/liaison/data-key", encoding: .utf8) == key, "a second install never replaces the key")

        // Uninstall keeps the edited config and the data key (and their directory), removes the rest.
        let un = try run("/bin/bash", [script, "--uninstall"], env: ["DESTDIR": dest])
        #expect(un.status == 0 && un.err.contains("keeping /etc/liaison/liaison.yaml"), "\(un.err)")
        let left = try FileManager.default.subpathsOfDirectory(atPath: dest).sorted()
        #expect(left == ["etc", "etc/liaison", "etc/liaison/data-key", "etc/liaison/liaison.yaml"], "left behind: \(left)")
    }
}

extension InstallTests {
    /// Only the data key stays: without it the data left in /var/lib/liaison cannot be read.
    @Test func anUntouchedInstallUninstallsToItsDataKey() throws {
        let dest = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("destdir-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let script = projectRoot.appendingPathComponent("Deploy/install.sh").path
        #expect(try run("/bin/bash", [script, "--bin-dir", Binaries.dir.path], env: ["DESTDIR": dest]).status == 0)
        #expect(try run("/bin/bash", [script, "--uninstall"], env: ["DESTDIR": dest]).status == 0)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dest).sorted() == ["etc", "etc/liaison", "etc/liaison/data-key"])
    }
}

@Suite struct StatusAndBackupTests {
    @Test func statusAndAnOnlineBackup() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "withdrawal", "--student", "2023010101", "--summary", "申请退学")
        let s = try d.json(StatusResult.self, "status")
        #expect(s.server.hasPrefix("liaisond ") && s.openCases == 1 && s.students == 320 && !s.socketActivated && s.databaseBytes > 0)
        #expect(s.overdueSteps == 0 && s.channels.isEmpty && s.clock == "system")
        #expect(try d.ctl("status").out.contains("open cases     1"))

        let target = d.dir.appendingPathComponent("backup.db").path
        let b = try d.ctl("backup", target)
        #expect(b.status == 0, "\(b.err)")
        let copy = try DatabaseQueue(path: target)
        #expect(try copy.read { try String.fetchOne($0, sql: "SELECT id FROM cases") } == c.id)
        #expect(try copy.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM students") } == 320)
        // Never over an existing file, and the daemon still serves.
        let twice = try d.ctl("backup", target)
        #expect(twice.status == 1 && twice.err.contains("already exists"))
        #expect(try d.ctl("case", "list").status == 0)
    }
}
