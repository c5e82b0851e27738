import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// A letter is dated by the daemon's clock, not the host's (issue 12): in a
/// rehearsal on a virtual clock, the letter of a case opened on a day years
/// ahead bears that day (成文日期), its serial that year, its campaign that
/// term, and the contact it counts as falls in that term (P2.2.1).
@Suite(.serialized) struct LetterDateTests {
    @Test func aLetterBearsTheDaemonsDateOnAVirtualClock() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        // March 2nd, three years ahead: far from the host's date, in a spring term.
        let year = cal.component(.year, from: Date()) + 3
        let d = try Daemon(extra: "clock: virtual", channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(LetterTests.channel(spool: spool))
        try d.start()
        let set = try d.ctl("clock", "set", "\(year)-03-02 09:30")
        #expect(set.status == 0, "\(set.out)\(set.err)")

        // Only letters are served: both messages to each guardian go by letter.
        let (c, ms, guardians) = try LetterTests.openCase(d, student: "2023010101")
        #expect(!ms.isEmpty && ms.allSatisfy { $0.state == .sent && $0.channel == "letter" }, "\(ms.map { "\($0.state) \($0.note)" })")
        let records = try LetterTests.records(spool)
        #expect(records.count == ms.count)
        let date = "\(year)年3月2日"
        for r in records {
            #expect(r.date == date && r.year == "\(year)" && r.serial.hasPrefix("LJ01-\(year)-") && r.docNumber.hasPrefix("丽文旅家〔\(year)〕")
                    && r.campaign == "\(r.topic)-\(year - 1)-\(year)-2", "\(r.date) \(r.serial) \(r.docNumber) \(r.campaign)")
            let text = try LetterTests.text(r.pdf)
            #expect(text.contains(date), "\(date) is not in \(r.pdf):\n\(text)")
            #expect(!text.contains(LetterTests.chineseDate()), "the host's date is in \(r.pdf)")
            let sentAt = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: (r.pdf as NSString).deletingPathExtension + ".json"))) as? [String: Any]
            #expect((sentAt?["sent_at"] as? String)?.hasPrefix("\(year)-03-02T09:30") == true, "\(String(describing: sentAt?["sent_at"]))")
        }

        // Each letter counts as a contact, in the term of the daemon's clock.
        let contacts = try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101")
        #expect(contacts.count == ms.count && contacts.allSatisfy { $0.term == "\(year - 1)-\(year)-2" && $0.channel == .letter }, "\(contacts)")
        #expect(Set(contacts.map(\.guardianID)) == Set(guardians.map(\.id)))
        #expect(contacts.allSatisfy { k in ms.contains { k.summary.contains($0.providerID) && k.summary.contains(c.id) } }, "\(contacts.map(\.summary))")
        let detail = try d.json(StudentDetail.self, "student", "show", "2023010101")
        #expect(detail.term == "\(year - 1)-\(year)-2" && detail.contactsThisTerm == ms.count, "\(detail.term) \(detail.contactsThisTerm)")
    }

    /// The daemon's calendar names the term, not the plugin's guess
    /// (issue 16.1): on January 20th, after the autumn term's last day,
    /// school.terms counts the day for the spring term, where the month
    /// alone would say the autumn one; the letter's campaign, the contact
    /// and `calendar show` all say the same term.
    @Test func aLetterIsFiledUnderTheConfiguredTerm() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let year = cal.component(.year, from: Date()) + 3
        let (autumn, spring) = ("\(year - 1)-\(year)-1", "\(year - 1)-\(year)-2")
        let d = try Daemon(extra: """
            clock: virtual
            school:
              terms:
                - {id: \(autumn), start: \(year - 1)-09-07, end: \(year)-01-15}
                - {id: \(spring), start: \(year)-03-01, end: \(year)-07-09}
              vacations:
                - {id: \(year)-winter, kind: winter, start: \(year)-01-16, end: \(year)-02-28}
            """, channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(LetterTests.channel(spool: spool))
        try d.start()
        let set = try d.ctl("clock", "set", "\(year)-01-20 09:30")
        #expect(set.status == 0, "\(set.out)\(set.err)")

        let view = try d.json(CalendarView.self, "calendar", "show")
        #expect(view.currentTerm == spring && view.configured && view.vacationToday == "\(year)-winter" && view.today == "\(year)-01-20",
                "\(view)")
        #expect(view.terms.map(\.id) == [autumn, spring] && view.terms.map(\.current) == [false, true])

        let (_, ms, _) = try LetterTests.openCase(d, student: "2023010101")
        let records = try LetterTests.records(spool)
        #expect(!records.isEmpty && records.count == ms.count)
        for r in records { #expect(r.campaign == "\(r.topic)-\(spring)", "\(r.campaign)") }
        let contacts = try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101")
        #expect(contacts.count == ms.count && contacts.allSatisfy { $0.term == spring }, "\(contacts.map(\.term))")
    }
}
