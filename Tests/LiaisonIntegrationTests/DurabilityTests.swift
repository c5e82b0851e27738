import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

@Suite struct DurabilityTests {
    @Test func aRestartKeepsEverything() throws {
        let d = try Daemon()
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "suspension", "--student", "2023010101", "--summary", "因病申请休学")
        #expect(try d.ctl("case", "note", c.id, "家长同意").status == 0)
        #expect(try d.ctl("contact", "log", "--student", "2023010101", "--guardian", "父亲", "--channel", "wechat",
                          "--topics", "study", "--summary", "告知休学手续").status == 0)
        #expect(d.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket), "a clean stop removes the socket")
        try d.start()
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(detail.record == c.with { $0.noteCount = 1; $0.updatedAt = detail.record.updatedAt })
        #expect(detail.events.count == 2)
        #expect(try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101").count == 1)
        // The demo roster is loaded once, not again on restart.
        #expect(try d.json(StudentPage.self, "student", "list").total == 320)
        #expect(d.log.components(separatedBy: "loaded the demo roster").count == 2)
    }

    @Test func killNineRightAfterCaseOpenLosesNothing() throws {
        let d = try Daemon()
        try d.start()
        var opened: [String] = []
        for i in 0..<5 {
            opened.append(try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "事故 \(i)").id)
        }
        d.kill9()
        // The socket file of the dead daemon is still there: stale, and replaced.
        #expect(FileManager.default.fileExists(atPath: d.socket))
        try d.start()
        let ids = try d.json(CasePage.self, "case", "list").cases.map(\.id)
        #expect(Set(ids) == Set(opened))
        // Sealed (the default): every acknowledged summary opens whole after the kill.
        #expect(try d.json(KeyStatus.self, "key", "status").sealing)
        for (i, id) in opened.enumerated() { #expect(try d.json(CaseDetail.self, "case", "show", id).record.summary == "事故 \(i)") }
    }
}

extension CaseRecord {
    func with(_ change: (inout CaseRecord) -> Void) -> CaseRecord {
        var c = self
        change(&c)
        return c
    }
}
