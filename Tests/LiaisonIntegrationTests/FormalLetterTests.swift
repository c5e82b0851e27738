import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// The college's formal notice to the parents of a sanctioned student
/// (POLICY P2.2.2, P1.3): the sanction rulebook's formal-document step sends
/// `sanction-notice`, a topic that goes by letter only, so the sanction
/// itself (the case summary) reaches the parents in a sealed letter and in
/// no SMS or chat message. One letter a household (issue 12): the demo
/// student's parents live at one address and get one letter naming both.
@Suite(.serialized) struct FormalLetterTests {
    @Test func aSanctionsFormalNoticeGoesByLetterOnlyWithTheSanctionInIt() throws {
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        // SMS, WeChat and QQ go to the outbox; letters to the letter channel.
        try d.configure(LetterTests.lettersAndOutbox(spool: spool, outbox: d.outboxDirectory))
        try d.start()
        let guardians = try d.json(StudentDetail.self, "student", "show", "2023010101").guardians
        let sanction = "多次替考，依据《学生违纪处分办法》给予开除学籍处分"
        let c = try d.json(CaseRecord.self, "case", "open", "sanction", "--student", "2023010101", "--summary", sanction, "--level", "开除学籍")
        #expect(c.rulebookVersion == 4 && c.facts.sanctionLevel == .expulsion)

        // The notice goes by each guardian's own channel; once the parents are
        // told, the formal document becomes due and goes by letter.
        _ = try d.messages(["--case", c.id]) { ms in ms.filter { $0.topic == "incident-notice" }.allSatisfy { $0.state == .delivered } }
        _ = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "父亲", "--outcome", "spoke", "--channel", "phone")
        // The demo roster's parents share their address: one household, one letter.
        let households = Set(guardians.map { Household.normalize($0.address) }).count
        #expect(guardians.count == 2 && households == 1, "the demo student 2023010101 has two parents at one address: \(guardians)")
        let letters = try d.messages(["--case", c.id]) { ms in
            let l = ms.filter { $0.topic == "sanction-notice" }
            return l.count == households && l.allSatisfy { $0.state == .sent }
        }.filter { $0.topic == "sanction-notice" }
        #expect(letters.count == households && letters.allSatisfy { $0.state == .sent && $0.channel == "letter" },
                "\(letters.map { "\($0.channel) \($0.state) \($0.note)" })")
        let both = guardians.map(\.name).joined(separator: "、")
        #expect(letters.first?.recipientName == both && letters.first?.recipientID == guardians.map(\.id).joined(separator: "+")
                && letters.first?.idempotencyKey == "notify:\(c.id):formal-document:\(guardians.map(\.id).joined(separator: "+"))",
                "\(letters.map { "\($0.recipientID) \($0.recipientName) \($0.idempotencyKey)" })")
        // Only the letter (and, failing that, a phone call) was ever a route.
        #expect(letters.allSatisfy { $0.routes.allSatisfy { $0.via == "letter" || $0.via == "phone" } && $0.routes.first?.via == "letter" },
                "\(letters.map(\.routes))")

        let records = try LetterTests.records(spool).filter { $0.topic == "sanction-notice" }
        #expect(records.count == households)
        for r in records {
            #expect(r.title == "关于学生违纪处分的告知书" && r.closing == "特此告知。" && r.body.contains(sanction), "\(r.title) \(r.body)")
            #expect(r.recipientName == both && r.addressee == "尊敬的\(both)家长：", "\(r.recipientName) \(r.addressee)")
            let text = try LetterTests.text(r.pdf)
            #expect(text.contains(LetterTests.squeeze(sanction)) && text.contains(LetterTests.squeeze(r.docNumber))
                    && text.contains("尊敬的\(both)家长：") && text.contains("收件：\(both)"), "\(text)")
        }
        // The sanction is in no outbox file: no SMS or chat message carried it.
        let files = try FileManager.default.contentsOfDirectory(atPath: d.outboxDirectory)
        #expect(!files.isEmpty)
        for f in files {
            #expect(!(try String(contentsOfFile: "\(d.outboxDirectory)/\(f)", encoding: .utf8)).contains("替考"), "\(f)")
        }
        // A letter a crash left half-done (its record there, its key never
        // written) is not printed: the retry made the letter again.
        let real = try #require(records.first)
        let campaignDir = (real.pdf as NSString).deletingLastPathComponent
        let orphan = try String(contentsOfFile: "\(campaignDir)/\(real.serial).json", encoding: .utf8)
            .replacingOccurrences(of: real.serial, with: "LJ01-\(real.year)-999999")
        try orphan.write(toFile: "\(campaignDir)/LJ01-\(real.year)-999999.json", atomically: true, encoding: .utf8)
        let out = d.dir.appendingPathComponent("batch.pdf").path
        let batch = try d.ctl("letter", "batch", "--campaign", real.campaign, "--spool", spool, "--output", out)
        #expect(batch.status == 0 && batch.out.contains("merged \(households) letters"), "\(batch.out)\(batch.err)")
        #expect(batch.err.contains("left out 1 unfinished letter") && batch.err.contains("999999"), "\(batch.err)")
        #expect(try !LetterTests.text(out).contains("999999"))

        // The step stays open: a letter in the post is not yet delivered.
        let step = try d.json(CaseDetail.self, "case", "show", c.id).record.steps.first { $0.id == "formal-document" }
        #expect(step?.status == .pending, "\(String(describing: step))")
    }
}
