import Foundation
import Glibc
import Testing
import LiaisonCore
import LiaisonProtocol
import LiaisonTestSupport

/// Personal data at rest through the real daemon (issue 14.4): `strings`
/// over the database, its WAL and a backup finds none of a roster's numbers
/// or a case's texts; a missing, wrong or open key file stops liaisond with
/// exit 78; ops rotate the key while it serves, seeing no personal data.
@Suite struct SealingTests {
    static let staff = Fixtures.staff.replacingOccurrences(of: "T0102,赵敏,counselor,旅游管理学院,nobody,", with: "T0102,赵敏,counselor,旅游管理学院,,")
        + "P0001,运维甲,ops,,nobody,13800000009\n"
    /// What must never be readable in the files: the fixture roster's numbers,
    /// ids and addresses, and the texts written below.
    static let secrets = ["13900000001", "13900000002", "13900000003", "8885123456", "5123456", "zhangjg", "12345678",
                          "古城区1号", "下关镇2号", "leg-fracture-ZK4", "右腿骨折", "father-calls-ZK4", "phone-talk-ZK4", "13800000009"]

    func seeded() throws -> Daemon {
        let d = try Daemon(demo: false, socketGroup: "nogroup", channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        try d.importFixtures(staff: Self.staff)
        return d
    }

    @Test func stringsFindsNoNumberOrCaseTextInTheDatabaseItsLogOrABackup() throws {
        let d = try seeded()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折 leg-fracture-ZK4")
        #expect(try d.ctl("case", "note", c.id, "father-calls-ZK4 父亲下午到校").status == 0)
        #expect(try d.ctl("contact", "log", "--student", "2023010201", "--guardian", "父亲", "--channel", "phone", "--topics", "study",
                          "--summary", "phone-talk-ZK4").status == 0)
        // The parents' messages go out (their routes, bodies and addresses are stored too).
        #expect(eventually { ((try? FileManager.default.contentsOfDirectory(atPath: d.outboxDirectory)) ?? []).count >= 2 })
        let backup = d.dir.appendingPathComponent("backup.db").path
        #expect(try d.ctl("backup", backup).status == 0)
        var everything = ""
        for file in [d.database, d.database + "-wal", backup] {
            let strings = try run("/usr/bin/strings", ["-a", "-n", "5", file])
            #expect(strings.status == 0, "\(strings.err)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for secret in Self.secrets {
                #expect(!strings.out.contains(secret), "strings finds \(secret) in \(file)")
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in \(file)")
            }
            everything += strings.out
            if file == backup {
                // The same check finds what is not sealed: it can fail.
                #expect(strings.out.contains("2023010101") && strings.out.contains(c.id), "the backup holds no student id in plaintext?")
            }
        }
        #expect(everything.contains("2023010101"))
        // Nor does the daemon's log carry them.
        for secret in Self.secrets { #expect(!d.log.contains(secret), "the log holds \(secret)") }
        // Read through the daemon, everything is whole.
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(detail.record.summary == "右腿骨折 leg-fracture-ZK4")
        let student = try d.json(StudentDetail.self, "student", "show", "2023010101")
        #expect(student.guardians.map(\.phone).sorted() == ["+8613900000001", "+8613900000002"])
    }

    /// liaisond run to its end (a timeout stops one that wrongly serves).
    func startAlone(_ d: Daemon) throws -> Output {
        try run("/usr/bin/timeout", [String(Int(Patience.seconds)), Binaries.liaisond, "--config", d.configPath])
    }

    @Test func aMissingWrongOrOpenKeyFileStopsTheDaemonWithExit78() throws {
        let d = try seeded()
        #expect(d.stop() == 0)
        let keyFile = d.dir.appendingPathComponent("data.key").path
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        #expect(key.contains("k1 "))

        try FileManager.default.removeItem(atPath: keyFile)
        let missing = try startAlone(d)
        #expect(missing.status == 78 && missing.err.contains("sealed under data key k1") && missing.err.contains("\(keyFile) is missing"), "\(missing.status) \(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: keyFile), "a key is never made for a sealed database")

        try ("# a wrong key\nk1 " + Data(repeating: 7, count: 32).base64EncodedString() + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        let wrong = try startAlone(d)
        #expect(wrong.status == 78 && wrong.err.contains("data key k1 is not the key"), "\(wrong.status) \(wrong.err)")

        try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o644)
        let open = try startAlone(d)
        #expect(open.status == 78 && open.err.contains("chmod 600 \(keyFile)"), "\(open.status) \(open.err)")

        chmod(keyFile, 0o600)
        try d.start()
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.count == 2)
    }

    @Test func opsRotateTheKeyWhileTheDaemonServesAndSeeNoPersonalData() throws {
        let d = try seeded()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折 leg-fracture-ZK4")
        // Ops: key status and rotate; never a student.
        let status = try d.asNobody(["key", "status"])
        #expect(status.status == 0 && status.out.contains("k1") && status.out.contains("current"), "\(status.err)")
        let rotated = try d.asNobody(["key", "rotate", "--json"])
        #expect(rotated.status == 0, "\(rotated.err)")
        let r = try Wire.decoder().decode(KeyRotation.self, from: Data(rotated.out.utf8))
        #expect(r.current == "k2" && r.newKey && r.resealed > 0 && r.retired == ["k1"])
        #expect(r.status.keys.first { $0.id == "k1" }?.values == 0 && r.status.plaintextValues == 0)
        for secret in Self.secrets { #expect(!rotated.out.contains(secret) && !status.out.contains(secret)) }
        let refused = try d.asNobody(["student", "show", "2023010101"])
        #expect(refused.status == 1 && refused.err.contains("student.show is for"), "\(refused.err)")
        // The rotation is in the audit log, with the keys and nothing else.
        let audit = try d.json(AuditPage.self, "audit", "list", "--staff", "P0001")
        #expect(audit.entries.contains { $0.action == .keyRotate && $0.detail.contains("new key k2") })
        // The key file holds both; k1 retired may go, and the daemon starts on k2 alone.
        let keyFile = d.dir.appendingPathComponent("data.key").path
        let keys = try String(contentsOfFile: keyFile, encoding: .utf8)
        #expect(keys.contains("\nk1 ") && keys.contains("\nk2 "))
        #expect(d.stop() == 0)
        try keys.split(separator: "\n").filter { !$0.hasPrefix("k1 ") }.joined(separator: "\n").appending("\n")
            .write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        try d.start()
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).record.summary == "右腿骨折 leg-fracture-ZK4")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.map(\.phone).contains("+8613900000001"))
    }

    /// Under systemd the key is the credential liaison-data-key in
    /// $CREDENTIALS_DIRECTORY: used as it is, never created, never written.
    @Test func underSystemdTheKeyIsTheCredentialAndNeverMade() throws {
        let d = try Daemon()
        let credentials = d.dir.appendingPathComponent("credentials").path
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        let none = try run("/usr/bin/timeout", [String(Int(Patience.seconds)), Binaries.liaisond, "--config", d.configPath],
                           env: ["CREDENTIALS_DIRECTORY": credentials])
        #expect(none.status == 78 && none.err.contains("LoadCredential=liaison-data-key:/etc/liaison/data-key"), "\(none.status) \(none.err)")
        #expect(!FileManager.default.fileExists(atPath: credentials + "/liaison-data-key") && !FileManager.default.fileExists(atPath: d.dir.appendingPathComponent("data.key").path))

        try ("k7 " + Data(repeating: 9, count: 32).base64EncodedString() + "\n").write(toFile: credentials + "/liaison-data-key", atomically: true, encoding: .utf8)
        chmod(credentials + "/liaison-data-key", 0o400)
        try d.start(env: ["CREDENTIALS_DIRECTORY": credentials])
        #expect(!FileManager.default.fileExists(atPath: d.dir.appendingPathComponent("data.key").path))
        let status = try d.json(KeyStatus.self, "key", "status")
        #expect(status.sealing && status.keys.map(\.id) == ["k7"] && status.keys[0].values > 0)
        // Rotation needs a new key in the credential's source, which liaisond cannot write: it says how.
        let rotate = try d.ctl("key", "rotate")
        #expect(rotate.status == 1 && rotate.err.contains("already sealed under k7") && rotate.err.contains("systemctl restart liaisond"), "\(rotate.err)")
    }

    /// kill -9 in the middle of a rotation: liaisond starts again on the
    /// key file as it stands (old and new key), every value opens, and the
    /// next rotation finishes the work and retires both older keys.
    @Test func killNineDuringARotationLosesNothing() throws {
        let d = try Daemon()  // the demo roster: some thousands of sealed values
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折 leg-fracture-ZK4")
        let keyFile = d.dir.appendingPathComponent("data.key").path
        let rotation = try ChildProcess([Binaries.liaisonctl, "key", "rotate", "--socket", d.socket], env: ProcessInfo.processInfo.environment,
                                        output: d.dir.appendingPathComponent("rotate.log").path)
        // The new key is in the file as soon as the rotation starts; kill then.
        #expect(eventually { ((try? String(contentsOfFile: keyFile, encoding: .utf8)) ?? "").contains("\nk2 ") })
        d.kill9()
        rotation.waitUntilExit()
        try d.start()
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).record.summary == "右腿骨折 leg-fracture-ZK4")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").guardians.allSatisfy { $0.phone.hasPrefix("+86") })
        let r = try d.json(KeyRotation.self, "key", "rotate")
        #expect(r.current == "k3" && r.status.keys.filter { $0.id != "k3" }.allSatisfy { $0.values == 0 && $0.retiredAt != nil })
        #expect(r.status.plaintextValues == 0 && r.retired.contains("k2"))
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).record.summary == "右腿骨折 leg-fracture-ZK4")
    }
}
