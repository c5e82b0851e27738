import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// A retention purge on a real SQLite file (issue 14.6): what is due is
/// emptied in the tables and the log's payloads, in batches; the skeleton
/// stays; replaying the purged log rebuilds the purged state; nothing of a
/// student still enrolled is touched; and the file keeps no old bytes.
@Suite struct RetentionEngineTests {
    let cal = SchoolCalendar()
    let counselor = Staff(id: "T0101", name: "王丽", role: .counselor, college: "旅游管理学院")

    static let staff = "staff_id,name,role,college\nT0101,王丽,counselor,旅游管理学院\n"
    static let students = """
        student_id,name,college,class,counselor_id,phone
        2020010101,张三,旅游管理学院,旅游2001班,T0101,13700000101
        2020010102,李四,旅游管理学院,旅游2001班,T0101,13700000102
        2020010103,王五,旅游管理学院,旅游2001班,T0101,13700000103

        """
    // G3 is the parent of 李四 (who leaves) and 王五 (who stays).
    static let guardians = """
        guardian_id,student_id,name,relation,phone,wechat,address,household_id
        G1,2020010101,张建国,父亲,13911110001,zhangjianguo,"云南省丽江市古城区福慧路十二号",H1
        G2,2020010101,刘芳芳,母亲,13911110002,,,H1
        G3,2020010102,李大山,父亲,13911110003,,,H3
        G3,2020010103,李大山,父亲,,,,H3

        """

    func table(_ text: String, _ name: String) throws -> CSVTable { try CSVReader.parse(text, file: name) }

    /// Texts that must be gone after the purge, and those that must stay.
    static let purged = ["体育课摔伤左臂", "家长同意手术第", "家长当面确认已康复", "已康复返校", "期中成绩下滑", "家长表示会督促",
                         "13911110001", "zhangjianguo", "福慧路十二号", "张建国", "心理问题需关注", "收到谢谢老师", "13700000101"]
    static let kept = ["李大山", "13911110003", "王五同学擦伤", "13700000103"]

    /// Plaintext (data_key: none) and sealed: the purge finds what is due
    /// by opening sealed payloads, and cuts it the same.
    @Test(arguments: [false, true]) func aPurgeEmptiesWhatIsDueKeepsTheSkeletonAndReplaysToTheSameState(sealed: Bool) throws {
        let clock = ManualClock(cal.parse("2020-03-02 09:00")!)
        let (plain, dir) = try temporaryStore()
        let store = sealed ? try SQLiteStore(path: dir.appendingPathComponent("sealed.db").path,
                                             sealer: Sealer(keyring: try Keyring.parse(Keyring.newKeyLine(id: "k1"), file: "k"))) : plain
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.importRoster(RosterFiles(students: try table(Self.students, "students.csv"), guardians: try table(Self.guardians, "guardians.csv"),
                                                staff: try table(Self.staff, "staff.csv")), dryRun: false, by: .administrator)

        // 2020: a case of 张三's with a long timeline, a contact, messages and a reply; a case of 王五's.
        let c = try engine.openCase(kind: .accident, studentID: "2020010101", summary: "体育课摔伤左臂", occurredAt: nil, by: counselor)
        for i in 1...230 { _ = try engine.noteCase(c.id, text: "家长同意手术第\(i)次确认", by: counselor) }
        _ = try engine.recordStaffEvidence(caseID: c.id, stepID: "notify-parents", guardian: "G1", outcome: .spoke, evidence: nil,
                                           channel: "phone", note: "家长当面确认已康复", by: counselor)
        _ = try engine.logContact(studentID: "2020010101", guardian: "G1", channel: .phone, topics: [.study], summary: "期中成绩下滑",
                                  feedback: "家长表示会督促", contactedAt: nil, by: counselor)
        // What a channel would have done: the messages went out (an attempt at the number) and a reply came.
        let messages = try engine.outbox(caseID: c.id)
        #expect(!messages.isEmpty)
        try store.write { tx in
            for var m in messages {
                try tx.record(MessageAttempt(messageID: m.id, number: 1, channel: "sms", address: "+8613911110001", startedAt: clock.now(),
                                             finishedAt: clock.now(), outcome: "ok"))
                m.state = .sent
                try tx.update(m)
            }
            try tx.record(InboundReply(at: clock.now(), channel: "sms", from: "+8613911110001", text: "收到谢谢老师", guardianID: "G1",
                                       caseID: c.id, stepID: "notify-parents", messageID: messages[0].id))
        }
        _ = try engine.closeCase(c.id, resolution: "已康复返校", waive: ["meet-parents"], reason: "家长当面确认已康复", by: .administrator)
        let other = try engine.openCase(kind: .accident, studentID: "2020010103", summary: "王五同学擦伤", occurredAt: nil, by: counselor)
        let before = try engine.caseDetail(c.id, by: .administrator)

        // 2026: the records say 张三 and 李四 withdrew in June 2020; 王五 stays.
        clock.current.withLock { $0 = cal.parse("2026-09-07 08:00")! }
        let records = """
            student_id,kind,title,level,date,reasons
            2020010101,status,,withdrawal,2020-06-30,
            2020010101,tier,,key,2020-03-01,心理问题需关注
            2020010102,status,,withdrawal,2020-06-30,
            2020010103,status,,suspension,2020-06-30,
            2020010103,status,,resumption,2021-02-20,

            """
        _ = try engine.importRoster(RosterFiles(records: try table(records, "records.csv")), dryRun: false, by: .administrator)

        let plan = try engine.retentionPlan(after: nil, limit: 100)
        #expect(plan.students.map(\.studentID) == ["2020010101", "2020010102"], "\(plan.students)")
        let zhang = plan.students[0]
        #expect(zhang.left == "2020-06-30 退学 (withdrawal)" && zhang.due.map(\.dataClass) == RetentionClass.allCases)
        #expect(zhang.due[0].cases == [c.id] && zhang.due[0].items == ["case": 1, "record": 1] && zhang.due[0].events > 230)
        #expect(zhang.due[3].guardians == ["G1", "G2"] && zhang.due[3].households == ["H1"])
        // 李四: only their own phone; their father is also 王五's, who has not left.
        #expect(plan.students[1].due.map(\.dataClass) == [.contactDetails] && plan.students[1].due[0].items == ["student": 1])
        #expect(!plan.students.flatMap(\.due).flatMap(\.guardians).contains("G3"))
        // Paging: one student a page, the total, where to continue.
        let first = try engine.retentionPlan(after: nil, limit: 1)
        #expect(first.students.count == 1 && first.total == 2 && first.next == "2020010101")
        #expect(try engine.retentionPlan(after: first.next, limit: 1).students.map(\.studentID) == ["2020010102"])

        let result = try engine.purgeRetention(by: .administrator)
        #expect(result.students == 2 && result.batches >= 2 && result.trigger == "manual", "\(result)")
        #expect(result.totals == plan.totals)

        // The skeleton stays: the case, its kind, dates, steps and state; the texts are gone.
        let after = try engine.caseDetail(c.id, by: .administrator)
        #expect(after.record.kind == .accident && after.record.state == .closed && after.record.openedAt == before.record.openedAt
                && after.record.closedAt == before.record.closedAt && after.record.steps == before.record.steps && after.record.noteCount == 230)
        #expect(after.record.summary == "" && after.record.resolution == "")
        #expect(after.events.map(\.type) == before.events.map(\.type) && after.events.map(\.at) == before.events.map(\.at))
        #expect(after.events.filter { $0.type == .caseNoted }.allSatisfy { $0.payload["text"] == "" && $0.payload["purged"] == "case_content 2026-09-07" })
        // Replaying the case's log gives the purged row.
        #expect(after.events.reduce(nil as CaseRecord?) { CaseMachine.apply($1, to: $0) } == after.record)
        let contact = try #require(try engine.contacts(studentID: "2020010101", by: .administrator).first)
        #expect(contact.summary == "" && contact.feedback == "" && contact.topics == [.study] && contact.channel == .phone)
        let guardians = try engine.studentDetail("2020010101", by: .administrator).guardians
        #expect(guardians.map(\.id) == ["G1", "G2"] && guardians.allSatisfy { $0.phone.isEmpty && $0.name.isEmpty && $0.address.isEmpty && $0.wechat.isEmpty })
        #expect(try engine.outbox(caseID: c.id).allSatisfy { $0.body.isEmpty && $0.routes.isEmpty && $0.state == .sent })
        // What is not due is untouched: 王五's case, and the father 李四 shares with 王五.
        #expect(try engine.caseDetail(other.id, by: .administrator).record.summary == "王五同学擦伤")
        #expect(try engine.studentDetail("2020010103", by: .administrator).guardians.first?.phone == "+8613911110003")

        // The audit row: one, with counts.
        let audit = try engine.auditLog(AuditFilter(limit: 1000), by: .administrator).entries.filter { $0.action == .retentionPurge }
        #expect(audit.count == 1 && audit[0].actor == "root" && audit[0].detail.hasPrefix("manual purge; case_content: 1 students, 1 case, 1 record"), "\(audit)")

        // Nothing is left in any table, the event log included (each sealed value opened)…
        let everything = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { t in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(t)\"").map { row in
                    try row.columnNames.map { c -> String in
                        let v: String? = row[c] as? String
                        guard let v, v.hasPrefix("sealed1:"), let column = SealedColumn(rawValue: "\(t).\(c)") else { return "\(c):\(row[c] as DatabaseValue)" }
                        return "\(c):" + (try store.sealer.open(v, column))
                    }.joined(separator: " ")
                }
            }.joined(separator: "\n")
        }
        let sealedValues = try store.keyStatus().keys.first?.values ?? 0
        #expect(!everything.contains("sealed1:") && sealed == (sealedValues > 0))
        for text in Self.purged { #expect(!everything.contains(text), "\(text) is still in the database") }
        for text in Self.kept { #expect(everything.contains(text), "\(text) was purged") }
        // …nor in the file's bytes (freed space zeroed, the WAL truncated).
        let bytes = [store.path, store.path + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }.reduce(Data(), +)
        for text in Self.purged { #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) is still in the file") }
        #expect(bytes.range(of: Data("李大山".utf8)) != nil)

        // Replaying the whole purged log into an empty store rebuilds the same roster, cases and contacts.
        let events = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY seq").map(SQLiteSession(db: db, sealer: store.sealer).event) }
        let (replayed, _) = try temporaryStore()
        try replayed.write { tx in
            for var e in events { e.seq = nil; try Projector.record([e], in: tx) }
        }
        typealias Tables = (roster: Roster, cases: [CaseRecord], contacts: [[ContactRecord]])
        func tables(_ st: SQLiteStore) throws -> Tables {
            try st.read { r -> Tables in
                (try r.roster(), try r.casePage(CaseFilter(limit: 1000)).cases,
                 try ["2020010101", "2020010102", "2020010103"].map { try r.contacts(studentID: $0) })
            }
        }
        let (mine, theirs) = (try tables(store), try tables(replayed))
        #expect(mine.roster == theirs.roster && mine.cases == theirs.cases && mine.contacts == theirs.contacts)

        // A second purge finds nothing, and says so in its own row.
        let again = try engine.purgeRetention(by: .administrator)
        #expect(try again.students == 0 && again.batches == 0 && engine.retentionPlan(after: nil, limit: 100).total == 0)
        _ = dir
    }

    /// The daily purge: its schedule starts when configured, runs once for
    /// the latest time passed, by `system`, and not again that day.
    @Test func theDailyPurgeRunsOncePerDayAtItsTime() throws {
        let clock = ManualClock(cal.parse("2026-09-07 08:00")!)
        let (store, _) = try temporaryStore()
        let engine = Engine(store: store, clock: clock)
        _ = try engine.importRoster(RosterFiles(students: try table(Self.students, "students.csv"), guardians: try table(Self.guardians, "guardians.csv"),
                                                staff: try table(Self.staff, "staff.csv"),
                                                records: try table("student_id,kind,level,date\n2020010101,status,graduation,2025-09-07\n", "records.csv")),
                                    dryRun: false, by: .administrator)
        // Not configured: no daily purge.
        #expect(try engine.runDailyPurgeIfDue() == nil)
        try engine.configureRetention(RetentionPolicy())
        #expect(try engine.nextDailyPurge() == cal.parse("2026-09-08 03:30"))
        #expect(try engine.runDailyPurgeIfDue() == nil)
        clock.advance(2 * 86400)  // 09-09 08:00: two times passed, one purge
        let r = try #require(try engine.runDailyPurgeIfDue())
        #expect(r.trigger == "daily" && r.totals.first { $0.dataClass == .contactDetails }?.items == ["student": 1, "guardian": 2, "household": 1])
        #expect(try engine.runDailyPurgeIfDue() == nil)
        #expect(try engine.nextDailyPurge() == cal.parse("2026-09-10 03:30"))
        let rows = try engine.auditLog(AuditFilter(actor: "system"), by: .administrator).entries
        #expect(rows.map(\.action) == [.retentionPurge] && rows[0].detail.hasPrefix("daily purge;"))
        // Graduated a year ago: case content (3 years) is not due yet.
        #expect(try engine.retentionPlan(after: nil, limit: 10).total == 0)
    }
}
