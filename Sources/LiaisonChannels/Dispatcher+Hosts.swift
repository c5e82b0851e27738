import Foundation
import Glibc
import LiaisonCore
import Logging

/// Host supervision: start, crash, restart with backoff, reload, retire;
/// a crash loop marks the channel failed.
///
/// Supervision runs on real time, not the engine's clock: hosts crash and
/// restart in real time, and a virtual clock (which moves only by command)
/// would neither slide the crash-loop window nor bring a failed channel's
/// next try. Restarts and the window use the monotonic clock, so a step of
/// the wall clock neither hastens nor delays them.
extension ChannelDispatcher {
    /// The longest wait between restarts of a crashing host.
    static let maxRestartDelay: TimeInterval = 30
    /// This many unexpected exits of a channel's host within the window mark
    /// the channel failed: its messages go to the guardians' next channels.
    static let crashLoopExits = 5
    static let crashLoopWindow: TimeInterval = 600
    /// A failed channel is tried again after its `failed_retry_seconds`,
    /// doubling with each failure in a row, at most this long.
    static let maxFailedRetry: TimeInterval = 1800

    /// Seconds on CLOCK_MONOTONIC.
    static func monotonic() -> TimeInterval {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return TimeInterval(ts.tv_sec) + TimeInterval(ts.tv_nsec) / 1e9
    }

    /// "45 s", "1 min", "1 min 30 s", "30 min".
    static func span(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        return s % 60 == 0 ? "\(s / 60) min" : "\(s / 60) min \(s % 60) s"
    }

    /// Ops loaded or reloaded the channel: whatever crash loop it was in is
    /// forgotten, and it starts at once.
    func resetCrashLoop(_ rt: ChannelRuntime) {
        rt.exits = []
        rt.failures = 0
        rt.probation = false
        rt.crashes = 0
        rt.restartAt = nil
    }

    func load(_ rt: ChannelRuntime) {
        if let problem = PluginFileCheck.problem(path: rt.spec.pluginPath) {
            rt.state = .refused
            rt.reason = problem
            logger.error("channel \(rt.spec.name): plugin refused, not loaded: \(problem)",
                         metadata: ["message_id": "\(MessageID.pluginRefused)", "channel": "\(rt.spec.name)"])
            return
        }
        guard let host = spawn(rt) else { return }
        rt.current = host
        rt.state = .starting
        rt.reason = ""
    }

    func spawn(_ rt: ChannelRuntime) -> HostProcess? {
        rt.generation += 1
        let generation = rt.generation
        let name = rt.spec.name
        do {
            let host = try HostProcess(program: hostProgram, channel: name, plugin: rt.spec.pluginPath, generation: generation) { [weak self] event in
                self?.enqueue(.host(channel: name, generation: generation, event))
            }
            host.send(.open(config: rt.spec.configJSON))
            return host
        } catch {
            rt.state = .failed
            rt.reason = "\(error)"
            logger.error("channel \(name): \(error)")
            return nil
        }
    }

    /// Closes a host once its in-flight sends are done.
    func retire(_ host: HostProcess, _ rt: ChannelRuntime) {
        rt.draining.append(host)
        closeIfIdle(host)
    }

    func closeIfIdle(_ host: HostProcess) {
        if !inFlight.values.contains(where: { $0.channel == host.channel && $0.generation == host.generation }) {
            host.send(.close)
        }
    }

    func host(_ rt: ChannelRuntime, _ generation: Int) -> HostProcess? {
        ([rt.current, rt.next].compactMap { $0 } + rt.draining).first { $0.generation == generation }
    }

    func handle(_ event: HostEvent, channel name: String, generation: Int, into outcomes: inout [Outcome]) {
        guard let rt = channels[name] else { return }
        let meta: Logger.Metadata = ["channel": "\(name)", "generation": "\(generation)"]
        switch event {
        case let .ready(plugin, version, capabilities, pid):
            rt.info = (plugin, version, capabilities)
            if let next = rt.next, next.generation == generation {
                if let old = rt.current { retire(old, rt) }
                rt.current = next
                rt.next = nil
                logger.notice("channel \(name): reloaded; plugin \(plugin) \(version) (pid \(pid)) takes new sends, the old host finishes its own", metadata: meta)
            } else if rt.current?.generation == generation {
                logger.notice("channel \(name): plugin \(plugin) \(version) ready (pid \(pid), \(capabilities.isEmpty ? "no receipts" : capabilities))", metadata: meta)
            }
            rt.state = .running
            rt.reason = rt.probation
                ? "tried again after a crash loop; one more crash before it sends a message marks it failed again" : ""
            rt.readyAt = Self.monotonic()
            // Messages that waited for this channel to run go now.
            if let ids = held.removeValue(forKey: name), !ids.isEmpty { outcomes.append(.release(channel: name, ids: Array(ids), retries: false)) }
        case let .refused(reason), let .openFailed(reason):
            let refused = if case .refused = event { true } else { false }
            logger.error("channel \(name): plugin \(refused ? "refused" : "failed to open"): \(reason)",
                         metadata: meta.merging(["message_id": "\(MessageID.pluginRefused)"]) { a, _ in a })
            if let next = rt.next, next.generation == generation {
                rt.next = nil
                rt.reason = "reload refused, the running plugin is kept: \(reason)"
            } else if rt.current?.generation == generation {
                rt.current = nil
                rt.state = refused ? .refused : .failed
                rt.reason = reason
            }
        case let .result(id, status, providerID, error):
            if let p = probes.removeValue(forKey: id) {
                p.finish(status, providerID, error)
                return
            }
            guard let f = inFlight.removeValue(forKey: id), f.channel == name else {
                logger.error("channel \(name): a result for send \(id), which is not in flight; ignored", metadata: meta)
                return
            }
            outcomes.append(.result(f, status: status, providerID: providerID, error: error))
            if status == "ok" { rt.sent += 1 } else { rt.failed += 1 }
            if status == "ok", rt.probation, rt.current?.generation == generation { endProbation(rt, why: "it sent a message") }
            if let h = rt.draining.first(where: { $0.generation == generation }) { closeIfIdle(h) }
        case let .receipt(providerID, key, receipt, detail):
            if let p = probesByKey[key] {
                p.receipt(receipt, providerID, detail)
                return
            }
            outcomes.append(.receipt(channel: name, providerID: providerID, key: key, receipt: receipt, detail: detail))
        case let .reply(from, text, providerID):
            outcomes.append(.reply(channel: name, from: from, text: text, providerID: providerID))
        case let .log(level, text):
            let l: Logger.Level = switch level { case 0: .debug; case 1: .info; case 2: .warning; default: .error }
            logger.log(level: l, "channel \(name): \(text)", metadata: meta)
        case let .exited(how):
            // Whatever was in flight on this host has an unknown outcome.
            for (id, p) in probes where p.channel == name && p.generation == generation {
                probes[id] = nil
                p.finish("unknown", "", "the plugin host \(how) during the send")
            }
            for (id, f) in inFlight where f.channel == name && f.generation == generation {
                inFlight[id] = nil
                rt.failed += 1
                outcomes.append(.result(f, status: "unknown", providerID: "", error: "the plugin host \(how) during the send"))
            }
            if let i = rt.draining.firstIndex(where: { $0.generation == generation }) {
                rt.draining.remove(at: i)
                return
            }
            if let next = rt.next, next.generation == generation {
                rt.next = nil
                rt.reason = "reload failed, the running plugin is kept: the new host \(how)"
                logger.error("channel \(name): \(rt.reason)", metadata: meta)
                return
            }
            guard rt.current?.generation == generation else { return }
            rt.current = nil
            guard rt.state == .running || rt.state == .starting else { return }
            let now = Self.monotonic()
            rt.crashes += 1
            rt.lastExit = how
            rt.exits = rt.exits.filter { now - $0 < Self.crashLoopWindow } + [now]
            if rt.probation || rt.exits.count >= Self.crashLoopExits {
                markFailed(rt, how: how, meta: meta, into: &outcomes)
                return
            }
            let delay = min(Self.maxRestartDelay, 0.1 * pow(2, Double(rt.crashes - 1)))
            rt.state = .restarting
            rt.reason = "the plugin host \(how); restarting in \(String(format: "%.1f", delay)) s"
            rt.restartAt = now + delay
            logger.error("channel \(name): the plugin host \(how); the daemon goes on, the host restarts in \(String(format: "%.1f", delay)) s and its sends are retried",
                         metadata: meta.merging(["message_id": "\(MessageID.pluginCrashed)"]) { a, _ in a })
        }
    }

    /// Restarts due hosts, kills hung ones, recycles bloated ones.
    func supervise(_ outcomes: inout [Outcome]) {
        let now = Date()
        let mono = Self.monotonic()
        for rt in channels.values {
            if rt.state == .restarting || rt.state == .failed, let at = rt.restartAt, at <= mono {
                rt.restartAt = nil
                rt.restarts += 1
                if rt.state == .failed {
                    // On probation: one more crash before it proves itself marks it failed again.
                    rt.probation = true
                    logger.notice("channel \(rt.spec.name): starting its plugin host again after the crash loop (try \(rt.failures))",
                                  metadata: ["channel": "\(rt.spec.name)"])
                }
                load(rt)
            }
            if rt.probation, rt.state == .running, mono - rt.readyAt >= Self.crashLoopWindow {
                endProbation(rt, why: "it has run for \(Self.span(Self.crashLoopWindow))")
            }
            // A send that takes longer than the channel allows: the plugin hangs.
            if let h = rt.current, inFlight.values.contains(where: { $0.channel == rt.spec.name && $0.generation == h.generation
                && now.timeIntervalSince($0.started) > rt.spec.sendTimeout }) {
                logger.error("channel \(rt.spec.name): a send took longer than \(Int(rt.spec.sendTimeout)) s; killing the hung host (pid \(h.pid))")
                h.kill()
            }
            if rt.state == .running, rt.crashes > 0, let h = rt.current, now.timeIntervalSince(h.startedAt) > Self.maxRestartDelay {
                rt.crashes = 0
            }
            recycleIfBloated(rt, now)
        }
    }

    /// A host that outgrew max_rss_mb (a leaking plugin) is replaced as a
    /// reload replaces it: the new host takes new sends once ready, the old
    /// one finishes its own. Looked at once a second.
    func recycleIfBloated(_ rt: ChannelRuntime, _ now: Date) {
        guard rt.state == .running, let h = rt.current, now.timeIntervalSince(rt.residentCheckedAt) >= 1 else { return }
        rt.residentCheckedAt = now
        rt.residentKiB = h.residentKiB() ?? 0
        // A host that has sent nothing cannot have leaked: a limit below the
        // host's own size is misconfigured, and replacing it would not help.
        guard rt.spec.maxResidentMiB > 0, rt.residentKiB > rt.spec.maxResidentMiB * 1024, rt.next == nil, h.sends > 0 else { return }
        rt.recycles += 1
        logger.warning("channel \(rt.spec.name): the plugin host (pid \(h.pid)) uses \(rt.residentKiB / 1024) MiB, over max_rss_mb \(rt.spec.maxResidentMiB); replacing it with a fresh one (its sends finish first)",
                       metadata: ["channel": "\(rt.spec.name)", "generation": "\(h.generation)"])
        rt.next = spawn(rt)
    }

    /// The soonest restart or retry, for the loop's wait.
    var nextRestart: Date? {
        channels.values.compactMap(\.restartAt).min().map { Date().addingTimeInterval($0 - Self.monotonic()) }
    }

    /// A crash loop: `crashLoopExits` unexpected exits within the window, or
    /// one while on probation. The channel is failed: `choose` passes over
    /// it, so its messages go to each guardian's next channel, those that
    /// waited for it or for a retry on it at once, and those in flight on
    /// the host that died too (`result`); its host is tried again later.
    func markFailed(_ rt: ChannelRuntime, how: String, meta: Logger.Metadata, into outcomes: inout [Outcome]) {
        let name = rt.spec.name
        let why = rt.probation
            ? "its plugin host, started again after a crash loop, \(how) before it sent a message"
            : "crash loop: its plugin host exited \(rt.exits.count) times in \(Self.span(Self.crashLoopWindow)), the last \(how)"
        rt.probation = false
        rt.failures += 1
        let delay = min(Self.maxFailedRetry, rt.spec.failedRetry * pow(2, Double(rt.failures - 1)))
        rt.state = .failed
        rt.restartAt = Self.monotonic() + delay
        rt.reason = "\(why); its messages go to each guardian's next channel; next try in \(Self.span(delay)), or now with plugin reload after fixing the plugin"
        logger.error("channel \(name) failed: \(why); its messages go to each guardian's next channel and its host is tried again in \(Self.span(delay)) (`liaisonctl plugin status \(name)`; `plugin reload \(name)` tries at once)",
                     metadata: meta.merging(["message_id": "\(MessageID.pluginFailed)"]) { a, _ in a })
        outcomes.append(.release(channel: name, ids: Array(held.removeValue(forKey: name) ?? []), retries: true))
    }

    /// A host started after a crash loop proved itself: the channel is
    /// simply running again, its failures forgotten.
    func endProbation(_ rt: ChannelRuntime, why: String) {
        rt.probation = false
        rt.failures = 0
        rt.crashes = 0
        rt.exits = []
        rt.reason = ""
        logger.notice("channel \(rt.spec.name): running again after its crash loop (\(why))", metadata: ["channel": "\(rt.spec.name)"])
    }
}
