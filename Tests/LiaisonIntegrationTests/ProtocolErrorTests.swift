import Foundation
import Testing
import LiaisonClient
@testable import LiaisonCore
@testable import LiaisonProtocol

/// Bad input on the wire gets the documented error, and the daemon goes on
/// serving the next client.
@Suite struct ProtocolErrorTests {
    struct AnyReply: Decodable {
        var id: RequestID?
        var error: WireError?
    }

    func reply(_ c: LiaisonClient) throws -> AnyReply {
        try JSONDecoder().decode(AnyReply.self, from: Data(try c.readLine()))
    }

    func raw(_ d: Daemon) throws -> LiaisonClient { try LiaisonClient(socketPath: d.socket) }

    let hello = Array(#"{"id":1,"method":"hello","params":{"protocolVersion":1,"client":"t"}}"#.utf8) + [0x0A]

    func stillServes(_ d: Daemon) throws {
        let c = try d.client()
        let list = try c.call(Method.caseList, CaseListParams(), as: CasePage.self).cases
        #expect(list.isEmpty)
    }

    @Test func oversizedFrameIsRefusedAndTheConnectionClosed() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        try c.send(hello)
        _ = try reply(c)
        // 1 MiB with no newline: the daemon must answer after 64 KiB, not wait for the rest.
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 70 * 1024)
        try? c.send(big)
        let r = try reply(c)
        #expect(r.error?.code == "frame_too_large")
        #expect(c.isClosedByPeer())
        try stillServes(d)
    }

    @Test func oversizedLineWithANewlineIsRefusedToo() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        let line = Array(#"{"id":1,"method":"hello","params":{"client":""#.utf8) + [UInt8](repeating: 0x61, count: 65 * 1024) + Array("\"}}\n".utf8)
        try? c.send(line)
        #expect(try reply(c).error?.code == "frame_too_large")
        try stillServes(d)
    }

    @Test func aFrameOfExactlyTheLimitIsRead() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        let head = Array(#"{"id":7,"method":"hello","params":{"protocolVersion":1,"client":""#.utf8), tail = Array("\"}}".utf8)
        let frame = head + [UInt8](repeating: 0x61, count: Framing.maxFrameBytes - head.count - tail.count) + tail
        #expect(frame.count == Framing.maxFrameBytes)
        try c.send(frame + [0x0A])
        let r = try reply(c)
        #expect(r.error == nil && r.id == .number(7))
    }

    @Test func truncatedLine() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        try c.send(Array(#"{"id":1,"method":"hel"#.utf8))
        c.finishSending()
        #expect(try reply(c).error?.code == "truncated_frame")
        try stillServes(d)
    }

    @Test func invalidUTF8MalformedJSONAndNonObjectsKeepTheConnection() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        try c.send([0x7B, 0xFF, 0xFE, 0x7D, 0x0A])
        let bad = try reply(c)
        #expect(bad.error?.code == "bad_frame" && bad.error?.message.contains("UTF-8") == true)
        try c.send(Array("{not json\n".utf8))
        #expect(try reply(c).error?.code == "bad_frame")
        try c.send(Array("[1,2,3]\n".utf8))
        #expect(try reply(c).error?.code == "bad_frame")
        try c.send(Array(#"{"id":5}"#.utf8) + [0x0A])
        let noMethod = try reply(c)
        #expect(noMethod.error?.code == "bad_frame" && noMethod.error?.message.contains("method") == true)
        // The same connection still works.
        try c.send(hello)
        #expect(try reply(c).error == nil)
        try stillServes(d)
    }

    @Test func handshakeVersionUnknownMethodAndParams() throws {
        let d = try Daemon()
        try d.start()
        let c = try raw(d)
        try c.send(Array(#"{"id":"a","method":"case.list"}"#.utf8) + [0x0A])
        let early = try reply(c)
        #expect(early.error?.code == "handshake_required" && early.id == .string("a"))
        try c.send(Array(#"{"id":2,"method":"hello","params":{"protocolVersion":99,"client":"t"}}"#.utf8) + [0x0A])
        #expect(try reply(c).error?.code == "version_mismatch")
        try c.send(hello)
        #expect(try reply(c).error == nil)
        try c.send(Array(#"{"id":3,"method":"case.explode"}"#.utf8) + [0x0A])
        let unknown = try reply(c)
        #expect(unknown.error?.code == "unknown_method" && unknown.id == .number(3) && unknown.error?.message.contains("case.open") == true)
        try c.send(Array(#"{"id":4,"method":"case.open","params":{"kind":"accident","student":"2023010101"}}"#.utf8) + [0x0A])
        let params = try reply(c)
        #expect(params.error?.code == "invalid_params" && params.error?.message.contains("summary") == true)
        try c.send(Array(#"{"id":5,"method":"case.open","params":{"kind":"accident","student":2023010101,"summary":"x"}}"#.utf8) + [0x0A])
        let typed = try reply(c)
        #expect(typed.error?.code == "invalid_params" && typed.error?.message.contains("student") == true)
        try stillServes(d)
    }

    @Test func manyClientsAtOnce() throws {
        let d = try Daemon()
        try d.start()
        let errors = Mutex2()
        // Real threads, not concurrentPerform (which runs as many as there
        // are cores): 16 writers at once is what exercises group commit.
        let group = DispatchGroup()
        for i in 0..<16 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let c = try d.client()
                    for j in 0..<20 {
                        _ = try c.call(Method.caseOpen, CaseOpenParams(kind: "accident", student: "2023010101", summary: "c\(i)-\(j)"), as: CaseRecord.self)
                    }
                } catch { errors.add("\(error)") }
            }.start()
        }
        group.wait()
        #expect(errors.all.isEmpty)
        let ids = try d.client().call(Method.caseList, CaseListParams(limit: 1000), as: CasePage.self).cases.map(\.id)
        #expect(ids.count == 320 && Set(ids).count == 320)
    }
}

final class Mutex2: @unchecked Sendable {
    let lock = NSLock()
    var all: [String] = []
    func add(_ s: String) { lock.lock(); all.append(s); lock.unlock() }
}
