import Foundation
import Glibc
import GRDB
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

/// One million pending deadlines: the daemon's memory (RSS), the time from
/// start to serving (deadlines are re-armed from the store, not loaded), and
/// how late due deadlines fire while 16 clients open cases.
struct DeadlineBenchResult {
    var pending: Int
    var startToServeSeconds: Double
    var rssMiB: Double
    var latenessP50ms: Double
    var latenessP99ms: Double
    var firedDuringLoad: Int
}

func deadlineBench(binDir: URL, dir: URL, rulesDirectory: String, total: Int = 1_000_000, dueSoon: Int = 2000) throws -> DeadlineBenchResult {
    let db = dir.appendingPathComponent("deadlines.db").path
    let socket = dir.appendingPathComponent("deadlines.sock").path
    let config = dir.appendingPathComponent("deadlines.yaml").path
    try """
        database: \(db)
        rules: \(rulesDirectory)
        templates: \((rulesDirectory as NSString).deletingLastPathComponent)/templates
        socket:
          path: \(socket)
        demo_roster: true
        log_level: error
        """.write(toFile: config, atomically: true, encoding: .utf8)

    // First start: schema and roster. Then the deadlines go in directly.
    var d = try startDaemon(binDir: binDir, config: config, socket: socket)
    kill(d.processIdentifier, SIGTERM)
    d.waitUntilExit()
    let queue = try DatabaseQueue(path: db)
    try queue.write { db in
        let stmt = try db.makeStatement(sql: "INSERT INTO deadlines (case_id, step_id, level, due_at, fired_at) VALUES (?, 'bench', 0, ?, NULL)")
        let far = Int64((Date().timeIntervalSince1970 + 365 * 86400) * 1000)
        for i in dueSoon..<total { try stmt.execute(arguments: ["B\(i)", far + Int64(i)]) }
    }
    // dueSoon of them every 5 ms from 3 s after the daemon starts.
    let first = Date().addingTimeInterval(3)
    try queue.write { db in
        let stmt = try db.makeStatement(sql: "INSERT INTO deadlines (case_id, step_id, level, due_at, fired_at) VALUES (?, 'bench', 0, ?, NULL)")
        for i in 0..<dueSoon { try stmt.execute(arguments: ["B\(i)", Int64((first.timeIntervalSince1970 + Double(i) * 0.005) * 1000)]) }
    }
    try queue.close()

    let t0 = Date()
    d = try startDaemon(binDir: binDir, config: config, socket: socket)
    let startToServe = Date().timeIntervalSince(t0)
    defer { kill(d.processIdentifier, SIGTERM); d.waitUntilExit() }

    // Load: 16 clients open cases until the due span is over.
    let until = first.addingTimeInterval(Double(dueSoon) * 0.005 + 1)
    let group = DispatchGroup()
    for _ in 0..<16 {
        group.enter()
        Thread {
            defer { group.leave() }
            guard let c = try? LiaisonClient.connect(socketPath: socket, client: "bench") else { return }
            while Date() < until {
                _ = try? c.call(Method.caseOpen, CaseOpenParams(kind: "accident", student: "2023010101", summary: "load"), as: CaseRecord.self)
            }
        }.start()
    }
    var rss = 0.0
    while Date() < until {
        rss = max(rss, residentMiB(pid: d.processIdentifier))
        Thread.sleep(forTimeInterval: 0.2)
    }
    group.wait()
    Thread.sleep(forTimeInterval: 0.5)
    let lateness = try DatabaseQueue(path: db).read { db in
        try Double.fetchAll(db, sql: "SELECT fired_at - due_at FROM deadlines WHERE step_id = 'bench' AND fired_at IS NOT NULL ORDER BY 1")
    }
    let pending = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM deadlines WHERE fired_at IS NULL") ?? 0 }
    return DeadlineBenchResult(pending: pending, startToServeSeconds: startToServe, rssMiB: rss,
                               latenessP50ms: lateness.isEmpty ? .nan : lateness[lateness.count / 2],
                               latenessP99ms: lateness.isEmpty ? .nan : lateness[min(lateness.count - 1, lateness.count * 99 / 100)],
                               firedDuringLoad: lateness.count)
}

func startDaemon(binDir: URL, config: String, socket: String) throws -> Process {
    let p = Process()
    p.executableURL = binDir.appendingPathComponent("liaisond")
    p.arguments = ["--config", config]
    try p.run()
    for _ in 0..<3000 {
        if (try? LiaisonClient(socketPath: socket)) != nil { return p }
        usleep(5_000)
    }
    throw LiaisonError(.unavailable, "liaisond did not start")
}

func residentMiB(pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}
