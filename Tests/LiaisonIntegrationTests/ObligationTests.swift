import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// `liaisonctl obligations` against the real daemon (issue 16.3, P2.2.1,
/// P3.1): on a virtual clock inside a configured term, a fortnightly
/// (special) student is overdue until a contact is logged; a case notice
/// that a receipt says was delivered meets a student's obligation too; the
/// intervals come from the config; pages are explicit; bad filters say
/// what to write.
@Suite(.serialized) struct ObligationTests {
    /// The demo roster on a virtual clock at `start`, in term 2026-2027-1,
    /// the outbox channel delivering with receipts; `obligations`: that key's one line.
    static func daemon(at start: String, obligations: String) throws -> Daemon {
        let d = try Daemon(extra: """
            clock: {virtual: true, start: "\(start)"}
            school:
              terms:
                - {id: 2026-2027-1, start: 2026-09-07, end: 2027-01-15}
            obligations:
              \(obligations)
            """, channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        return d
    }

    @Test func contactsAndDeliveredNoticesMeetTheTermsObligations() throws {
        let d = try Self.daemon(at: "2026-12-08 09:00", obligations: "intervals: {general: term, key: 4w, special: 14d}")
        let first = try d.json(ObligationPage.self, "obligations", "--limit", "1000")
        #expect(first.term == "2026-2027-1" && first.today == "2026-12-08" && first.total == first.obligations.count && first.done == 0)
        let special = try #require(first.obligations.first { $0.tier == .special })
        #expect(special.status == .overdue && special.interval == "14d" && special.dueBy == "2026-12-13" && special.missedPeriods == 6, "\(special)")
        #expect(first.obligations.first { $0.tier == .key }?.interval == "28d")
        let general = try #require(first.obligations.first { $0.tier == .general })
        #expect(general.status == .due && general.dueBy == "2027-01-15")
        // Most urgent first.
        #expect(first.obligations.first?.status == .overdue && first.obligations.last?.status == .due)

        // A logged call meets the special student's fortnight.
        let detail = try d.json(StudentDetail.self, "student", "show", special.studentID)
        let guardian = try #require(detail.guardians.first)
        let logged = try d.ctl("contact", "log", "--student", special.studentID, "--guardian", guardian.id, "--channel", "phone",
                               "--topics", "wellbeing", "--summary", "近况良好")
        #expect(logged.status == 0, "\(logged.err)")
        let after = try d.json(ObligationPage.self, "obligations", "--limit", "1000")
        let met = try #require(after.obligations.first { $0.studentID == special.studentID })
        #expect(met.status == .done && met.satisfiedBy?.source.hasPrefix("contact ") == true && met.nextDue == "2026-12-27", "\(met)")
        #expect(after.done == 1 && after.overdue == first.overdue - 1)

        // A general student's accident: the notices delivered (the outbox's receipts) meet the term's contact.
        let other = try #require(after.obligations.first { $0.tier == .general && $0.status == .due })
        let opened = try d.ctl("case", "open", "accident", "--student", other.studentID, "--summary", "体育课扭伤")
        #expect(opened.status == 0, "\(opened.err)")
        let noticed = try Eventually.value("\(other.studentID)'s delivered notice counted") { () -> Obligation? in
            let page = try d.json(ObligationPage.self, "obligations", "--limit", "1000")
            return page.obligations.first { $0.studentID == other.studentID && $0.status == .done }
        }
        #expect(noticed.satisfiedBy?.source.hasPrefix("message ") == true && noticed.nextDue == nil, "\(noticed)")

        // Filters and pages.
        let overdue = try d.json(ObligationPage.self, "obligations", "--overdue", "--tier", "special", "--limit", "2")
        #expect(overdue.obligations.count == min(2, overdue.total) && overdue.obligations.allSatisfy { $0.status == .overdue && $0.tier == .special })
        // The demo roster has more than two special students overdue: a second page, none of the first's.
        #expect(overdue.total > 2)
        let next = try #require(overdue.next)
        let page2 = try d.json(ObligationPage.self, "obligations", "--overdue", "--tier", "special", "--limit", "2", "--after", next)
        #expect(!page2.obligations.isEmpty && Set(page2.obligations.map(\.studentID)).isDisjoint(with: overdue.obligations.map(\.studentID)))
        let table = try d.ctl("obligations", "--tier", "special", "--limit", "3")
        #expect(table.status == 0 && table.out.contains("term 2026-2027-1, today 2026-12-08") && table.out.contains("special 特殊")
                && table.out.contains("overdue 逾期") && table.out.contains("next page: --after"), "\(table.out)")
        let bad = try d.ctl("obligations", "--due-within", "soon")
        #expect(bad.status != 0 && bad.err.contains("--due-within \"soon\" is not a number of days; write 7d or 2w"), "\(bad.err)")
        let zero = try d.ctl("obligations", "--limit", "0")
        #expect(zero.status != 0 && zero.err.contains("limit 0 is out of range; ask for 1 to 1000 students a page"), "\(zero.err)")
        let badTerm = try d.ctl("obligations", "--term", "2026")
        #expect(badTerm.status != 0 && badTerm.err.contains("\"2026\" is not a term"), "\(badTerm.err)")
    }
}

/// `obligations --unreachable` (issue 16.3, P2.1.1): a guardian with nothing
/// on file a channel can use, and one whose last message failed on every
/// route (no channel runs here), are listed for the counselor to fix; one
/// reachable guardian is not.
@Suite struct UnreachableGuardianTests {
    @Test func guardiansNoMessageCanReachAreListed() throws {
        let d = try Daemon(demo: false, channels: "")
        try d.start()
        let guardians = """
            guardian_id,student_id,name,relation,phone,wechat,qq,address,preference
            G1,2023010101,张建国,父亲,13900000001,,,,
            G3,2023010102,欧阳海,父亲,13900000003,,,,
            G4,2023010102,欧阳梅,母亲,,,,,

            """
        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", guardians), try d.write("staff.csv", Fixtures.staff)]
        let imported = try d.ctl(["roster", "import"] + files)
        #expect(imported.status == 0, "\(imported.out)\(imported.err)")
        let before = try d.json(UnreachablePage.self, "obligations", "--unreachable")
        #expect(before.guardians.map(\.guardianID) == ["G4"] && before.guardians.first?.reason == .noRoute && before.total == 1, "\(before)")

        // No channel runs: the accident's notice to 张建国 fails on every route.
        let opened = try d.ctl("case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        #expect(opened.status == 0, "\(opened.err)")
        let after = try Eventually.value("G1's failed notice listed") { () -> UnreachablePage? in
            let page = try d.json(UnreachablePage.self, "obligations", "--unreachable")
            return page.guardians.contains { $0.guardianID == "G1" } ? page : nil
        }
        let g1 = try #require(after.guardians.first { $0.guardianID == "G1" })
        #expect(g1.reason == .everyRouteFailed && g1.messageID != nil && g1.studentName == "张三" && !after.guardians.contains { $0.guardianID == "G3" },
                "\(after)")
        let table = try d.ctl("obligations", "--unreachable")
        #expect(table.status == 0 && table.out.contains("no phone, WeChat, QQ or address on file") && table.out.contains("every route of the last message failed")
                && table.out.contains("2 of 2 unreachable guardians"), "\(table.out)")
        // Pages are explicit.
        let first = try d.json(UnreachablePage.self, "obligations", "--unreachable", "--limit", "1")
        let rest = try d.json(UnreachablePage.self, "obligations", "--unreachable", "--limit", "1", "--after", try #require(first.next))
        #expect(first.total == 2 && rest.guardians.count == 1 && rest.next == nil && rest.guardians[0].guardianID != first.guardians[0].guardianID)
    }
}

/// The daily digest (issue 16.3): on a working day at `obligations.digest_at`
/// every counselor whose students are owed a contact gets one staff message
/// (the counts, the most overdue by name), delivered through the staff
/// channel; once a day whatever the clock does, none on a weekend.
@Suite struct ObligationDigestTests {
    @Test func eachCounselorIsToldOnceAWorkingDay() throws {
        let d = try ObligationTests.daemon(at: "2026-12-08 07:00", obligations: "digest_at: \"08:00\"")
        func digests(_ ms: [Message]) -> [Message] { ms.filter { $0.topic == ObligationDigest.topic } }
        #expect(digests(try d.json([Message].self, "message", "list", "--limit", "5000")).isEmpty, "none before 08:00")

        #expect(try d.ctl("clock", "set", "2026-12-08 08:30").status == 0)
        let counselors = try d.json(StaffPage.self, "staff", "list", "--role", "counselor", "--limit", "1000").staff
        let owed = Set(try counselors.filter { c in
            try d.json(ObligationPage.self, "obligations", "--counselor", c.id, "--limit", "1").total > 0
        }.map(\.id))
        #expect(!owed.isEmpty)
        let sent = digests(try d.messages { ms in
            let x = ms.filter { $0.topic == ObligationDigest.topic }
            return x.count == owed.count && x.allSatisfy { $0.state == .delivered }
        })
        #expect(Set(sent.map(\.recipientID)) == owed && sent.allSatisfy { $0.state == .delivered && $0.purpose == .staffNotice }, "\(sent.map { "\($0.recipientID) \($0.state)" })")
        let t0101 = try #require(sent.first { $0.recipientID == "T0101" })
        let page = try d.json(ObligationPage.self, "obligations", "--counselor", "T0101", "--limit", "1")
        #expect(t0101.body.contains("2026-12-08") && t0101.body.contains("逾期 \(page.overdue) 人") && t0101.body.contains("最需联系：")
                && t0101.body.contains("liaisonctl obligations") && t0101.body.contains(page.obligations[0].studentName), "\(t0101.body)")

        // Later the same day, and on Saturday: nothing more.
        #expect(try d.ctl("clock", "set", "2026-12-08 17:00").status == 0)
        #expect(try d.ctl("clock", "set", "2026-12-12 09:00").status == 0)
        #expect(digests(try d.json([Message].self, "message", "list", "--limit", "5000")).count == owed.count)
        // Monday: the new day's.
        #expect(try d.ctl("clock", "set", "2026-12-14 08:05").status == 0)
        let monday = try d.messages { ms in ms.filter { $0.topic == ObligationDigest.topic }.count == 2 * owed.count }
        #expect(digests(monday).filter { $0.body.contains("2026-12-14") }.count == owed.count)
    }
}
