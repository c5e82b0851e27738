import Foundation
import Testing
@testable import LiaisonCore

/// Issue 12, letters: households (one formal letter to the guardians at one
/// address), addresses of several lines kept whole in the outbox, and the
/// contact a sent letter counts as (P2.2.2, P2.2.1, P3.2).
@Suite struct HouseholdTests {
    func g(_ id: String, _ name: String, _ address: String) -> Guardian {
        Guardian(id: id, studentID: "S1", name: name, relation: id == "G1" ? "父亲" : "母亲", phone: "1390000000\(id.last!)", address: address)
    }

    @Test func guardiansAtOneAddressAreOneHouseholdAndThoseWithoutOneAreAlone() {
        let hs = Household.group([g("G1", "张建国", "云南省丽江市\n七一街1号"), g("G2", "刘芳", " 云南省丽江市 \r\n七一街1号\r\n\r\n"),
                                  g("G3", "张奶奶", "云南省昆明市3号"), g("G4", "张叔", ""), g("G5", "张婶", "  ")])
        #expect(hs.map(\.recipientID) == ["G1+G2", "G3", "G4", "G5"])
        #expect(hs[0].names == "张建国、刘芳" && hs[0].relations == "父亲、母亲" && hs[0].address == "云南省丽江市\n七一街1号")
        #expect(hs[2].address.isEmpty && hs[3].address.isEmpty, "no address: each alone")
        #expect(Household.guardianIDs("G1+G2") == ["G1", "G2"] && Household.guardianIDs("G7") == ["G7"])
        // Another spelling is another household: nothing is guessed.
        #expect(Household.group([g("G1", "a", "七一街1号"), g("G2", "b", "七一街一号")]).count == 2)
    }

    @Test func aMultiLineAddressSurvivesTheRoutesColumn() {
        let routes = [MessageRoute(via: "letter", address: "云南省大理市\n下关镇2号\r\n"), MessageRoute(via: "letter", address: #"a\b\nc"#),
                      MessageRoute(via: "phone", address: "0888-5123456")]
        let text = MessageRoute.encode(routes)
        #expect(text.split(separator: "\n").count == 3, "one route a line: \(text)")
        #expect(MessageRoute.decode(text) == routes)
        // A row written before addresses were escaped, with a stray backslash, reads as it was.
        #expect(MessageRoute.decode(#"letter=C:\路1号"#) == [MessageRoute(via: "letter", address: #"C:\路1号"#)])
    }

    @Test func aSentLetterIsAContactNamingItsSerialNotItsText() {
        var m = Message(purpose: .caseNotice, caseID: "C2026-0001", stepID: "formal-document", recipientRole: "guardian", recipientID: "G1+G2", recipientName: "张建国、刘芳",
                        topic: "sanction-notice", urgent: false, fields: ["student_name": "张三", "summary": "多次替考"], routes: [],
                        body: "多次替考", idempotencyKey: "k", createdAt: Date())
        m.id = 7
        let t = MessageTemplate(topic: "sanction-notice", policy: ["P2.2.2", "P1.3"], urgent: false, subject: "关于{student_name}同学违纪处分的告知书",
                                fields: [.studentName, .summary], texts: ["letter": "{summary}", "default": "x"], channels: ["letter"],
                                contactTopics: [.sanction], source: "t")
        let cal = SchoolCalendar()
        let at = cal.parse("2027-03-01 09:30")!
        let e = LetterContact.event(m, studentID: "S1", kind: .sanction, template: t, serial: "LJ01-2027-000003", now: at, calendar: cal)
        #expect(e.type == .contactLogged && e.actor == "system" && e.studentID == "S1")
        #expect(e.payload["guardian"] == "G1+G2" && e.payload["channel"] == "letter" && e.payload["topics"] == "sanction" && e.payload["term"] == "2026-2027-2")
        let summary = e.payload["summary"] ?? ""
        #expect(summary.contains("LJ01-2027-000003") && summary.contains("sanction-notice") && summary.contains("关于张三同学违纪处分的告知书")
                && !summary.contains("替考"), "\(summary)")
        #expect(["P2.2.1", "P3.2", "P2.2.2"].allSatisfy(e.policy.contains), "\(e.policy)")
        // Without contact_topics, the case kind says what it was about.
        var plain = t
        plain.contactTopics = []
        #expect(LetterContact.event(m, studentID: "S1", kind: .accident, template: plain, serial: "s", now: at, calendar: cal).payload["topics"] == "wellbeing")
    }
}
