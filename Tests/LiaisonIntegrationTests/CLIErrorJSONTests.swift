import Foundation
import Testing
import LiaisonProtocol

/// With --json every failure of liaisonctl is one error object on stdout,
/// `{"error": {"code", "message", "details"?}}`, and the exit code is the
/// one the same command has without --json (docs/PROTOCOL.md, "liaisonctl").
@Suite struct CLIErrorJSONTests {
    struct ErrorObject: Decodable { var error: WireError }

    /// The error object a failed `--json` run printed; fails the test when
    /// stdout is anything else.
    func errorObject(_ o: Output, sourceLocation: SourceLocation = #_sourceLocation) throws -> WireError {
        do {
            return try JSONDecoder().decode(ErrorObject.self, from: Data(o.out.utf8)).error
        } catch {
            Issue.record("stdout is not a JSON error object (status \(o.status)): \(o.out)\nstderr: \(o.err)", sourceLocation: sourceLocation)
            throw error
        }
    }

    @Test func daemonRefusalsAreJSONWithTheSameExitCode() throws {
        let d = try Daemon()
        try d.start()
        // not_found from the daemon.
        let plain = try d.ctl("case", "show", "C2026-9999")
        #expect(plain.status == 1 && plain.err.contains("C2026-9999") && plain.out.isEmpty, "\(plain)")
        let json = try d.ctl("case", "show", "C2026-9999", "--json")
        #expect(json.status == plain.status)
        let e = try errorObject(json)
        #expect(e.code == "not_found" && e.message.contains("C2026-9999"), "\(e)")
        #expect(json.err.isEmpty, "with --json the error is on stdout only: \(json.err)")

        // A refusal with details: every problem, as in the daemon's reply.
        let students = try d.write("students.csv", "学号,姓名\n2099000001,\n")
        let guardians = try d.write("guardians.csv", "学号\n")
        let staff = try d.write("staff.csv", "工号\n")
        let bad = try d.ctl("roster", "import", students, guardians, staff, "--dry-run")
        let badJSON = try d.ctl("roster", "import", students, guardians, staff, "--dry-run", "--json")
        #expect(bad.status == 1 && badJSON.status == 1, "\(bad) \(badJSON)")
        let invalid = try errorObject(badJSON)
        #expect(invalid.code == "invalid_input" && !(invalid.details ?? []).isEmpty, "\(invalid)")
        // The same details the human output lists, one per line.
        for detail in invalid.details ?? [] { #expect(bad.err.contains(detail), "\(detail) missing from \(bad.err)") }

        // A command that takes --json from its own flag (letter batch) and fails before the daemon.
        let letters = try d.ctl("letter", "batch", "--campaign", "none", "--spool", d.dir.appendingPathComponent("no-spool").path,
                                "--output", d.dir.appendingPathComponent("x.pdf").path, "--json")
        #expect(letters.status == 1)
        #expect(try errorObject(letters).code == "not_found")
    }

    @Test func anUnreachableDaemonIsJSONWithExitThree() throws {
        let socket = "/tmp/liaison-nowhere-\(UUID().uuidString.prefix(8)).sock"
        let plain = try run(Binaries.liaisonctl, ["case", "list", "--socket", socket])
        let json = try run(Binaries.liaisonctl, ["case", "list", "--socket", socket, "--json"])
        #expect(plain.status == 3 && json.status == 3, "\(plain) \(json)")
        let e = try errorObject(json)
        #expect(e.code == "unavailable" && e.message.contains(socket), "\(e)")
    }

    @Test func usageErrorsAreJSONWithExitTwo() throws {
        let plain = try run(Binaries.liaisonctl, ["case", "open", "--student", "2023010101"])
        #expect(plain.status == 2 && plain.err.contains("Usage: liaisonctl case open"), "\(plain)")
        let json = try run(Binaries.liaisonctl, ["case", "open", "--student", "2023010101", "--json"])
        #expect(json.status == 2, "\(json)")
        let e = try errorObject(json)
        #expect(e.code == "usage" && e.message.contains("<kind>"), "\(e)")
        #expect(e.details?.contains { $0.contains("Usage: liaisonctl case open") } == true, "\(e)")
        // Help is not an error, with or without --json.
        let help = try run(Binaries.liaisonctl, ["case", "open", "--help"])
        #expect(help.status == 0 && help.out.contains("--summary"))
    }

    @Test func localValidationFailuresAreJSONToo() throws {
        // rules check runs without a daemon; its problems are the details.
        let dir = NSTemporaryDirectory() + "rules-json-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Daemon.rulesDirectory, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "kind: accident\npolicy: [P2.2.3]\nsteps:\n  - id: a\n    due: {after: b, hours: 1}\n    escalate: [office]\n    policy: [P2.2.3]\n"
            .write(toFile: dir + "/accident.yaml", atomically: true, encoding: .utf8)
        let plain = try run(Binaries.liaisonctl, ["rules", "check", dir])
        let json = try run(Binaries.liaisonctl, ["rules", "check", dir, "--json"])
        #expect(plain.status == 1 && json.status == 1)
        let e = try errorObject(json)
        let all = [e.message] + (e.details ?? [])
        #expect(e.code == "invalid_input" && all.contains { $0.contains("accident.yaml:4:5") }, "\(e)")
        #expect(try run(Binaries.liaisonctl, ["rules", "check", Daemon.rulesDirectory, "--json"]).out.contains(#""ok":true"#))
    }
}
