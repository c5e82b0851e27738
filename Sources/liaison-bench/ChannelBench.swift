import Foundation
import Glibc
import GRDB
import LiaisonChannels
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonStore
import Logging

/// Messages a second from committed outbox rows, through a real plugin host,
/// to receipts recorded (message delivered, receipt row, evidence on the
/// case's step): the dispatcher, the host process and the plugin all in the
/// loop, as liaisond runs them.
struct ChannelBenchResult {
    var plugin: String
    var messages: Int
    var perSecond: Double
    var receipts: Int
}

func channelBench(binDir: URL, dir: URL, rulesDirectory: String, plugin: String, serves: [String] = ChannelSpec.servable,
                  config: (URL) -> String, total: Int) throws -> ChannelBenchResult {
    let work = dir.appendingPathComponent("channel-\(plugin)-\(UUID().uuidString.prefix(6))")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let store = try SQLiteStore(path: work.appendingPathComponent("liaison.db").path)
    let engine = Engine(store: store)
    let books = try RulebookLoader.load(directory: rulesDirectory)
    engine.setRulebooks(books, templates: try TemplateLoader.load(directory: (rulesDirectory as NSString).deletingLastPathComponent + "/templates",
                                                                  rulebooks: books))
    _ = try engine.loadDemoRosterIfEmpty()
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let spec = ChannelSpec(name: plugin, pluginPath: binDir.appendingPathComponent("libliaison-channel-\(plugin).so").path,
                           serves: serves, configJSON: config(work), quietHours: nil)
    let dispatcher = ChannelDispatcher(port: engine, channels: [spec], hostProgram: binDir.appendingPathComponent("liaison-channel-host").path,
                                       logger: logger)
    engine.attach(channels: dispatcher)
    try dispatcher.start()
    defer { dispatcher.stop() }

    // A real case's notices go first (and warm the host); the benchmark's rows are copies with keys of their own.
    let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "bench", occurredAt: nil, by: .administrator)
    func delivered() throws -> Int { try store.read { try $0.messageCounts()[.delivered] ?? 0 } }
    let first = try engine.outbox(caseID: c.id)
    while try delivered() < first.count { usleep(1000) }
    let model = first.first { $0.stepID == "notify-parents" }.orDie("the accident case made no notify-parents message")

    let now = Date()
    let start = nowNS()
    try store.write { tx in
        for i in 0..<total {
            var m = model
            m.id = 0
            m.idempotencyKey = "bench:\(c.id):\(i)"
            m.state = .pending
            m.createdAt = now; m.updatedAt = now; m.nextAt = now
            m.channel = ""; m.providerID = ""; m.attempts = 0; m.routeIndex = 0; m.note = ""
            try tx.enqueue(m)
        }
    }
    engine.didCommit()
    // (Counting scans the outbox: every 20 ms, so the counting costs little of the run.)
    while try delivered() < first.count + total { usleep(20_000) }
    let seconds = Double(nowNS() - start) / 1e9
    let receipts = try store.read { try $0.messages(MessageFilter(caseID: c.id, state: .delivered, limit: total + first.count)).count }
    return ChannelBenchResult(plugin: plugin, messages: total, perSecond: Double(total) / seconds, receipts: receipts)
}

/// The host round trip alone: sends pipelined through liaison-channel-host
/// to the C log plugin writing to /dev/null, no receipts, no database.
/// Returns microseconds per message (pipelined) and the median of one-at-a-time round trips.
func hostRoundTrip(binDir: URL, total: Int) throws -> (pipelinedUS: Double, serialP50US: Double) {
    let results = DispatchSemaphore(value: 0)
    let ready = DispatchSemaphore(value: 0)
    let host = try HostProcess(program: binDir.appendingPathComponent("liaison-channel-host").path, channel: "bench",
                               plugin: binDir.appendingPathComponent("libliaison-channel-log.so").path, generation: 1) { event in
        switch event {
        case .ready: ready.signal()
        case .result: results.signal()
        case let .refused(why), let .openFailed(why): fatalError("the log plugin did not open: \(why)")
        default: break
        }
    }
    defer { host.send(.close) }
    host.send(.open(config: #"{"path":"/dev/null"}"#))
    ready.wait()
    let body = "张建国您好：您的孩子张三在校发生需要您及时知晓的情况，请尽快联系辅导员王丽（13800000001）。收到请回复本短信。【丽江文旅学院】"
    @Sendable func send(_ i: Int) {
        host.sendMessage(id: UInt64(i + 1), key: "bench:\(i)", to: "13900000001", name: "张建国", topic: "incident-notice",
                         subject: "", body: body, urgent: true, sentAt: "")
    }
    var serial: [Double] = []
    for i in 0..<1000 {
        let t0 = nowNS()
        send(i)
        results.wait()
        serial.append(Double(nowNS() - t0) / 1e3)
    }
    let start = nowNS()
    let writer = Thread { for i in 1000..<(1000 + total) { send(i) } }
    writer.start()
    for _ in 0..<total { results.wait() }
    return (Double(nowNS() - start) / 1e3 / Double(total), median(serial))
}

extension Optional {
    func orDie(_ why: String) -> Wrapped { guard let v = self else { fatalError(why) }; return v }
}

/// The channel figures: both reference plugins end to end, the host round
/// trip alone, and the IPC share; printed lines and JSON fields.
func channelSection(binDir: URL, dir: URL, rulesDirectory: String, rounds: Int) throws -> (lines: [String], json: [String: Double]) {

    let channelTotal = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_MESSAGES"] ?? "") ?? 20000
    var outboxRuns: [Double] = [], logRuns: [Double] = [], pipelined: [Double] = [], serialRT: [Double] = []
    var receiptsShort = 0
    for _ in 0..<rounds {
        let o = try channelBench(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, plugin: "outbox",
                                 config: { #"{"directory":"\#($0.appendingPathComponent("outbox").path)","receipts":true}"# }, total: channelTotal)
        let l = try channelBench(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, plugin: "log",
                                 config: { #"{"path":"\#($0.appendingPathComponent("sent.log").path)","receipts":true}"# }, total: channelTotal)
        receiptsShort += max(0, channelTotal - o.receipts) + max(0, channelTotal - l.receipts)
        outboxRuns.append(o.perSecond)
        logRuns.append(l.perSecond)
        let rt = try hostRoundTrip(binDir: binDir, total: channelTotal)
        pipelined.append(rt.pipelinedUS)
        serialRT.append(rt.serialP50US)
    }
    let outboxRate = median(outboxRuns), logRate = median(logRuns), hostUS = median(pipelined), hostSerialUS = median(serialRT)
    let ipcShareOutbox = hostUS / (1e6 / outboxRate), ipcShareLog = hostUS / (1e6 / logRate)
    let lines = [
        "channels: \(channelTotal) committed outbox rows → plugin host → receipts recorded on the case (median of \(rounds))",
        String(format: "  outbox plugin (file per message, flushed per batch) %8.0f msg/s   %6.1f µs/msg", outboxRate, 1e6 / outboxRate),
        String(format: "  log plugin (C, one appended line)                   %8.0f msg/s   %6.1f µs/msg", logRate, 1e6 / logRate),
        String(format: "  host round trip alone (log → /dev/null)              %6.1f µs/msg pipelined, %6.1f µs one at a time (p50)", hostUS, hostSerialUS),
        String(format: "  IPC share of the end-to-end cost: outbox %.1f%%, log %.1f%%   (targets: ≥ 5000 msg/s, IPC < 20%%)", ipcShareOutbox * 100, ipcShareLog * 100)
            + (receiptsShort == 0 ? "" : "  WARNING: \(receiptsShort) receipts missing"),
    ]
    return (lines, ["channel_outbox_msgs": outboxRate, "channel_log_msgs": logRate, "host_roundtrip_us": hostUS,
                    "host_roundtrip_serial_us": hostSerialUS, "ipc_share_outbox": ipcShareOutbox, "ipc_share_log": ipcShareLog])
}
