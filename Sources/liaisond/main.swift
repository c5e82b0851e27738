import Foundation
import Glibc
import LiaisonChannels
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonServer
import LiaisonStore
import LiaisonSystemd
import Logging

// liaisond: thin wiring. Config → lock → store → engine → socket → serve,
// then the reverse on SIGTERM/SIGINT; SIGHUP reloads the config.

let version = "0.1.0"

// Signals are taken by sigwait on the main thread; block them before any
// other thread exists so that none of them gets the default action.
var signals = sigset_t()
sigemptyset(&signals)
for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, s) }
// SETMASK, not BLOCK: a mask inherited from the parent (some block SIGSEGV) is dropped.
pthread_sigmask(SIG_SETMASK, &signals, nil)
signal(SIGPIPE, SIG_IGN)

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("liaisond: \(message)\n".utf8))
    exit(code)
}

let usage = """
    usage: liaisond [--config FILE] [--check-config] [--version]
      --config FILE    the daemon config (default: $LIAISON_CONFIG or /etc/liaison/liaison.yaml)
      --check-config   validate the config and exit (0 when valid)
      --no-virtual-clock  refuse `clock: virtual` (the production unit passes this)
    """
var configPath = ProcessInfo.processInfo.environment["LIAISON_CONFIG"] ?? "/etc/liaison/liaison.yaml"
var checkOnly = false
var refuseVirtualClock = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--config": guard let v = args.popFirst() else { fail("--config needs a file\n\(usage)", code: 64) }; configPath = v
    case "--check-config": checkOnly = true
    case "--no-virtual-clock": refuseVirtualClock = true
    case "--version": print("liaisond \(version)"); exit(0)
    case "-h", "--help": print(usage); exit(0)
    default: fail("unknown argument \(a)\n\(usage)", code: 64)
    }
}

// EX_CONFIG (78): systemd's Restart=on-failure will not help a bad config.
var config: DaemonConfig
do { config = try DaemonConfig.load(path: configPath) } catch { fail("\(error)", code: 78) }
let rulebooks: [Rulebook]
do { rulebooks = try RulebookLoader.load(directory: config.rulesDirectory) } catch { fail("\(error)", code: 78) }
if config.virtualClock && refuseVirtualClock {
    fail("\(configPath): clock: virtual is for tests and rehearsals; this liaisond was started with --no-virtual-clock (the production unit). Remove the clock key.", code: 78)
}
let templates: TemplateLibrary
do { templates = try TemplateLoader.load(directory: config.templatesDirectory, rulebooks: rulebooks) } catch { fail("\(error)", code: 78) }
if checkOnly {
    print("\(configPath): ok\n\(config.rulesDirectory): \(rulebooks.count) rulebooks ok\n\(config.templatesDirectory): \(templates.templates.count) message templates ok")
    print(config.school.name == nil
          ? "school.name: not set; parents' messages are signed with each student's college as the roster writes it"
          : "school: \(config.school.name!); parents' SMS are signed 【\(config.school.signature(college: ""))】")
    let r = config.retention
    print("retention: " + RetentionClass.allCases.map { "\($0.rawValue) \(r.period($0))" }.joined(separator: ", ")
          + " after leaving (\(LeavingRecord.allCases.filter(r.leaving.contains).map(\.rawValue).joined(separator: ", "))); "
          + (r.dailyAt.map { "purged daily at \($0) school time" } ?? "no daily purge"))
    for c in config.channels {
        print("channel \(c.name): \(PluginFileCheck.problem(path: c.pluginPath).map { "REFUSED: \($0)" } ?? "plugin file ok (\(c.pluginPath))")")
    }
    exit(0)
}

DaemonLogging.bootstrap(identifier: "liaisond", level: Logger.Level(rawValue: config.logLevel) ?? .info)
let log = Logger(label: "liaisond")

// Socket activation first: descriptors we do not recognise are closed.
let activation = ListenFDs.take()
for fd in activation.closed { log.warning("closed inherited descriptor \(fd): not a listening Unix stream socket") }

// Everything liaisond creates — the database, its WAL and SHM, backups,
// plugin spools — is its user's alone (issue 14.5): whoever may use
// liaisonctl must not be able to open the files instead. The socket sets
// its own mode (0660, ControlSocket).
umask(0o077)
// A directory made here: the database's 0700; the socket's 0711 (staff
// reach the socket by its path without listing the directory).
let socketDirectory = activation.socket == nil ? (config.socketPath as NSString).deletingLastPathComponent : nil
for path in [config.database] + (activation.socket == nil ? [config.socketPath] : []) {
    let dir = (path as NSString).deletingLastPathComponent
    let mode = dir == socketDirectory ? 0o711 : 0o700
    if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: mode]) }
}

let lock: DaemonLock
do { lock = try DaemonLock.acquire(database: config.database) } catch { fail("\(error)") }

// Personal data is sealed under the data key (issue 14.4). A missing or
// wrong key is EX_CONFIG, never a start in plaintext.
let keySource = DataKeySource.resolve(configured: config.dataKey, database: config.database,
                                      environment: ProcessInfo.processInfo.environment)
let store: SQLiteStore
do {
    let keyring = try keySource.load(sealedWith: try SQLiteStore.sealedKeyIDs(path: config.database))
    store = try SQLiteStore(path: config.database, sealer: Sealer(keyring: keyring))
} catch let refusal as DataKeyRefusal {
    fail("\(refusal)", code: 78)
} catch { fail("\(error)") }
if store.sealer.isSealing {
    log.info("personal data is sealed under data key \(store.sealer.keyring!.current.id) from \(keySource.description)")
} else {
    log.warning("data_key: none in \(config.file): personal data is stored in plaintext. Only for benchmarks; never in production")
}
let clock: any WallClock
if config.virtualClock {
    let calendar = config.schoolCalendar
    let resumed: (VirtualClock, VirtualClock.Origin)
    do { resumed = try VirtualClock.resume(store, start: config.virtualClockStart, calendar: calendar) } catch { fail("\(config.file): \(error)", code: 78) }
    clock = resumed.0
    let origin = switch resumed.1 {
    case .saved: "resumed from the time saved in the database"
    case .configured: "started at clock.start"
    case .systemTime: "started at the system time"
    }
    log.warning("VIRTUAL CLOCK: time moves only by `liaisonctl clock advance/set`; now \(calendar.format(clock.now())) school time (\(Event.timestamp(clock.now()))), \(origin). Never use this in production.")
    if resumed.1 == .saved, let start = config.virtualClockStart {
        log.notice("clock.start \(calendar.format(start)) is not used: this database's virtual clock has run before and resumes where it stood; start a rehearsal from the beginning on a new database")
    }
} else {
    clock = SystemClock()
}
let engine = Engine(store: store, clock: clock,
                    calendar: config.schoolCalendar,
                    logger: Logger(label: "liaisond.engine"))
// Rulebooks changed while the daemon was down are installed like a reload.
do { try engine.installRulebooks(rulebooks); try engine.installTemplates(templates) } catch { fail("\(error)", code: 78) }
engine.installSchool(config.school)
engine.installContactIntervals(config.contactIntervals)
engine.installDigest(at: config.digestAt)
// Retention periods (docs/RETENTION.md); the daily purge's schedule starts at the first start.
do { try engine.configureRetention(config.retention) } catch { fail("cannot start the retention schedule: \(error)") }
if let gap = config.schoolCalendar.calendarGap(at: clock.now()) {
    log.warning("\(gap) in \(config.file); add the next academic year's terms and vacations to school.terms and school.vacations (docs/DEPLOY.md)")
}
if config.school.name == nil {
    log.warning("school.name is not set in \(config.file): parents' messages are signed with each student's college as the roster writes it (a code such as C01 in many rosters); set school.name and school.short_name")
}
if config.demoRoster {
    do {
        let n = try engine.loadDemoRosterIfEmpty()
        if n > 0 { log.notice("loaded the demo roster: \(n) students (demo_roster: true in \(config.file))") }
    } catch { fail("cannot load the demo roster: \(error)") }
}

let listenFD: Int32
if let fd = activation.socket {
    listenFD = fd
    log.info("serving on the socket systemd passed (fd \(fd))")
} else {
    do { listenFD = try ControlSocket.bind(path: config.socketPath, group: config.socketGroup) } catch { fail("\(error)") }
}
let socketName = activation.socket == nil ? config.socketPath : "the activated socket"
// rules plan (without a directory) and rules apply read the rules directory as a reload does.
let ruleSource = RuleSource(rules: config.rulesDirectory, templates: config.templatesDirectory)
let info = ServerInfo(name: "liaisond \(version)", startedAt: Date(), database: config.database,
                      socketActivated: activation.socket != nil, rules: ruleSource,
                      keys: DataKeys(store: store, source: keySource))
// Channel plugins run in liaison-channel-host processes beside liaisond.
let hostProgram = config.hostProgram
    ?? ((CommandLine.arguments[0] as NSString).deletingLastPathComponent as NSString).appendingPathComponent("liaison-channel-host")
let dispatcher = ChannelDispatcher(port: engine, channels: config.channels, hostProgram: hostProgram, logger: Logger(label: "liaisond.channels"))
// The two ports (Core): the dispatcher reads and writes the outbox through
// the engine; the engine tells the dispatcher of new messages and asks what
// the channels can prove.
engine.attach(channels: dispatcher)
let server = ControlServer(listening: listenFD, engine: engine, info: info, channels: dispatcher, limits: config.connectionLimits, logger: log)
server.start()
// Deadlines are re-armed from the store; any that passed while the daemon
// was down fire now, once.
let scheduler = DeadlineScheduler(engine: engine, logger: Logger(label: "liaisond.scheduler"))
scheduler.start()
// The daily retention purge, on its own thread (a virtual clock runs it on `clock advance` instead).
let retentionScheduler = RetentionScheduler(engine: engine, logger: Logger(label: "liaisond.retention"))
retentionScheduler.start()

@Sendable func statusLine() -> String {
    let c = try? engine.counts()
    // A failed channel says why in a few words: its messages go elsewhere.
    let channels = dispatcher.statuses().map { s in
        s.state == "failed" && s.retryAt != nil ? "\(s.channel) failed (its plugin host keeps crashing, the last time \(s.lastExit); its messages fall back)" : "\(s.channel) \(s.state)"
    }.joined(separator: ", ")
    let virtual = engine.clock is VirtualClock ? "clock \(engine.clockDescription); " : ""
    return "\(virtual)serving on \(socketName): \(c?.openCases ?? 0) open cases, \(c?.overdueSteps ?? 0) overdue steps, \(c?.students ?? 0) students; channels: \(channels.isEmpty ? "none configured" : channels)"
}
// A channel that fails or recovers shows in STATUS at once, not at the next heartbeat.
dispatcher.onStateChange = { Notifier.status(statusLine()) }
do { try dispatcher.start() } catch { fail("cannot start the message dispatcher: \(error)") }
log.notice("liaisond \(version) \(statusLine()) (database \(config.database), pid \(getpid()))",
           metadata: ["message_id": "\(MessageID.started)"])
Heartbeat(engine: engine, watchdogInterval: Notifier.watchdogInterval(), logger: log, status: statusLine).start()
Notifier.ready(status: statusLine())

/// SIGHUP: read the config again; apply what can change while running,
/// refuse a bad file and keep the old one.
@MainActor func reload() {
    Notifier.reloading()
    defer { Notifier.ready(status: statusLine()) }
    let fresh: DaemonConfig
    do {
        fresh = try DaemonConfig.load(path: configPath)
        // Rulebooks are all or nothing: one bad file keeps the whole old set.
        let books = try RulebookLoader.load(directory: fresh.rulesDirectory)
        let library = try TemplateLoader.load(directory: fresh.templatesDirectory, rulebooks: books)
        try engine.installRulebooks(books)
        try engine.installTemplates(library)
        // New messages are signed with the new name; those already queued keep theirs.
        engine.installSchool(fresh.school)
        engine.installContactIntervals(fresh.contactIntervals)
        engine.installDigest(at: fresh.digestAt)
        config.school = fresh.school
        try engine.configureRetention(fresh.retention)
        config.retention = fresh.retention
        config.rulesDirectory = fresh.rulesDirectory
        config.templatesDirectory = fresh.templatesDirectory
        ruleSource.set(rules: fresh.rulesDirectory, templates: fresh.templatesDirectory)
    } catch {
        log.error("reload refused, the running configuration is kept: \(error)", metadata: ["message_id": "\(MessageID.reloadFailed)"])
        return
    }
    var needRestart: [String] = []
    if fresh.database != config.database { needRestart.append("database") }
    if fresh.socketPath != config.socketPath || fresh.socketGroup != config.socketGroup || fresh.connectionLimits != config.connectionLimits {
        needRestart.append("socket")
    }
    if fresh.timeZone != config.timeZone { needRestart.append("school.timezone") }
    if fresh.virtualClock != config.virtualClock || fresh.virtualClockStart != config.virtualClockStart { needRestart.append("clock") }
    if fresh.channels != config.channels || fresh.hostProgram != config.hostProgram { needRestart.append("channels (a new plugin file needs only `liaisonctl plugin reload`)") }
    if !needRestart.isEmpty {
        log.warning("reload: \(needRestart.joined(separator: ", ")) changed in \(configPath); that takes a restart, the running values are kept")
    }
    if fresh.logLevel != config.logLevel, let level = Logger.Level(rawValue: fresh.logLevel) {
        DaemonLogging.setLevel(level)
        config.logLevel = fresh.logLevel
    }
    log.notice("reloaded \(configPath)", metadata: ["message_id": "\(MessageID.reloaded)"])
}

while true {
    var sig: Int32 = 0
    sigwait(&signals, &sig)
    if sig == SIGHUP { reload(); continue }
    log.notice("signal \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): stopping", metadata: ["message_id": "\(MessageID.stopping)"])
    break
}
Notifier.stopping()
scheduler.stop()
retentionScheduler.stop()
server.stop()
dispatcher.stop()
try? store.close()
if activation.socket == nil { unlink(config.socketPath) }
lock.release()
log.notice("stopped")
exit(0)
