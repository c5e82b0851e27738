import Foundation
import LiaisonProtocol
import Testing

/// The host wire, one type for both ends (issue 15.3): every frame reads
/// back as itself, and what is not a frame says why.
@Suite struct HostWireTests {
    static let frames: [HostWire] = [
        .open(config: #"{"directory": "/var/spool/liaison"}"#),
        .send(HostSend(id: 7, key: "notify:C2026-0001:notify-parents:G1", to: "+8613800138000", name: "张建国", topic: "incident-notice",
                       subject: "", body: "您好，\n张明同学今日…\"摔伤\"", urgent: true, sentAt: "2026-12-01T23:10:00+08:00")),
        .close,
        .ready(name: "outbox", version: "1.0.0", abi: "1", capabilities: "receipts,idempotent", maxLength: "0", pid: 4242),
        .refused(reason: "wrong ABI"), .openFailed(reason: "no directory"),
        .result(id: 7, status: "temporary", providerID: "", error: "503"),
        .receipt(providerID: "k-1", key: "notify:C:S:G1", receipt: "delivered", detail: "DELIVRD"),
        .reply(from: "13800138000", text: "收到，马上到", providerID: "m-9"),
        .log(level: 2, text: "slow gateway"), .closed,
    ]

    @Test(arguments: frames)
    func everyFrameReadsBackAsItself(_ frame: HostWire) throws {
        var bytes = frame.frame
        #expect(bytes.last == UInt8(ascii: "\n") && bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1, "one line a frame")
        bytes.removeLast()
        #expect(try HostWire.decode(bytes).get() == frame)
    }

    @Test func whatIsNotAFrameSaysWhy() {
        #expect(HostWire.decode(["op": "send", "key": "k"]) == .failure(HostWireError("a send without an id")))
        #expect(HostWire.decode(["op": "result", "id": "0"]) == .failure(HostWireError("a result without an id")))
        #expect(HostWire.decode(["op": "launch"]) == .failure(HostWireError("unknown op launch")))
        guard case let .failure(why) = HostWire.decode(Array("{not json".utf8)) else { Issue.record("malformed text decoded"); return }
        #expect(why.description.hasPrefix("malformed line"))
    }
}
