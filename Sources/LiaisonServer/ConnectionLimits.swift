import Foundation

/// Connections open per Unix user, against `socket.max_connections_per_user`.
/// A value, so the accounting is tested without sockets: the accept loop
/// admits, the end of a connection releases, both under the server's lock.
/// Every uid counts alike, root included: a runaway script of root's should
/// not use up the daemon's descriptors either, and nobody's connections
/// count against anyone else's.
struct ConnectionCap: Sendable, Equatable {
    enum Decision: Equatable {
        case admitted
        /// At the cap already. `firstOfBurst`: the first refusal since this
        /// user was last admitted, the one worth a line in the journal.
        case refused(firstOfBurst: Bool)
    }

    let limit: Int
    private(set) var open: [UInt32: Int] = [:]
    private var refusing: Set<UInt32> = []

    init(limit: Int) { self.limit = limit }

    mutating func admit(uid: UInt32) -> Decision {
        let n = open[uid, default: 0]
        guard n < limit else { return .refused(firstOfBurst: refusing.insert(uid).inserted) }
        open[uid] = n + 1
        refusing.remove(uid)
        return .admitted
    }

    mutating func release(uid: UInt32) {
        guard let n = open[uid] else { return }
        open[uid] = n > 1 ? n - 1 : nil
    }

    var total: Int { open.values.reduce(0, +) }
}

/// What the accept loop does while accept(2) keeps failing (EMFILE: the
/// daemon holds every descriptor its LimitNOFILE allows; ENFILE: the whole
/// system does). The listening socket stays readable, so retrying at once
/// spins a core and writes a log line per try (issue 14: 490,000 in 7 s).
/// Instead: wait 10 ms before the next try, doubling to 1 s, and report
/// once per burst — when it starts, once a minute while it lasts, and when
/// accept works again, with how many tries failed.
struct AcceptBackoff: Equatable {
    enum Report: Equatable {
        case started
        case continuing(failures: Int, seconds: Double)
        case recovered(failures: Int, seconds: Double)
    }

    static let firstPauseMilliseconds = 10
    static let longestPauseMilliseconds = 1000
    static let reminderSeconds: Double = 60

    private(set) var failures = 0
    private var since: Double = 0
    private var lastReport: Double = 0
    private var pause = 0

    /// A failed accept at `now` (seconds on a monotonic clock): how long to
    /// wait before trying again, and what to log, if anything.
    mutating func failed(now: Double) -> (pauseMilliseconds: Int, report: Report?) {
        failures += 1
        guard failures > 1 else {
            since = now; lastReport = now; pause = Self.firstPauseMilliseconds
            return (pause, .started)
        }
        pause = min(pause * 2, Self.longestPauseMilliseconds)
        guard now - lastReport >= Self.reminderSeconds else { return (pause, nil) }
        lastReport = now
        return (pause, .continuing(failures: failures, seconds: now - since))
    }

    /// An accept that worked: the end of a burst to report, if one was on.
    mutating func succeeded(now: Double) -> Report? {
        guard failures > 0 else { return nil }
        defer { self = AcceptBackoff() }
        return .recovered(failures: failures, seconds: now - since)
    }
}

/// Seconds on the monotonic clock: for timeouts a wall-clock jump must not move.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
