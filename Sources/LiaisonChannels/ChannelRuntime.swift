import Foundation
import LiaisonConfig
import LiaisonCore
import LiaisonProtocol

/// One configured channel as the dispatcher runs it. Touched only on the
/// dispatcher's thread.
final class ChannelRuntime {
    enum State: String { case starting, running, restarting, refused, failed, stopped }

    let spec: ChannelSpec
    var state: State = .stopped
    var reason = ""
    /// The host new sends go to.
    var current: HostProcess?
    /// A reload's new host, until it is ready.
    var next: HostProcess?
    /// Old hosts finishing their in-flight sends before they are closed.
    var draining: [HostProcess] = []
    var generation = 0
    var restarts = 0
    /// Consecutive crashes: the restart delay doubles with each.
    var crashes = 0
    /// When the host is next started (a restart, or a failed channel's next
    /// try), on the dispatcher's monotonic clock.
    var restartAt: TimeInterval?
    /// Unexpected exits of the channel's host (monotonic times), kept for the
    /// crash-loop window (`ChannelDispatcher.crashLoopWindow`).
    var exits: [TimeInterval] = []
    /// How the last unexpected exit went ("killed by signal 6 (Aborted)").
    var lastExit = ""
    /// Times in a row the channel was marked failed for a crash loop: the
    /// next try waits `failedRetry` doubled that many times less one.
    var failures = 0
    /// A failed channel's host started again is on probation until it sends
    /// one message or stays up a whole window: one more crash meanwhile
    /// marks it failed again at once.
    var probation = false
    /// When the current host became ready (monotonic).
    var readyAt: TimeInterval = 0
    var info: (name: String, version: String, capabilities: String) = ("", "", "")
    var recycles = 0
    /// The current host's resident memory when last looked at, and when.
    var residentKiB = 0
    var residentCheckedAt = Date.distantPast
    var sent = 0
    var failed = 0
    var bucket: TokenBucket?

    init(spec: ChannelSpec) {
        self.spec = spec
        if spec.ratePerMinute > 0 { bucket = TokenBucket(perMinute: spec.ratePerMinute) }
    }

    var receipts: Bool { info.capabilities.split(separator: ",").contains("receipts") }

    /// The channel as the delivery policy sees it. Running means a host to
    /// send to: a channel without one is starting, whatever it said last.
    func view(at now: Date) -> DeliveryChannel {
        let policyState: DeliveryChannel.State = switch state {
        case .running: current == nil ? .starting : .running
        case .starting: .starting
        case .restarting: .restarting
        case .refused: .refused
        case .failed: .failed
        case .stopped: .stopped
        }
        let next = bucket?.nextToken(after: now)
        return DeliveryChannel(name: spec.name, serves: spec.serves, state: policyState, reason: reason, retries: spec.retries,
                               backoff: spec.backoff, quietHours: spec.quietHours, tokenAt: next.flatMap { $0 > now ? $0 : nil },
                               ratePerMinute: spec.ratePerMinute, receipts: receipts)
    }

    func status(inFlight: Int, now: TimeInterval) -> PluginStatus {
        PluginStatus(channel: spec.name, pluginPath: spec.pluginPath, state: state.rawValue, reason: reason, pluginName: info.name,
                     pluginVersion: info.version, capabilities: info.capabilities, pid: current?.pid ?? 0, generation: generation,
                     restarts: restarts, recycles: recycles, residentKiB: current == nil ? 0 : residentKiB, inFlight: inFlight, sent: sent, failed: failed, serves: spec.serves,
                     quietHours: spec.quietHours?.text ?? "none", ratePerMinute: spec.ratePerMinute,
                     recentExits: exits.filter { now - $0 < ChannelDispatcher.crashLoopWindow }.count, lastExit: lastExit,
                     retryAt: state == .failed ? restartAt.map { Date().addingTimeInterval($0 - now) } : nil)
    }
}
