import Foundation
import Glibc
import GRDB
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

// Restart with many open cases (issue 15.5): the time from starting
// liaisond to its first answer, and `server.status`, with 100k open cases
// (one real accident case copied, with its deadlines a year away).
// Goals: restart to serving < 0.5 s; server.status < 20 ms.

func restartSection(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String, openCases: Int = 100_000)
    throws -> (lines: [String], json: [String: Double]) {
    let work = dir.appendingPathComponent("restart")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let socket = work.appendingPathComponent("liaison.sock").path
    var d = try startDaemon(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                            demoWithOutbox(binDir: binDir, dir: work))
    let c = try LiaisonClient.connect(socketPath: socket, client: "bench")
        .call(Method.caseOpen, CaseOpenParams(kind: "accident", student: "2023010101", summary: "restart"), as: CaseRecord.self)
    kill(d.processIdentifier, SIGTERM)
    d.waitUntilExit()

    let queue = try DatabaseQueue(path: work.appendingPathComponent("liaison.db").path)
    try queue.write { db in
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(cases)").map { $0["name"] as String }
        let rest = columns.filter { $0 != "id" }.joined(separator: ", ")
        try db.execute(sql: """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO cases (id, \(rest)) SELECT 'B' || printf('%07d', i), \(rest) FROM cases, n WHERE cases.id = ?
            """, arguments: [openCases - 1, c.id])
        let far = Int64((Date().timeIntervalSince1970 + 365 * 86400) * 1000)
        try db.execute(sql: """
            INSERT INTO deadlines (case_id, step_id, level, due_at, fired_at)
            SELECT c.id, d.step_id, d.level, ?, NULL FROM cases c, deadlines d WHERE c.id LIKE 'B%' AND d.case_id = ? AND d.fired_at IS NULL
            """, arguments: [far, c.id])
    }
    try queue.close()

    var starts: [Double] = [], statuses: [Double] = []
    for _ in 0..<3 {
        let t0 = nowNS()
        d = try startDaemon(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                            demoWithOutbox(binDir: binDir, dir: work))
        starts.append(Double(nowNS() - t0) / 1e9)
        let client = try LiaisonClient.connect(socketPath: socket, client: "bench")
        for _ in 0..<7 {
            let t = nowNS()
            let s = try client.call(Method.status, Empty(), as: StatusResult.self)
            statuses.append(Double(nowNS() - t) / 1e6)
            precondition(s.openCases >= openCases, "the copies are not open cases: \(s.openCases)")
        }
        kill(d.processIdentifier, SIGTERM)
        d.waitUntilExit()
    }
    let start = median(starts), status = median(statuses)
    return ([String(format: "restart with %d open cases: start to serving %.2f s (goal < 0.5); server.status %.1f ms (goal < 20)",
                    openCases, start, status)],
            ["restart_100k_s": start, "status_100k_ms": status])
}
