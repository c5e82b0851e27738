import Foundation
import Testing
import LiaisonClient
@testable import LiaisonCore
@testable import LiaisonProtocol

/// Text that is not UTF-8 is refused, by the daemon and by liaisonctl, and
/// never stored with U+FFFD in place of the bytes (issue 12, item 16).
@Suite struct UTF8RequestTests {
    struct AnyReply<R: Decodable>: Decodable {
        var id: RequestID?
        var result: R?
        var error: WireError?
    }

    func reply<R: Decodable>(_ c: LiaisonClient, _: R.Type = CaseRecord.self) throws -> AnyReply<R> {
        try Wire.decoder().decode(AnyReply<R>.self, from: Data(try c.readLine()))
    }

    /// Every string of a case's timeline, to look for replacement characters in.
    func timelineText(_ d: Daemon, _ id: String) throws -> String {
        let o = try d.ctl("case", "show", id, "--json")
        #expect(o.status == 0, "\(o.err)")
        return o.out
    }

    @Test func aNoteWithByte0xFFOnTheWireIsRefusedAndTheConnectionServesOn() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")

        let raw = try LiaisonClient(socketPath: d.socket)
        try raw.send(Array(#"{"id":1,"method":"hello","params":{"protocolVersion":1,"client":"t"}}"#.utf8) + [0x0A])
        #expect(try reply(raw, HelloResult.self).error == nil)

        // A note whose text holds 0xFF between two Chinese characters.
        let head = Array(#"{"id":9,"method":"case.note","params":{"id":"\#(c.id)","text":"家长"#.utf8)
        let frame = head + [0xFF] + Array(#"来电"}}"#.utf8)
        try raw.send(frame + [0x0A])
        let refused = try reply(raw)
        #expect(refused.id == .number(9), "the refusal answers the request it refuses")
        #expect(refused.error?.code == "invalid_input", "\(String(describing: refused.error))")
        let message = refused.error?.message ?? ""
        #expect(message.contains("case.note") && message.contains("not valid UTF-8") && message.contains("0xFF at offset \(head.count)"), "\(message)")

        // A lone surrogate escape names no character either.
        try raw.send(Array(#"{"id":10,"method":"case.note","params":{"id":"\#(c.id)","text":"a\udcffb"}}"#.utf8) + [0x0A])
        let surrogate = try reply(raw)
        #expect(surrogate.error != nil && surrogate.result == nil, "\(surrogate)")

        // The same connection still serves, and a good note is stored.
        try raw.send(Array(#"{"id":11,"method":"case.note","params":{"id":"\#(c.id)","text":"家长来电"}}"#.utf8) + [0x0A])
        let good = try reply(raw)
        #expect(good.error == nil && good.id == .number(11) && good.result?.noteCount == 1, "\(good)")

        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        let notes = detail.events.filter { $0.type == .caseNoted }
        #expect(notes.count == 1 && notes.first?.payload.values.contains("家长来电") == true, "\(notes)")
        #expect(!(try timelineText(d, c.id)).contains("\u{FFFD}"))
    }

    @Test func liaisonctlRefusesAnArgumentThatIsNotUTF8() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        // Bytes straight into argv: Swift's String would have repaired them.
        let script = #"exec "$0" case note "$1" "$(printf '家长\377来电')" "$2""#
        for json in [false, true] {
            let o = try run("/bin/bash", ["-c", script, Binaries.liaisonctl, c.id] + (json ? ["--json"] : ["--socket=\(d.socket)"]),
                            env: ["LIAISON_SOCKET": d.socket])
            #expect(o.status == 1, "\(o)")
            let text = json ? o.out : o.err
            #expect(text.contains("not valid UTF-8") && text.contains("0xFF at offset 6") && text.contains("nothing was sent"), "\(o)")
            if json { #expect(text.contains(#""code" : "invalid_input""#), "\(o.out)") }
        }
        let after = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(after.record.noteCount == 0 && !after.events.contains { $0.type == .caseNoted })
        #expect(!(try timelineText(d, c.id)).contains("\u{FFFD}"))
    }
}
