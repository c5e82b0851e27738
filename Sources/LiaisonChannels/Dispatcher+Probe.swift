import Foundation
import LiaisonCore
import LiaisonProtocol

/// `liaisonctl channel test`: one message straight through a channel's
/// running host, outside the outbox, so that ops can check a deployment
/// (credentials, gateway, receipts) without a case. It is never retried and
/// leaves no message row; its key is `channel-test:<uuid>`.
final class Probe: @unchecked Sendable {
    let channel: String
    let generation: Int
    let key: String
    let started = Date()
    private let lock = NSCondition()
    typealias Outcome = (status: String, providerID: String, error: String, at: Date)
    typealias Receipt = (kind: String, providerID: String, detail: String, at: Date)
    private var outcome: Outcome?
    private var receipt: Receipt?

    init(channel: String, generation: Int, key: String) {
        self.channel = channel; self.generation = generation; self.key = key
    }

    func finish(_ status: String, _ providerID: String, _ error: String) {
        lock.lock(); outcome = (status, providerID, error, Date()); lock.broadcast(); lock.unlock()
    }

    func receipt(_ kind: String, _ providerID: String, _ detail: String) {
        lock.lock()
        if receipt == nil { receipt = (kind, providerID, detail, Date()) }
        lock.broadcast()
        lock.unlock()
    }

    /// Waits until `ready` holds or `seconds` pass; what has come by then,
    /// read under the lock (the dispatcher thread writes it).
    func wait(_ seconds: TimeInterval, until ready: (Outcome?, Receipt?) -> Bool) -> (Outcome?, Receipt?) {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock()
        defer { lock.unlock() }
        while !ready(outcome, receipt) && lock.wait(until: deadline) {}
        return (outcome, receipt)
    }
}

extension ChannelDispatcher {
    public func test(_ p: ChannelTestParams) throws -> ChannelTestResult {
        let key = "channel-test:\(UUID().uuidString.lowercased())"
        let (probe, plugin, timeout, receipts) = try onThread { [self] () throws -> (Probe, String, TimeInterval, Bool) in
            guard let rt = channels[p.channel] else { throw unknown(p.channel) }
            // Only to the channel's own test_recipients, whatever state it is in (issue 14.5).
            if let refusal = TestRecipients.refusal(to: p.to, channel: p.channel, listed: rt.spec.testRecipients, channelPlace: rt.spec.source) {
                throw refusal
            }
            guard rt.state == .running, let host = rt.current else {
                throw LiaisonError.conflict("channel \(p.channel) is \(rt.state.rawValue)\(rt.reason.isEmpty ? "" : ": \(rt.reason)"); `liaisonctl plugin status \(p.channel)` says more")
            }
            nextSendID += 1
            let probe = Probe(channel: p.channel, generation: host.generation, key: key)
            probes[nextSendID] = probe
            probesByKey[key] = probe
            host.sendMessage(id: nextSendID, key: key, to: p.to, name: "", topic: "channel-test", subject: p.subject, body: p.text, urgent: true,
                             sentAt: port.schoolCalendar.isoTimestamp(port.deliveryNow()),
                             term: port.schoolCalendar.term(containing: port.deliveryNow()))
            return (probe, "\(rt.info.name) \(rt.info.version)", rt.spec.sendTimeout, rt.receipts)
        }
        defer { _ = try? onThread { [self] in probesByKey[key] = nil; probes = probes.filter { $0.value.key != key } } }
        var result = ChannelTestResult(channel: p.channel, plugin: plugin, to: p.to, key: key, outcome: "timeout",
                                       error: "no result within the channel's send timeout (\(Int(timeout)) s)")
        guard let o = probe.wait(timeout + 1, until: { o, _ in o != nil }).0 else { return result }
        result.outcome = o.status
        result.providerID = o.providerID
        result.error = o.error
        result.sendMillis = o.at.timeIntervalSince(probe.started) * 1000
        result.receiptsAwaited = o.status == "ok" && receipts && p.receiptSeconds > 0
        let (_, receipt) = probe.wait(result.receiptsAwaited ? p.receiptSeconds : 0) { _, r in r != nil }
        if let r = receipt {
            result.receipt = r.kind
            result.receiptDetail = r.detail
            result.receiptMillis = r.at.timeIntervalSince(probe.started) * 1000
            if result.providerID.isEmpty { result.providerID = r.providerID }
        }
        return result
    }
}
