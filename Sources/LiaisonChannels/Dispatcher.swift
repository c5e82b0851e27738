import Foundation
import Glibc
import LiaisonConfig
import LiaisonCore
import LiaisonProtocol
import Logging

/// Sends the outbox through the channel plugins and hands what comes back
/// (results, receipts, replies, host deaths) to the engine's delivery port.
///
/// One thread owns every channel's state; host reader threads and control
/// requests reach it through a queue. Each turn it records what arrived in
/// one transaction, restarts hosts that are due, and claims due messages in
/// a second: a message is marked `sending`, with its attempt, before any
/// plugin sees it, so a crash anywhere means "unknown" and a resend with
/// the same idempotency key, never a silent loss. What each message does
/// next is `DeliveryPolicy`'s decision (Core); the dispatcher knows neither
/// the store nor cases.
public final class ChannelDispatcher: ChannelPort, @unchecked Sendable {
    let port: any DeliveryPort
    let hostProgram: String
    let logger: Logger
    var channels: [String: ChannelRuntime] = [:]
    var order: [String] = []

    struct InFlight {
        var messageID: Int64
        var attempt: MessageAttempt
        var channel: String
        /// The guardian channel of the route (`letter`, `sms`, …).
        var via: String = ""
        var generation: Int
        var started: Date
    }
    var inFlight: [UInt64: InFlight] = [:]
    /// Outcomes whose transaction failed, applied again next turn.
    var unapplied: [Outcome] = []
    var nextSendID: UInt64 = 0
    /// `channel test` sends in flight, by send id, and by key for receipts.
    var probes: [UInt64: Probe] = [:]
    var probesByKey: [String: Probe] = [:]
    /// Messages put off because their channel was not running, by channel:
    /// due again as soon as it runs, or falls back when it fails.
    var held: [String: Set<Int64>] = [:]
    /// Called on the dispatcher's thread when a channel's state changes
    /// (liaisond refreshes the systemd STATUS line). Set before `start`.
    public var onStateChange: (@Sendable () -> Void)?
    var publishedStates = ""

    enum Item {
        case host(channel: String, generation: Int, HostEvent)
        case control(() -> Void)
    }
    let condition = NSCondition()
    var queue: [Item] = []
    var woken = false
    var stopping = false
    var thread: Thread?
    let snapshot = NSLock()
    var statusCache: [PluginStatus] = []
    /// What `statusCache` can prove, worked out as it is published (the
    /// engine asks at every case opening, inside its writer).
    var abilityCache = ChannelAbilities()

    public static let batch = 256

    public init(port: any DeliveryPort, channels specs: [ChannelSpec], hostProgram: String, logger: Logger) {
        self.port = port
        self.hostProgram = hostProgram
        self.logger = logger
        for spec in specs {
            channels[spec.name] = ChannelRuntime(spec: spec)
            order.append(spec.name)
        }
    }

    /// Re-queues sends a previous run left in flight, starts every channel's
    /// host and the dispatch thread.
    public func start() throws {
        let requeued = try port.requeueInFlight()
        if requeued > 0 { logger.warning("\(requeued) message(s) were in flight when liaisond stopped; they are sent again with their idempotency keys") }
        for name in order { if let rt = channels[name] { load(rt) } }
        publish()
        let t = Thread { [self] in run() }
        t.name = "dispatcher"
        thread = t
        t.start()
    }

    public func stop() {
        condition.lock(); stopping = true; condition.signal(); condition.unlock()
        while thread?.isFinished == false { usleep(1000) }
        for rt in channels.values {
            for h in [rt.current, rt.next].compactMap({ $0 }) + rt.draining { h.send(.close) }
        }
    }

    public func wake() {
        condition.lock(); woken = true; condition.signal(); condition.unlock()
    }

    func enqueue(_ item: Item) {
        condition.lock(); queue.append(item); condition.signal(); condition.unlock()
    }

    // MARK: the loop

    func run() {
        var wait: TimeInterval = 0
        while true {
            condition.lock()
            if queue.isEmpty && !woken && !stopping && wait > 0 { _ = condition.wait(until: Date().addingTimeInterval(wait)) }
            let items = queue
            queue = []
            woken = false
            let stop = stopping
            condition.unlock()
            if stop { return }
            var outcomes = unapplied
            unapplied = []
            for item in items {
                switch item {
                case let .control(f): f()
                case let .host(name, generation, event): handle(event, channel: name, generation: generation, into: &outcomes)
                }
            }
            supervise(&outcomes)
            if !outcomes.isEmpty && !apply(outcomes) {
                unapplied = outcomes
                wait = 1
                publish()
                continue
            }
            wait = dispatchDue()
            publish()
        }
    }

    /// Runs `f` on the dispatcher's thread and waits for it.
    func onThread<T>(_ f: @escaping () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<T, Error>?
        enqueue(.control { result = Result { try f() }; done.signal() })
        done.wait()
        return try result!.get()
    }

    func publish() {
        let counts = Dictionary(grouping: inFlight.values, by: \.channel).mapValues(\.count)
        let now = Self.monotonic()
        let list = order.compactMap { channels[$0] }.map { $0.status(inFlight: counts[$0.spec.name] ?? 0, now: now) }
        let can = Self.abilities(list)
        snapshot.lock(); statusCache = list; abilityCache = can; snapshot.unlock()
        let states = list.map { "\($0.channel) \($0.state)" }.joined(separator: ",")
        if states != publishedStates {
            publishedStates = states
            onStateChange?()
        }
    }

    /// What the channels can prove: a running channel's plugin says whether
    /// it gives receipts and replies; a starting one has not said yet; a
    /// failed, refused or stopped one proves nothing.
    static func abilities(_ list: [PluginStatus]) -> ChannelAbilities {
        var a = ChannelAbilities()
        for s in list {
            let caps = Set(s.capabilities.split(separator: ",").map(String.init))
            switch s.state {
            case "starting", "restarting" where caps.isEmpty && s.pluginName.isEmpty: a.unknown.formUnion(s.serves)
            case "running", "starting", "restarting":
                if caps.contains("receipts") { a.receipts.formUnion(s.serves) }
                if caps.contains("replies") { a.replies.formUnion(s.serves) }
            default: break
            }
        }
        return a
    }

    // MARK: status and control (any thread)

    /// The channel port: what the running channels can prove, from the
    /// statuses last published.
    public var abilities: ChannelAbilities { snapshot.lock(); defer { snapshot.unlock() }; return abilityCache }

    /// The channel port: a commit may have queued messages.
    public func outboxChanged() { wake() }

    public func statuses() -> [PluginStatus] {
        snapshot.lock(); defer { snapshot.unlock() }
        return statusCache
    }

    public func status(_ name: String) throws -> PluginStatus {
        guard let s = statuses().first(where: { $0.channel == name }) else { throw unknown(name) }
        return s
    }

    func unknown(_ name: String) -> LiaisonError {
        LiaisonError.notFound("no channel \(name) is configured; configured: \(order.isEmpty ? "none" : order.joined(separator: ", ")) (channels: in the daemon config)")
    }

    /// Starts a stopped, refused or failed channel (a crash loop's failure
    /// is forgotten); returns once it runs or says why not (at most a minute).
    public func load(_ name: String) throws -> PluginStatus {
        try onThread { [self] in
            guard let rt = channels[name] else { throw unknown(name) }
            guard rt.current == nil || rt.state != .running else {
                throw LiaisonError.conflict("channel \(name) is already running (plugin \(rt.info.name) \(rt.info.version)); use plugin reload to switch to a new file")
            }
            resetCrashLoop(rt)
            load(rt)
        }
        return try settle(name)
    }

    /// Stops sending on a channel: new messages wait (or fall back), sends in
    /// flight finish, then the host is closed.
    public func unload(_ name: String) throws -> PluginStatus {
        try onThread { [self] in
            guard let rt = channels[name] else { throw unknown(name) }
            if let h = rt.current { retire(h, rt) }
            if let h = rt.next { h.send(.close); rt.next = nil }
            rt.current = nil
            rt.state = .stopped
            rt.reason = "unloaded by plugin unload"
            resetCrashLoop(rt)
        }
        return try status(name)
    }

    /// Starts a new host on the (new) plugin file and moves new sends to it
    /// once it is ready; the old host finishes its in-flight sends first.
    public func reload(_ name: String) throws -> PluginStatus {
        try onThread { [self] in
            guard let rt = channels[name] else { throw unknown(name) }
            // Ops installed a (new) file: a crash loop is forgotten and the channel tried at once.
            resetCrashLoop(rt)
            guard rt.current != nil, rt.state == .running else { load(rt); return }
            if let problem = PluginFileCheck.problem(path: rt.spec.pluginPath) {
                throw LiaisonError.conflict("reload refused, the running plugin is kept: \(problem)")
            }
            rt.next = spawn(rt)
        }
        return try settle(name)
    }

    /// Waits until a load or reload has an outcome: the new host runs or
    /// failed. A host opens in well under a second; a busy machine can
    /// take many, so this waits up to a minute rather than answer ops with
    /// the old host's status as if it were the new one's.
    func settle(_ name: String) throws -> PluginStatus {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            // The status is read on the dispatcher's thread with the state it
            // reports: the published snapshot may lag a turn (a host's ready
            // handled earlier in this turn is published at its end).
            let (busy, now) = try onThread { [self] () -> (Bool, PluginStatus?) in
                guard let rt = channels[name] else { return (false, nil) }
                let inFlight = self.inFlight.values.filter { $0.channel == name }.count
                return (rt.state == .starting || rt.next != nil, rt.status(inFlight: inFlight, now: Self.monotonic()))
            }
            if !busy { return try now ?? status(name) }
            usleep(20_000)
        }
        var s = try status(name)
        s.reason = "the new host has not said it is ready after 60 s; `plugin status \(name)` shows when it does" + (s.reason.isEmpty ? "" : "; \(s.reason)")
        return s
    }
}
extension ChannelDispatcher: ChannelControl {}
