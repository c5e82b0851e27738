import Foundation
import Glibc
import LiaisonChannels
import LiaisonClient
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore
import Logging

// What a case costs (issue 15): liaisond's CPU per opened case, its parent
// messages delivered with receipts included, and whole accident cases a
// second (opened, its notices delivered with receipts, the meeting
// recorded, closed), each durable at every step: in-process and over the
// socket at 16 clients.

/// CPU seconds (user + system) a process has used, from /proc/PID/stat.
func cpuSeconds(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    // After "pid (comm) ": state is field 3; utime and stime are 14 and 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Waits until the process has used under 10 ms of CPU in 300 ms (its
/// receipts and retries are done), at most a minute.
func waitQuiet(pid: Int32) {
    let deadline = Date().addingTimeInterval(60)
    var last = cpuSeconds(pid: pid)
    while Date() < deadline {
        usleep(300_000)
        let now = cpuSeconds(pid: pid)
        if now - last < 0.010 { return }
        last = now
    }
}

/// Opens `total` cases at `clients` and returns the round's figures and
/// liaisond's CPU milliseconds per case, from before the first open until
/// it is quiet again (every notice delivered and its receipt recorded).
func caseCPURound(socket: String, pid: Int32, clients: Int, total: Int) throws -> (Figures, Double) {
    waitQuiet(pid: pid)
    let before = cpuSeconds(pid: pid)
    let f = try openCasesRound(socket: socket, clients: clients, total: total)
    waitQuiet(pid: pid)
    // The quiet wait's last 300 ms cost almost nothing; what remains is the cases'.
    return (f, (cpuSeconds(pid: pid) - before) * 1000 / Double(total))
}

/// One whole accident case over the socket: open, wait for the notices'
/// receipts to complete notify-parents, record the meeting, close.
func wholeCasesOverSocket(socket: String, clients: Int, total: Int) throws -> Figures {
    let connections = UncheckedBox(try (0..<clients).map { _ in try LiaisonClient.connect(socketPath: socket, client: "bench") })
    return threadedRound(threads: clients, total: total) { i, j in
        let c = connections.value[i]
        let opened = try! c.call(Method.caseOpen, CaseOpenParams(kind: "accident", student: "2023010101", summary: "whole \(i)-\(j)"),
                                 as: CaseRecord.self)
        while try! c.call(Method.caseShow, ReadParams(id: opened.id), as: CaseDetail.self).record.steps
            .first(where: { $0.id == "notify-parents" })?.status != .done { usleep(2000) }
        _ = try! c.call(Method.caseMeeting, CaseMeetingParams(id: opened.id, with: "父亲张建国、辅导员王丽"), as: CaseRecord.self)
        _ = try! c.call(Method.caseClose, CaseCloseParams(id: opened.id, resolution: "bench"), as: CaseRecord.self)
    }
}

/// The same, in this process: an engine and a dispatcher with the outbox
/// plugin's host, as liaisond wires them, without the socket.
func wholeCasesInProcess(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String, threads: Int, total: Int) throws -> Figures {
    let work = dir.appendingPathComponent("whole-\(UUID().uuidString.prefix(6))")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let store = try SQLiteStore(path: work.appendingPathComponent("liaison.db").path)
    let engine = Engine(store: store)
    let books = try RulebookLoader.load(directory: rulesDirectory)
    engine.setRulebooks(books, templates: try TemplateLoader.load(directory: templatesDirectory, rulebooks: books))
    _ = try engine.loadDemoRosterIfEmpty()
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let spec = ChannelSpec(name: "outbox", pluginPath: binDir.appendingPathComponent("libliaison-channel-outbox.so").path,
                           serves: ChannelSpec.servable, configJSON: "{\"directory\": \"\(work.path)/outbox\", \"receipts\": true}", quietHours: nil)
    let dispatcher = ChannelDispatcher(port: engine, channels: [spec], hostProgram: binDir.appendingPathComponent("liaison-channel-host").path,
                                       logger: logger)
    engine.attach(channels: dispatcher)
    try dispatcher.start()
    defer { dispatcher.stop() }
    return threadedRound(threads: threads, total: total) { i, j in
        let c = try! engine.openCase(kind: .accident, studentID: "2023010101", summary: "whole \(i)-\(j)", occurredAt: nil, by: .administrator)
        while try! store.read({ try $0.caseRecord(c.id) })?.steps.first(where: { $0.id == "notify-parents" })?.status != .done { usleep(1000) }
        _ = try! engine.recordMeeting(caseID: c.id, at: nil, with: "父亲张建国、辅导员王丽", note: "", by: .administrator)
        _ = try! engine.closeCase(c.id, resolution: "bench", by: .administrator)
    }
}

/// `LIAISON_BENCH_ONLY=cases`: case open (raw, in-process, socket at 1
/// and 16 clients), liaisond's CPU per case, and whole cases a second.
func caseSection(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String, rounds: Int, ops: Int)
    throws -> (lines: [String], json: [String: Double]) {
    let work = dir.appendingPathComponent("cases")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let d = try startDaemon(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                            demoWithOutbox(binDir: binDir, dir: work))
    defer { kill(d.processIdentifier, SIGTERM); d.waitUntilExit() }
    let socket = work.appendingPathComponent("liaison.sock").path
    _ = try openCasesRound(socket: socket, clients: 4, total: 200)  // warm up
    var cpu: [Double] = [], open16: [Figures] = [], whole16: [Figures] = [], wholeIn: [Figures] = []
    for _ in 0..<rounds {
        let (f, ms) = try caseCPURound(socket: socket, pid: d.processIdentifier, clients: 16, total: ops)
        open16.append(f)
        cpu.append(ms)
        whole16.append(try wholeCasesOverSocket(socket: socket, clients: 16, total: ops / 4))
        wholeIn.append(try wholeCasesInProcess(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory,
                                               threads: 16, total: ops / 4))
    }
    let o = medianFigures(open16), w = medianFigures(whole16), wi = medianFigures(wholeIn)
    let cpuMs = median(cpu)
    return ([
        String(format: "cases: liaisond CPU per opened case (its notices delivered, receipts recorded) %.2f ms (goal < 0.5); case open(16) %.0f/s",
               cpuMs, o.perSecond),
        String(format: "whole accident cases (open, notices delivered with receipts, meeting, close): in-process(16) %.0f/s p50 %.1f ms; socket(16) %.0f/s p50 %.1f ms",
               wi.perSecond, wi.p50ms, w.perSecond, w.p50ms),
    ], ["case_cpu_ms": cpuMs, "whole_cases_inprocess16": wi.perSecond, "whole_cases_socket16": w.perSecond,
        "whole_cases_socket16_p50_ms": w.p50ms])
}
