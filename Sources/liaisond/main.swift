import Foundation
import Glibc
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonServer
import LiaisonStore
import LiaisonSystemd
import Logging

// liaisond: thin wiring. Config → lock → store → engine → socket → serve,
// then the reverse on SIGTERM/SIGINT.

let version = "0.1.0"

// Signals are taken by sigwait on the main thread; block them before any
// other thread exists so that none of them gets the default action.
var signals = sigset_t()
sigemptyset(&signals)
for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, s) }
pthread_sigmask(SIG_BLOCK, &signals, nil)
signal(SIGPIPE, SIG_IGN)

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("liaisond: \(message)\n".utf8))
    exit(code)
}

let usage = """
    usage: liaisond [--config FILE] [--check-config] [--version]
      --config FILE    the daemon config (default: $LIAISON_CONFIG or /etc/liaison/liaison.yaml)
      --check-config   validate the config and exit (0 when valid)
    """
var configPath = ProcessInfo.processInfo.environment["LIAISON_CONFIG"] ?? "/etc/liaison/liaison.yaml"
var checkOnly = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--config": guard let v = args.popFirst() else { fail("--config needs a file\n\(usage)", code: 64) }; configPath = v
    case "--check-config": checkOnly = true
    case "--version": print("liaisond \(version)"); exit(0)
    case "-h", "--help": print(usage); exit(0)
    default: fail("unknown argument \(a)\n\(usage)", code: 64)
    }
}

// EX_CONFIG (78): systemd's Restart=on-failure will not help a bad config.
let config: DaemonConfig
do { config = try DaemonConfig.load(path: configPath) } catch { fail("\(error)", code: 78) }
if checkOnly { print("\(configPath): ok"); exit(0) }

LoggingSystem.bootstrap { label in
    var h = StreamLogHandler.standardError(label: label)
    h.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
    return h
}
let log = Logger(label: "liaisond")

for path in [config.database, config.socketPath] {
    let dir = (path as NSString).deletingLastPathComponent
    if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750]) }
}

let lock: DaemonLock
do { lock = try DaemonLock.acquire(database: config.database) } catch { fail("\(error)") }

let store: SQLiteStore
do { store = try SQLiteStore(path: config.database) } catch { fail("\(error)") }
let engine = Engine(store: store, calendar: SchoolCalendar(timeZone: config.timeZone))
if config.demoRoster {
    do {
        let n = try engine.loadDemoRosterIfEmpty()
        if n > 0 { log.notice("loaded the demo roster: \(n) students (demo_roster: true in \(config.file))") }
    } catch { fail("cannot load the demo roster: \(error)") }
}

let listenFD: Int32
do { listenFD = try ControlSocket.bind(path: config.socketPath, group: config.socketGroup) } catch { fail("\(error)") }
let server = ControlServer(listening: listenFD, engine: engine, serverName: "liaisond \(version)", logger: log)
server.start()

let counts = (try? engine.counts())
let status = "serving on \(config.socketPath): \(counts?.students ?? 0) students, \(counts?.openCases ?? 0) open cases"
log.notice("liaisond \(version) \(status) (database \(config.database), pid \(getpid()))")
Notifier.ready(status: status)

while true {
    var sig: Int32 = 0
    sigwait(&signals, &sig)
    if sig == SIGHUP {
        log.notice("SIGHUP: nothing to reload yet (rulebooks arrive with the rulebook engine); still serving")
        continue
    }
    log.notice("signal \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): stopping")
    break
}
Notifier.stopping()
server.stop()
try? store.close()
unlink(config.socketPath)
lock.release()
log.notice("stopped")
exit(0)
