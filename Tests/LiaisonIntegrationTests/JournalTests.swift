import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol
import LiaisonTestSupport

/// liaisond's structured log fields, read back from a real systemd-journald
/// with journalctl. PID 1 here is not systemd, so the test starts journald
/// itself (and stops it and removes its files afterwards) unless one runs.
@Suite(.serialized) struct JournalTests {
    final class Journald {
        var pid: pid_t?
        init() throws {
            if Self.live() { return }
            try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
            let p = try ChildProcess(["/lib/systemd/systemd-journald"], env: [:], output: "/dev/null")
            pid = p.processIdentifier
            guard eventually({ Self.live() }) else { throw LiaisonError(.unavailable, "systemd-journald did not start") }
        }
        /// journalctl's arguments to read this journal.
        var source: [String] { pid == nil ? [] : ["-D", "/run/log/journal"] }
        deinit {
            guard let pid else { return }
            kill(pid, SIGTERM)
            var s: Int32 = 0
            waitpid(pid, &s, 0)
            try? FileManager.default.removeItem(atPath: "/run/log/journal")
            try? FileManager.default.removeItem(atPath: "/run/systemd/journal")
        }
        static func live() -> Bool {
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array("/run/systemd/journal/socket".utf8) + [0]) }
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            } == 0
        }
    }

    @Test func fieldsReachTheJournal() throws {
        let journal = try Journald()
        let d = try Daemon()
        try d.start(env: ["LIAISON_LOG_TARGET": "journal"])
        let c = try d.json(CaseRecord.self, "case", "open", "fraud-victim", "--student", "2023010101", "--summary", "被冒充客服骗走 3000 元")
        let pid = d.process!.processIdentifier
        let entries = try poll({
            let o = try run("/usr/bin/journalctl", journal.source + ["-o", "json", "--no-pager",
                                                   "MESSAGE_ID=\(MessageID.caseOpened)", "CASE_ID=\(c.id)", "_PID=\(pid)"])
            return o.out.split(separator: "\n").compactMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        }) { !$0.isEmpty }
        let e = try #require(entries.first)
        #expect(e["SYSLOG_IDENTIFIER"] == "liaisond")
        #expect(e["PRIORITY"] == "5")
        #expect(e["STUDENT_ID"] == "2023010101" && e["CASE_KIND"] == "fraud-victim" && e["COUNSELOR_ID"] == "T0101")
        #expect(e["CODE_FILE"]?.hasSuffix("Engine+Cases.swift") == true && Int(e["CODE_LINE"] ?? "") != nil)
        #expect(e["MESSAGE"]?.contains(c.id) == true)
        // Ids only: what happened to the student stays in the database.
        #expect(!(e.values.contains { $0.contains("3000") }))
        // Startup and shutdown are findable too.
        d.stop()
        let started = try run("/usr/bin/journalctl", journal.source + ["-o", "json", "--no-pager", "MESSAGE_ID=\(MessageID.started)", "_PID=\(pid)"])
        #expect(!started.out.isEmpty)
    }
}
