import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol
import LiaisonStore

// Sealing's cost (issue 14.4): the same work against two daemons in one
// run, one sealing personal data under a key and one with `data_key: none`,
// rounds interleaved so that the machine's noise falls on both alike.
// Goal: sealed / plaintext ≥ 0.9 for case open at 16 clients and for a
// counselor's student list.

/// `clients` threads, each with its own connection, open `total` cases.
func openCasesRound(socket: String, clients: Int, total: Int) throws -> Figures {
    let connections = UncheckedBox(try (0..<clients).map { _ in try LiaisonClient.connect(socketPath: socket, client: "bench") })
    return threadedRound(threads: clients, total: total) { i, j in
        _ = try! connections.value[i].call(Method.caseOpen, CaseOpenParams(kind: "accident", student: "2023010101", summary: "bench \(i)-\(j)"),
                                           as: CaseRecord.self)
    }
}

/// `threads` threads each run `op(thread, n)` total/threads times; the
/// throughput and the latencies of the calls.
func threadedRound(threads: Int, total: Int, _ op: @escaping @Sendable (Int, Int) -> Void) -> Figures {
    let per = total / threads
    let latencies = UnsafeMutableBufferPointer<Double>.allocate(capacity: per * threads)
    defer { latencies.deallocate() }
    let slice = UncheckedBox(latencies)
    let group = DispatchGroup()
    let start = nowNS()
    for i in 0..<threads {
        group.enter()
        Thread {
            for j in 0..<per {
                let t0 = nowNS()
                op(i, j)
                slice.value[i * per + j] = Double(nowNS() - t0) / 1e6
            }
            group.leave()
        }.start()
    }
    group.wait()
    let seconds = Double(nowNS() - start) / 1e9
    let sorted = latencies.sorted()
    return Figures(perSecond: Double(per * threads) / seconds, p50ms: percentile(sorted, 0.5), p99ms: percentile(sorted, 0.99))
}

/// The `make run` daemon's keys: the demo roster, the outbox channel
/// writing into `dir` with receipts.
func demoWithOutbox(binDir: URL, dir: URL) -> String {
    """
    demo_roster: true
    plugins:
      directory: \(binDir.path)
    channels:
      outbox:
        plugin: outbox
        serves: [sms, wechat, qq, letter, staff]
        config: {directory: \(dir.path)/outbox, receipts: true}
    """
}

/// `total` requests of one counselor's students (T0101's, 40 with their
/// phones, each opened from its sealed column) on one connection.
func studentListRound(socket: String, total: Int) throws -> Figures {
    let c = try LiaisonClient.connect(socketPath: socket, client: "bench")
    var lat: [Double] = []
    lat.reserveCapacity(total)
    let start = nowNS()
    for _ in 0..<total {
        let t0 = nowNS()
        let page = try c.call(Method.studentList, StudentListParams(counselor: "T0101", limit: 100), as: StudentPage.self)
        precondition(!page.students.isEmpty && page.students.allSatisfy { !$0.phone.hasPrefix("sealed1:") })
        lat.append(Double(nowNS() - t0) / 1e6)
    }
    let seconds = Double(nowNS() - start) / 1e9
    lat.sort()
    return Figures(perSecond: Double(total) / seconds, p50ms: percentile(lat, 0.5), p99ms: percentile(lat, 0.99))
}

/// Microseconds to seal a value, to open it the first time (a sealer with
/// its own, empty cache) and to open it again (from the cache).
func sealPerValue(_ value: String) throws -> (seal: Double, open: Double, cached: Double) {
    let keyring = try Keyring.parse(Keyring.newKeyLine(id: "k1"), file: "bench")
    let writer = Sealer(keyring: keyring), reader = Sealer(keyring: keyring)
    let n = 20_000
    var t0 = nowNS()
    let sealed = (0..<n).map { _ in writer.seal(value, .guardianPhone) }
    let seal = Double(nowNS() - t0) / Double(n) / 1000
    t0 = nowNS()
    for s in sealed { let plain = try reader.open(s, .guardianPhone); precondition(plain == value) }
    let open = Double(nowNS() - t0) / Double(n) / 1000
    t0 = nowNS()
    for s in sealed { let plain = try reader.open(s, .guardianPhone); precondition(plain == value) }
    return (seal, open, Double(nowNS() - t0) / Double(n) / 1000)
}

func sealingSection(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String, rounds: Int) throws
    -> (lines: [String], json: [String: Double]) {
    let phone = try sealPerValue("+8613912345678")
    let payload = try sealPerValue(String(repeating: "{\"summary\":\"宿舍楼梯摔倒，右腿骨折\"}", count: 20))  // 940 bytes
    let ops = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_OPS"] ?? "") ?? 1600
    var daemons: [(name: String, socket: String, process: Process)] = []
    defer { for d in daemons { kill(d.process.processIdentifier, SIGTERM); d.process.waitUntilExit() } }
    for (name, key) in [("sealed", ""), ("plaintext", "data_key: none")] {
        let work = dir.appendingPathComponent("sealing-\(name)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let p = try startDaemon(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                                key + "\n" + demoWithOutbox(binDir: binDir, dir: work))
        daemons.append((name, work.appendingPathComponent("liaison.sock").path, p))
    }
    for d in daemons { _ = try openCasesRound(socket: d.socket, clients: 4, total: 200) }  // warm up
    // Pairs of short rounds, the order flipped every pair (sealed first,
    // then plaintext first): the machine's drift over a run falls on both
    // alike, and each pair's ratio compares figures taken seconds apart.
    // The ratio is the median of the pairs' ratios; their range is printed.
    let pairs = max(rounds * 3, 9), perRound = max(ops / 2, 200)
    var open: [String: [Figures]] = [:], list: [String: [Figures]] = [:], cpu: [String: [Double]] = [:]
    for pair in 0..<pairs {
        for d in pair % 2 == 0 ? daemons : daemons.reversed() {
            // Each round starts with both daemons quiet: the other one's
            // notices of its last round (delivered, receipts recorded) are
            // not left to compete with this one's.
            for q in daemons { waitQuiet(pid: q.process.processIdentifier) }
            let before = cpuSeconds(pid: d.process.processIdentifier)
            open[d.name, default: []].append(try openCasesRound(socket: d.socket, clients: 16, total: perRound))
            waitQuiet(pid: d.process.processIdentifier)
            cpu[d.name, default: []].append((cpuSeconds(pid: d.process.processIdentifier) - before) * 1000 / Double(perRound))
            for q in daemons { waitQuiet(pid: q.process.processIdentifier) }
            list[d.name, default: []].append(try studentListRound(socket: d.socket, total: perRound))
        }
    }
    func med(_ xs: [Figures]) -> Figures {
        Figures(perSecond: median(xs.map(\.perSecond)), p50ms: median(xs.map(\.p50ms)), p99ms: median(xs.map(\.p99ms)))
    }
    /// Sealed over plaintext, pair by pair: the median and the range.
    func ratios(_ runs: [String: [Figures]]) -> (median: Double, low: Double, high: Double) {
        let r = zip(runs["sealed"]!, runs["plaintext"]!).map { $0.perSecond / $1.perSecond }
        return (median(r), r.min()!, r.max()!)
    }
    let os = med(open["sealed"]!), op = med(open["plaintext"]!), ls = med(list["sealed"]!), lp = med(list["plaintext"]!)
    let openRatio = ratios(open), listRatio = ratios(list)
    func line(_ what: String, _ f: Figures) -> String {
        what.padding(toLength: 38, withPad: " ", startingAt: 0) + String(format: "%10.0f %9.3f %9.3f", f.perSecond, f.p50ms, f.p99ms)
    }
    return ([
        "sealing: \(pairs) pairs of interleaved rounds of \(perRound) requests, medians (goal sealed/plaintext >= 0.9)",
        line("case open, 16 clients, sealed", os), line("case open, 16 clients, plaintext", op),
        line("student list T0101 (40), sealed", ls), line("student list T0101 (40), plaintext", lp),
        String(format: "ratio sealed/plaintext, median of the pairs: case open(16) = %.2f (%.2f–%.2f)   student list = %.2f (%.2f–%.2f)",
               openRatio.median, openRatio.low, openRatio.high, listRatio.median, listRatio.low, listRatio.high),
        String(format: "liaisond CPU per opened case (its notices delivered): sealed %.2f ms, plaintext %.2f ms", median(cpu["sealed"]!), median(cpu["plaintext"]!)),
        String(format: "per value: a phone number seal %.2f µs, open %.2f µs, again %.2f µs; a %d-byte payload seal %.2f µs, open %.2f µs",
               phone.seal, phone.open, phone.cached, 940, payload.seal, payload.open),
    ], [
        "seal_phone_us": phone.seal, "open_phone_us": phone.open, "open_cached_us": phone.cached, "seal_payload_us": payload.seal,
        "sealed_open16_ops": os.perSecond, "plain_open16_ops": op.perSecond, "ratio_sealed_open16": openRatio.median,
        "sealed_list_ops": ls.perSecond, "plain_list_ops": lp.perSecond, "ratio_sealed_list": listRatio.median,
        "sealed_open16_p99_ms": os.p99ms, "plain_open16_p99_ms": op.p99ms,
        "sealed_case_cpu_ms": median(cpu["sealed"]!), "plain_case_cpu_ms": median(cpu["plaintext"]!),
    ])
}
