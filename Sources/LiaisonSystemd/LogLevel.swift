import Foundation
import Logging
import Synchronization

/// The daemon-wide log level, changeable at run time (a SIGHUP reload may
/// change `log_level`); every handler made by `makeHandler` reads it.
public enum DaemonLogging {
    static let level = Mutex<Logger.Level>(.info)

    public static func setLevel(_ l: Logger.Level) { level.withLock { $0 = l } }
    public static var currentLevel: Logger.Level { level.withLock { $0 } }

    /// Journal fields when stderr is the journal, plain lines otherwise;
    /// LIAISON_LOG_TARGET=journal or =stderr overrides the choice (the
    /// journal handler still falls back to stderr when no journald listens).
    public static func bootstrap(identifier: String, level: Logger.Level) {
        setLevel(level)
        let journal = journalWanted(env: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { _ -> any LogHandler in
            if journal { return AnyLevelHandler(JournalLogHandler(identifier: identifier)) }
            return AnyLevelHandler(PlainLogHandler())
        }
    }
}

extension DaemonLogging {
    static func journalWanted(env: [String: String]) -> Bool {
        switch env["LIAISON_LOG_TARGET"] {
        case "journal": true
        case "stderr": false
        default: JournalLogHandler.stderrIsJournal()
        }
    }
}

/// Wraps a handler so that its level is the daemon-wide one.
struct AnyLevelHandler<H: LogHandler>: LogHandler {
    var inner: H
    init(_ inner: H) { self.inner = inner }

    var logLevel: Logger.Level {
        get { DaemonLogging.currentLevel }
        set { DaemonLogging.setLevel(newValue) }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
    func log(event: LogEvent) { inner.log(event: event) }
}
