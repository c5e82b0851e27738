import Foundation
import Glibc
import GRDB
import LiaisonClient
import LiaisonCore
import LiaisonConfig
import LiaisonEngine
import LiaisonStore
import LiaisonProtocol

// liaison-bench: `case open` over the real socket at 1 and 16 clients, and
// the raw limit of this disk (single-row SQLite transactions with
// synchronous=FULL), in one run. Prints a table and one JSON line.
// Each figure is the median of `rounds` rounds; the machines are noisy.

let rounds = 3
let opsPerRound = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_OPS"] ?? "") ?? 1600

struct Figures {
    var perSecond: Double
    var p50ms: Double
    var p99ms: Double
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
func percentile(_ sorted: [Double], _ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
func nowNS() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("liaison-bench-\(getpid())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }

let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
// The shipped rulebooks: the benchmark runs from the checkout (`make bench`).
let rulesDirectory = FileManager.default.currentDirectoryPath + "/Config/rules"
let templatesDirectory = FileManager.default.currentDirectoryPath + "/Config/templates"

// LIAISON_BENCH_ONLY=channels / sms / letters / roster / sealing / obligations: just those figures;
// =cases: case open and what a case costs (CaseBench), without the other sections.
let only = ProcessInfo.processInfo.environment["LIAISON_BENCH_ONLY"]
if only == "channels" || only == "sms" || only == "letters" || only == "roster" || only == "sealing" || only == "obligations" {
    let channels = only == "sms" ? try smsSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, rounds: rounds)
        : only == "sealing" ? try sealingSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory, rounds: rounds)
        : only == "letters" ? try letterSection(dir: dir, rounds: rounds)
        : only == "obligations" ? try obligationSection(dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory)
        : only == "roster" ? try rosterSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory)
        : try channelSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, rounds: rounds)
    channels.lines.forEach { print($0) }
    let enc = JSONEncoder()
    enc.outputFormatting = .sortedKeys
    print(String(decoding: try enc.encode(channels.json), as: UTF8.self))
    try? FileManager.default.removeItem(at: dir)
    exit(0)
}

// =deadlines: a million pending deadlines and their lateness under load, alone.
if only == "deadlines" {
    let dl = try deadlineBench(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory)
    print("deadlines: \(dl.pending) pending; start to serving \(String(format: "%.2f", dl.startToServeSeconds)) s; RSS \(String(format: "%.1f", dl.rssMiB)) MiB;"
          + " lateness under 16-client load p50 \(String(format: "%.1f", dl.latenessP50ms)) ms, p99 \(String(format: "%.1f", dl.latenessP99ms)) ms (\(dl.firedDuringLoad) fired)")
    try? FileManager.default.removeItem(at: dir)
    exit(0)
}

// MARK: the daemon

let socketPath = dir.appendingPathComponent("liaison.sock").path
let daemon = try startDaemon(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                             demoWithOutbox(binDir: binDir, dir: dir))
defer { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() }

/// `clients` threads, each with its own connection, open `total` cases.
func daemonRound(clients: Int, total: Int) throws -> Figures { try openCasesRound(socket: socketPath, clients: clients, total: total) }

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}

// MARK: the raw disk limit

func rawRound(total: Int) throws -> Figures {
    let path = dir.appendingPathComponent("raw-\(UUID().uuidString).db").path
    let pool = try DatabasePool(path: path)
    try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    }
    var lat: [Double] = []
    lat.reserveCapacity(total)
    let start = nowNS()
    for i in 0..<total {
        let t0 = nowNS()
        try pool.write { db in try db.execute(sql: "INSERT INTO t (payload) VALUES (?)", arguments: ["row \(i)"]) }
        lat.append(Double(nowNS() - t0) / 1e6)
    }
    let seconds = Double(nowNS() - start) / 1e9
    try pool.close()
    lat.sort()
    return Figures(perSecond: Double(total) / seconds, p50ms: percentile(lat, 0.5), p99ms: percentile(lat, 0.99))
}

// MARK: the engine alone, in this process: where the socket's share shows

let engineStore = try SQLiteStore(path: dir.appendingPathComponent("engine.db").path)
let engine = Engine(store: engineStore)
engine.setRulebooks(try RulebookLoader.load(directory: rulesDirectory),
                    templates: try TemplateLoader.load(directory: templatesDirectory,
                                                       rulebooks: RulebookLoader.load(directory: rulesDirectory)))
_ = try engine.loadDemoRosterIfEmpty()

func engineRound(threads: Int, total: Int) -> Figures {
    threadedRound(threads: threads, total: total) { i, j in
        _ = try! engine.openCase(kind: .accident, studentID: "2023010101", summary: "bench \(i)-\(j)", occurredAt: nil, by: .administrator)
    }
}

func medianFigures(_ runs: [Figures]) -> Figures {
    Figures(perSecond: median(runs.map(\.perSecond)), p50ms: median(runs.map(\.p50ms)), p99ms: median(runs.map(\.p99ms)))
}

_ = try daemonRound(clients: 4, total: 200)  // warm up: connections, page cache, the JIT-free but cold binary
var raw: [Figures] = [], one: [Figures] = [], sixteen: [Figures] = [], engine1: [Figures] = [], engine16: [Figures] = []
for _ in 0..<rounds {
    raw.append(try rawRound(total: opsPerRound))
    engine1.append(engineRound(threads: 1, total: opsPerRound))
    engine16.append(engineRound(threads: 16, total: opsPerRound))
    one.append(try daemonRound(clients: 1, total: opsPerRound))
    sixteen.append(try daemonRound(clients: 16, total: opsPerRound))
}
var caseFigures = try caseSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                                  rounds: rounds, ops: opsPerRound)
let restart = try restartSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory)
caseFigures.lines += restart.lines
caseFigures.json.merge(restart.json) { a, _ in a }
if only == "cases" {
    let r = medianFigures(raw), d1 = medianFigures(one), d16 = medianFigures(sixteen), e1 = medianFigures(engine1), e16 = medianFigures(engine16)
    print(String(format: "raw %.0f/s; engine.openCase in-process 1: %.0f/s, 16: %.0f/s; case open 1 client %.0f/s p50 %.2f ms; 16 clients %.0f/s p99 %.1f ms; ratio daemon(16)/raw = %.2f",
                 r.perSecond, e1.perSecond, e16.perSecond, d1.perSecond, d1.p50ms, d16.perSecond, d16.p99ms, d16.perSecond / r.perSecond))
    caseFigures.lines.forEach { print($0) }
    // exit() runs no defer: stop the daemon here, or it outlives the bench.
    kill(daemon.processIdentifier, SIGTERM)
    daemon.waitUntilExit()
    try? FileManager.default.removeItem(at: dir)
    exit(0)
}

// MARK: a million pending deadlines

let dl = try deadlineBench(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory)
let deadlineLine = ("deadlines: \(dl.pending) pending; start to serving \(String(format: "%.2f", dl.startToServeSeconds)) s; RSS \(String(format: "%.1f", dl.rssMiB)) MiB;"
      + " lateness under 16-client load p50 \(String(format: "%.1f", dl.latenessP50ms)) ms, p99 \(String(format: "%.1f", dl.latenessP99ms)) ms (\(dl.firedDuringLoad) fired)")


let channels = try channelSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, rounds: rounds)
let sms = try smsSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, rounds: rounds)
let letters = try letterSection(dir: dir, rounds: rounds)
let roster = try rosterSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory)
let sealing = try sealingSection(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory, rounds: rounds)
let obligations = try obligationSection(dir: dir, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory)

let r = medianFigures(raw), d1 = medianFigures(one), d16 = medianFigures(sixteen)
let e1 = medianFigures(engine1), e16 = medianFigures(engine16)

func row(_ name: String, _ f: Figures) -> String {
    name.padding(toLength: 38, withPad: " ", startingAt: 0)
        + String(format: "%10.0f %9.3f %9.3f", f.perSecond, f.p50ms, f.p99ms)
}
print("liaison-bench: median of \(rounds) rounds of \(opsPerRound) operations each")
print("what".padding(toLength: 38, withPad: " ", startingAt: 0) + "     ops/s   p50 ms    p99 ms")
print(row("raw SQLite 1-row txn, sync=FULL", r))
print(row("engine.openCase in-process, 1 thread", e1))
print(row("engine.openCase in-process, 16", e16))
print(row("case open, 1 client", d1))
print(row("case open, 16 clients", d16))
print(String(format: "ratio daemon(16)/raw = %.2f   daemon(1)/raw = %.2f", d16.perSecond / r.perSecond, d1.perSecond / r.perSecond))
print(deadlineLine)
print("targets: re-arm < 2 s, RSS < 300 MiB, p99 lateness < 50 ms")
channels.lines.forEach { print($0) }
sms.lines.forEach { print($0) }
letters.lines.forEach { print($0) }
roster.lines.forEach { print($0) }
sealing.lines.forEach { print($0) }
obligations.lines.forEach { print($0) }
caseFigures.lines.forEach { print($0) }
let json: [String: Double] = [
    "raw_tps": r.perSecond, "raw_p50_ms": r.p50ms,
    "daemon1_ops": d1.perSecond, "daemon1_p50_ms": d1.p50ms, "daemon1_p99_ms": d1.p99ms,
    "daemon16_ops": d16.perSecond, "daemon16_p50_ms": d16.p50ms, "daemon16_p99_ms": d16.p99ms,
    "engine1_ops": e1.perSecond, "engine16_ops": e16.perSecond,
    "ratio_daemon16_raw": d16.perSecond / r.perSecond,
    "deadlines_pending": Double(dl.pending), "deadlines_start_s": dl.startToServeSeconds, "deadlines_rss_mib": dl.rssMiB,
    "deadlines_lateness_p50_ms": dl.latenessP50ms, "deadlines_lateness_p99_ms": dl.latenessP99ms, "ratio_daemon1_raw": d1.perSecond / r.perSecond,
]
let enc = JSONEncoder()
enc.outputFormatting = .sortedKeys
print(String(decoding: try enc.encode(json.merging(channels.json) { a, _ in a }.merging(sms.json) { a, _ in a }.merging(letters.json) { a, _ in a }.merging(roster.json) { a, _ in a }.merging(sealing.json) { a, _ in a }.merging(obligations.json) { a, _ in a }.merging(caseFigures.json) { a, _ in a }), as: UTF8.self))
