import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// Issue 12, letters (POLICY P2.2.2, P2.2.1, P3.2), through the real daemon,
/// host and letter plugin: a formal notice is one letter a household, naming
/// the guardians at that address together; a postal address of several
/// lines prints whole; and every letter sent counts as a contact of kind
/// letter with the student's parents.
@Suite(.serialized) struct HouseholdLetterTests {
    /// Two parents at one address written two ways (a CRLF, a trailing
    /// space, a blank last line), a grandmother elsewhere, an uncle without
    /// an address; and the fixture's father whose address spans two lines.
    static let guardians = "guardian_id,student_id,name,relation,phone,wechat,qq,address,preference\n"
        + "G1,2023010101,张建国,父亲,13900000001,zhangjg,,\"云南省丽江市古城区\n七一街1号\",wechat>phone\n"
        + "G2,2023010101,刘芳,母亲,13900000002,,12345678,\"云南省丽江市古城区 \r\n七一街1号\r\n\",phone>qq\n"
        + "G5,2023010101,张桂兰,祖母,13900000005,,,云南省昆明市五华区3号,\n"
        + "G6,2023010101,张志强,叔叔,13900000006,,,,\n"
        + "G3,2023010102,欧阳海,父亲,13900000003,,,,\n"
        + "G4,2023010201,李大山,父亲,0888-5123456,,,\"云南省大理市\n下关镇2号\",letter>phone\n"

    static func start(_ d: Daemon, spool: String) throws {
        try d.configure(LetterTests.lettersAndOutbox(spool: spool, outbox: d.outboxDirectory))
        try d.start()
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", guardians),
                     try d.write("staff.csv", Fixtures.staff)]
        let imported = try d.ctl(["roster", "import"] + files)
        #expect(imported.status == 0, "\(imported.out)\(imported.err)")
    }

    /// The lines pdftotext reads, as printed (not squeezed).
    static func lines(_ pdf: String) throws -> [String] {
        let o = try run("/usr/bin/pdftotext", ["-enc", "UTF-8", pdf, "-"])
        #expect(o.status == 0, "pdftotext: \(o.err)")
        return o.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The record block names `name` after 收件：, then the address, each of
    /// its lines ending a printed line, in order (pdftotext may or may not
    /// split the name from the first line).
    static func printedOnLines(_ lines: [String], to name: String, _ address: [String]) -> Bool {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("收件：\(name)") }) else {
            Issue.record("no 收件：\(name) line in \(lines)")
            return false
        }
        guard let first = lines[start...].firstIndex(where: { $0.hasSuffix(address[0]) }),
              Array(lines[first..<min(lines.count, first + address.count)]).enumerated().allSatisfy({ i, l in i == 0 || l == address[i] }) else {
            Issue.record("the address \(address) is not printed a line of it a line after 收件：\(name) in \(lines)")
            return false
        }
        return true
    }

    @Test func aFormalNoticeIsOneLetterPerHouseholdAndEachLetterSentIsAContact() throws {
        let d = try Daemon(demo: false, channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try Self.start(d, spool: spool)
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").contactsThisTerm == 0)

        let sanction = "多次替考，依据《学生违纪处分办法》给予开除学籍处分"
        let c = try d.json(CaseRecord.self, "case", "open", "sanction", "--student", "2023010101", "--summary", sanction, "--level", "开除学籍")
        // The incident notice is a topic of every channel: one message a guardian, as before.
        let notices = try d.messages(["--case", c.id]) { ms in
            let n = ms.filter { $0.topic == "incident-notice" }
            return n.count == 4 && n.allSatisfy { $0.state == .delivered }
        }.filter { $0.topic == "incident-notice" }
        #expect(notices.map(\.recipientID).sorted() == ["G1", "G2", "G5", "G6"], "\(notices.map(\.recipientID))")
        // Messages by SMS or chat are not contacts a counselor made (only letters are recorded by the system).
        #expect(try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101").isEmpty)

        _ = try d.json(CaseRecord.self, "case", "step", c.id, "notify-parents", "--guardian", "父亲", "--outcome", "spoke", "--channel", "phone")
        let letters = try d.messages(["--case", c.id]) { ms in
            let l = ms.filter { $0.topic == "sanction-notice" }
            return l.count == 3 && l.allSatisfy { $0.state == .sent || $0.state == .failed }
        }.filter { $0.topic == "sanction-notice" }.sorted { $0.recipientID < $1.recipientID }

        // The parents' letter, the grandmother's, and the uncle's message with no address.
        #expect(letters.map(\.recipientID) == ["G1+G2", "G5", "G6"], "\(letters.map(\.recipientID))")
        #expect(letters.map(\.idempotencyKey) == ["G1+G2", "G5", "G6"].map { "notify:\(c.id):formal-document:\($0)" })
        let parents = try #require(letters.first)
        #expect(parents.recipientName == "张建国、刘芳" && parents.state == .sent && parents.channel == "letter", "\(parents)")
        // The letter goes to the one address, whole; a phone call to either parent is the last resort.
        #expect(parents.routes == [MessageRoute(via: "letter", address: "云南省丽江市古城区\n七一街1号"),
                                   MessageRoute(via: "phone", address: "+8613900000001"), MessageRoute(via: "phone", address: "+8613900000002")],
                "\(parents.routes)")
        #expect(letters[1].state == .sent && letters[1].recipientName == "张桂兰")
        // Without an address the uncle's notice falls to the counselor's phone:
        // the step's call-at-once task (no letter can prove delivery) names his number.
        #expect(letters[2].state == .failed && letters[2].routes.allSatisfy { $0.via == "phone" } && letters[2].note.contains("phone-call task"),
                "\(letters[2])")
        let tasks = try d.json([PersonTask].self, "task", "list", "--case", c.id)
        #expect(tasks.contains { $0.stepID == "formal-document" && $0.kind == "phone-call" && $0.text.contains("张志强 13900000006") },
                "\(tasks.map(\.text))")

        // One PDF for the household, addressed to both, the address's two lines printed.
        let records = try LetterTests.records(spool).filter { $0.topic == "sanction-notice" }
        #expect(records.count == 2)
        let r = try #require(records.first { $0.key == parents.idempotencyKey })
        #expect(r.serial == parents.providerID && r.recipientName == "张建国、刘芳" && r.addressee == "尊敬的张建国、刘芳家长："
                && r.postalAddress == "云南省丽江市古城区\n七一街1号", "\(r.recipientName) \(r.addressee) \(r.postalAddress)")
        let text = try LetterTests.text(r.pdf)
        #expect(text.contains("尊敬的张建国、刘芳家长：") && text.contains("收件：张建国、刘芳云南省丽江市古城区七一街1号"), "\(text)")
        #expect(Self.printedOnLines(try Self.lines(r.pdf), to: "张建国、刘芳", ["云南省丽江市古城区", "七一街1号"]))

        // Each letter sent is a contact of kind letter, recorded by the system
        // with the serial, naming the guardians; the sanction is not in it.
        let contacts = try d.json([ContactRecord].self, "contact", "list", "--student", "2023010101")
        #expect(contacts.count == 2, "\(contacts)")
        for m in letters.prefix(2) {
            let k = contacts.first { $0.guardianID == m.recipientID }
            #expect(k?.channel == .letter && k?.recordedBy == "system" && k?.topics == [.sanction]
                    && k?.summary.contains(m.providerID) == true && k?.summary.contains("sanction-notice") == true
                    && k?.summary.contains(c.id) == true && k?.summary.contains("替考") == false, "\(String(describing: k))")
        }
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010101").contactsThisTerm == 2)
        let listed = try d.ctl("contact", "list", "--student", "2023010101")
        #expect(listed.out.contains("G1+G2") && listed.out.contains("信函") && listed.out.contains("system"), "\(listed.out)")
    }

    @Test func aPostalAddressOfSeveralLinesReachesTheLetterWhole() throws {
        let d = try Daemon(demo: false, channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try Self.start(d, spool: spool)
        // 李大山 prefers letters; his address is two lines in the roster.
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010201", "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in
            let g = ms.filter { $0.recipientRole == "guardian" }
            return g.count == 2 && g.allSatisfy { $0.state == .sent || $0.state == .failed }
        }.filter { $0.recipientRole == "guardian" }
        #expect(ms.count == 2 && ms.allSatisfy { $0.state == .sent && $0.channel == "letter" && $0.recipientID == "G4" },
                "\(ms.map { "\($0.topic) \($0.state) \($0.note)" })")
        #expect(ms.allSatisfy { $0.routes.first == MessageRoute(via: "letter", address: "云南省大理市\n下关镇2号") }, "\(ms.map(\.routes))")
        let records = try LetterTests.records(spool)
        #expect(records.count == 2)
        for r in records {
            #expect(r.postalAddress == "云南省大理市\n下关镇2号", "\(r.postalAddress)")
            #expect(try LetterTests.text(r.pdf).contains("收件：李大山云南省大理市下关镇2号"))
            #expect(Self.printedOnLines(try Self.lines(r.pdf), to: "李大山", ["云南省大理市", "下关镇2号"]))
        }
        // Two letters, two contacts; what each is about comes from the topic
        // (campus-invitation: invitation) or else the case kind (an accident: wellbeing).
        let contacts = try d.json([ContactRecord].self, "contact", "list", "--student", "2023010201")
        #expect(contacts.count == 2 && contacts.allSatisfy { $0.channel == .letter && $0.guardianID == "G4" && $0.recordedBy == "system" })
        #expect(Set(contacts.map(\.topics)) == [[.wellbeing], [.invitation]], "\(contacts.map(\.topics))")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010201").contactsThisTerm == 2)
    }
}
