import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol
import LiaisonTestSupport
import Testing

/// Where `swift build` put liaisond and liaisonctl: beside the test bundle.
enum Binaries {
    static let dir: URL = {
        var candidates: [URL] = []
        if let arg0 = CommandLine.arguments.first {
            let u = URL(fileURLWithPath: arg0).resolvingSymlinksInPath()
            candidates += [u.deletingLastPathComponent(), u.deletingLastPathComponent().deletingLastPathComponent()]
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.appendingPathComponent("liaisond").path) {
            return c
        }
        fatalError("liaisond not found beside the tests (looked in \(candidates.map(\.path))); run `swift build` first")
    }()
    static var liaisond: String { dir.appendingPathComponent("liaisond").path }
    static var liaisonctl: String { dir.appendingPathComponent("liaisonctl").path }
}

/// How long a test waits for something the daemon does on its own. Long,
/// because CI runs on 2 cores another job may keep busy; a wait ends as
/// soon as its condition holds, so patience costs nothing when all is well.
/// (`LIAISON_TEST_PATIENCE=SECONDS` changes it.)
enum Patience {
    static let seconds: TimeInterval = Double(ProcessInfo.processInfo.environment["LIAISON_TEST_PATIENCE"] ?? "") ?? 120
}

/// Calls `probe` until `done` holds for its value or `timeout` passes, and
/// returns the last value: the caller's #expect then says what was seen.
/// Polls every 5 ms at first, backing off to every 100 ms.
@discardableResult
func poll<T>(timeout: TimeInterval = Patience.seconds, _ probe: () throws -> T, until done: (T) throws -> Bool) rethrows -> T {
    let deadline = Date().addingTimeInterval(timeout)
    var pause: UInt32 = 5_000
    while true {
        let value = try probe()
        if try done(value) || Date() >= deadline { return value }
        usleep(pause)
        pause = min(pause * 2, 100_000)
    }
}

/// True once `condition` holds, false if it never did within `timeout`.
@discardableResult
func eventually(timeout: TimeInterval = Patience.seconds, _ condition: () throws -> Bool) rethrows -> Bool {
    try poll(timeout: timeout, condition) { $0 }
}

struct Output {
    var status: Int32
    var out: String
    var err: String
}

/// Runs a program to completion with its output in files (no pipe can fill).
func run(_ path: String, _ args: [String], env: [String: String] = [:], cwd: URL? = nil) throws -> Output {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    if let cwd { p.currentDirectoryURL = cwd }
    let tmp = FileManager.default.temporaryDirectory
    let outURL = tmp.appendingPathComponent("out-\(UUID().uuidString)"), errURL = tmp.appendingPathComponent("err-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return Output(status: p.terminationStatus, out: try String(contentsOf: outURL, encoding: .utf8),
                  err: try String(contentsOf: errURL, encoding: .utf8))
}

/// A real liaisond in a temporary directory of its own.
final class Daemon: @unchecked Sendable {
    let dir: URL
    var process: ChildProcess?
    let logURL: URL
    var config: String

    var socket: String { dir.appendingPathComponent("liaison.sock").path }
    /// The shipped rulebooks.
    static let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/rules").path
    static let templatesDirectory = URL(fileURLWithPath: rulesDirectory).deletingLastPathComponent().appendingPathComponent("templates").path
    var database: String { dir.appendingPathComponent("liaison.db").path }
    /// The `make run` channel: the outbox plugin, with receipts, writing into `dir`.
    static func outbox(_ dir: String, extra: String = "") -> String {
        """
        channels:
          outbox:
            plugin: outbox
            serves: [sms, wechat, qq, letter, staff]
            config: {directory: \(dir), receipts: true}
        \(extra)
        """
    }
    /// Where the default outbox channel writes its message files.
    var outboxDirectory: String { dir.appendingPathComponent("outbox").path }
    var configPath: String { dir.appendingPathComponent("liaison.yaml").path }

    /// `channels`: a channels: block (`Daemon.outbox(dir)` is the `make run`
    /// default); nil runs without channels, so every message becomes a
    /// phone-call task at once (nothing could carry it). `socket`: more keys
    /// of the socket: mapping, one `key: value` each.
    init(demo: Bool = true, socketGroup: String? = nil, socket socketKeys: [String] = [], extra: String = "", channels: String? = nil) throws {
        dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("liaison-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        chmod(dir.path, 0o755)
        logURL = dir.appendingPathComponent("daemon.log")
        config = """
            database: \(dir.path)/liaison.db
            rules: \(Daemon.rulesDirectory)
            socket:
              path: \(dir.path)/liaison.sock\(socketGroup.map { "\n  group: \($0)" } ?? "")\(socketKeys.map { "\n  \($0)" }.joined())
            demo_roster: \(demo)
            log_level: info
            \(extra)
            templates: \(Daemon.templatesDirectory)
            plugins:
              directory: \(Binaries.dir.path)
            \(channels ?? "")
            """
        try config.write(toFile: dir.appendingPathComponent("liaison.yaml").path, atomically: true, encoding: .utf8)
    }

    deinit {
        if let p = process, p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        try? FileManager.default.removeItem(at: dir)
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Starts liaisond and returns once its socket accepts connections.
    /// `launcher` runs liaisond through another program (its arguments
    /// come first), as systemd-socket-activate does.
    func start(env: [String: String] = [:], launcher: [String] = []) throws {
        let command = launcher + [Binaries.liaisond, "--config", configPath]
        let p = try ChildProcess(command, env: ProcessInfo.processInfo.environment.merging(env) { $1 }, output: logURL.path)
        process = p
        let serving = eventually { !p.isRunning || (try? LiaisonClient(socketPath: socket)) != nil }
        if !p.isRunning { throw LiaisonError(.unavailable, "liaisond exited with \(p.terminationStatus):\n\(self.log)") }
        if !serving { throw LiaisonError(.unavailable, "liaisond did not serve within \(Int(Patience.seconds)) s:\n\(self.log)") }
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return -1 }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// Runs the real liaisonctl against this daemon.
    func ctl(_ args: String...) throws -> Output { try ctl(args) }

    func ctl(_ args: [String], env: [String: String] = [:]) throws -> Output {
        try run(Binaries.liaisonctl, args, env: ["LIAISON_SOCKET": socket].merging(env) { $1 })
    }

    /// liaisonctl --json, decoded.
    func json<T: Decodable>(_ type: T.Type, _ args: String...) throws -> T {
        let o = try ctl(args + ["--json"])
        guard o.status == 0 else { throw LiaisonError(.internal, "liaisonctl \(args.joined(separator: " ")) failed (\(o.status)): \(o.err)") }
        return try Wire.decoder().decode(T.self, from: Data(o.out.utf8))
    }

    /// A protocol-level client that has said hello.
    func client() throws -> LiaisonClient { try LiaisonClient.connect(socketPath: socket, client: "tests") }

    /// Imports the fixture roster (its students and guardians, and `staff`);
    /// returns the three files' paths. A refused import throws, with why.
    @discardableResult
    func importFixtures(staff: String = Fixtures.staff) throws -> [String] {
        let files = [try write("students.csv", Fixtures.students), try write("guardians.csv", Fixtures.guardians), try write("staff.csv", staff)]
        let o = try ctl(["roster", "import"] + files)
        guard o.status == 0 else { throw LiaisonError(.internal, "roster import failed (\(o.status)): \(o.err)") }
        return files
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension Daemon {
    /// liaisonctl run as the Unix user nobody (uid 65534), from a copy in
    /// the daemon's directory that nobody can execute, wherever the build
    /// tree is: a second Unix user without creating one. Map nobody to a
    /// staff member with `unix_user: nobody` to act as them.
    func asNobody(_ args: [String]) throws -> Output {
        let ctl = dir.appendingPathComponent("liaisonctl").path
        if !FileManager.default.fileExists(atPath: ctl) {
            try FileManager.default.copyItem(atPath: Binaries.liaisonctl, toPath: ctl)
            chmod(ctl, 0o755)
        }
        // A child another test forks while the copy is being written holds
        // it open for writing until it execs: ETXTBSY for a moment.
        let deadline = Date().addingTimeInterval(Patience.seconds)
        while true {
            let o = try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ctl] + args + ["--socket", socket])
            if !(o.status == 126 && o.err.contains("Text file busy")) || Date() > deadline { return o }
            usleep(50_000)
        }
    }
}
