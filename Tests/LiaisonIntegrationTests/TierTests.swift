import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// A tier set in Liaison (issue 16.2, P3.1): with its reasons, by those who
/// answer for the student, audited; it changes how often the parents are
/// owed a contact; a later students.csv still saying the old tier does not
/// undo it (kept, with the warning tier_kept), a later tier record does.
@Suite struct TierTests {
    @Test func aTierSetInLiaisonStandsUntilALaterRecord() throws {
        let d = try Daemon(demo: false, extra: "clock: {virtual: true, start: \"2026-12-08 09:00\"}", channels: "")
        try d.start()
        let files = try d.importFixtures()
        // 欧阳娜娜 is general in students.csv: once a term.
        let before = try d.json(ObligationPage.self, "obligations")
        #expect(before.obligations.first { $0.studentID == "2023010102" }?.interval == "term")

        let empty = try d.ctl("student", "tier", "2023010102", "--set", "special")
        #expect(empty.status != 0 && empty.err.contains("--reason is empty"), "\(empty.err)")
        let set = try d.json(StudentTier.self, "student", "tier", "2023010102", "--set", "特殊", "--reason", "家庭变故；需经济资助")
        #expect(set.tier == .special && set.history.count == 1 && set.history[0].reasons == "家庭变故；需经济资助"
                && set.history[0].date == "2026-12-08" && set.history[0].document == TierChange.source, "\(set)")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010102").student.tier == .special)
        let again = try d.ctl("student", "tier", "2023010102", "--set", "special", "--reason", "x")
        #expect(again.status != 0 && again.err.contains("is already special"), "\(again.err)")
        // Now fortnightly.
        #expect(try d.json(ObligationPage.self, "obligations").obligations.first { $0.studentID == "2023010102" }?.interval == "14d")
        // Audited as a change, with the events.
        let audit = try d.json(AuditPage.self, "audit", "list", "--student", "2023010102")
        #expect(audit.entries.contains { $0.action == .tierSet && $0.actor == "root" && $0.detail.contains("events") }, "\(audit.entries.map(\.action))")

        // The same students.csv again (it still says 一般): the tier set here is kept, and the import says so.
        let reimport = try d.ctl(["roster", "import"] + files)
        #expect(reimport.status == 0 && reimport.out.contains("tier_kept") && reimport.out.contains("set in Liaison on 2026-12-08"), "\(reimport.out)\(reimport.err)")
        #expect(try d.json(StudentDetail.self, "student", "show", "2023010102").student.tier == .special)

        // A later tier record from the SIS replaces it.
        #expect(try d.ctl("clock", "set", "2026-12-20 09:00").status == 0)
        let records = try d.write("records.csv", "student_id,kind,title,level,date,reasons\n2023010102,tier,,general,2026-12-18,资助已落实\n")
        let later = try d.ctl(["roster", "import"] + files + ["--records", records])
        #expect(later.status == 0 && !later.out.contains("tier_kept"), "\(later.out)\(later.err)")
        let shown = try d.json(StudentTier.self, "student", "tier", "2023010102")
        #expect(shown.tier == .general && shown.history.map(\.level) == ["special", "general"], "\(shown)")
        let table = try d.ctl("student", "tier", "2023010102")
        #expect(table.out.contains("special 特殊") && table.out.contains("Liaison") && table.out.contains("records.csv"), "\(table.out)")
    }
}

/// A case may propose a tier (issue 16.2): a psychological crisis proposes
/// special for a student of a lower tier; the counselor confirms it.
@Suite struct ProposedTierTests {
    @Test func aCrisisProposesTheSpecialTier() throws {
        let d = try Daemon(demo: false, channels: "")
        try d.start()
        _ = try d.importFixtures()
        let opened = try d.ctl("case", "open", "psychological-crisis", "--student", "2023010101", "--summary", "情绪低落，有自伤念头")
        #expect(opened.status == 0 && opened.out.contains("proposed tier: special 特殊 (P3.1)")
                && opened.out.contains("liaisonctl student tier 2023010101 --set special"), "\(opened.out)\(opened.err)")
        let c = try #require(try d.json(CasePage.self, "case", "list", "--student", "2023010101").cases.first)
        #expect(c.facts.proposedTier == .special)
        #expect(try d.ctl("case", "show", c.id).out.contains("proposed tier"))
        // Confirmed: the case no longer asks.
        #expect(try d.ctl("student", "tier", "2023010101", "--set", "special", "--reason", "心理危机，咨询中心评估").status == 0)
        #expect(!(try d.ctl("case", "show", c.id).out.contains("proposed tier")))
        // A student already special: nothing proposed; an accident proposes nothing.
        let special = try d.json(CaseRecord.self, "case", "open", "psychological-crisis", "--student", "2023010201", "--summary", "x")
        let accident = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010102", "--summary", "x")
        #expect(special.facts.proposedTier == nil && accident.facts.proposedTier == nil)
    }
}
