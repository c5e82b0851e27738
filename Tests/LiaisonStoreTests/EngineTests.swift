import Foundation
import Synchronization
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// A clock the test moves by hand.
final class ManualClock: WallClock {
    let current: Mutex<Date>
    init(_ d: Date) { current = Mutex(d) }
    func now() -> Date { current.withLock { $0 } }
    func advance(_ s: TimeInterval) { current.withLock { $0 += s } }
}

let shippedRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Config/rules").path
let shippedTemplates = try! TemplateLoader.load(directory: (shippedRules as NSString).deletingLastPathComponent + "/templates",
                                                rulebooks: try! RulebookLoader.load(directory: shippedRules))

/// A real SQLite file in a fresh temporary directory.
func temporaryStore() throws -> (SQLiteStore, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return (try SQLiteStore(path: dir.appendingPathComponent("liaison.db").path), dir)
}

@Suite struct EngineTests {
    let clock = ManualClock(SchoolCalendar().parse("2026-11-29 09:00")!)
    let counselor = Staff(id: "T0101", name: "老师", role: .counselor)

    func engine() throws -> (Engine, SQLiteStore) {
        let (store, _) = try temporaryStore()
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        #expect(try engine.loadDemoRosterIfEmpty() == 320)
        return (engine, store)
    }

    @Test func writerRunsWithSynchronousFull() throws {
        let (store, _) = try temporaryStore()
        #expect(try store.writerSynchronousLevel() == 2)
    }

    @Test func demoRosterLoadsOnceAndIsConsistent() throws {
        let (engine, _) = try engine()
        #expect(try engine.loadDemoRosterIfEmpty() == 0)
        let counts = try engine.counts()
        #expect(counts.students == 320 && counts.staff == 11 && counts.guardians > 320)
        let d = try engine.studentDetail("2023010101", by: .administrator)
        #expect(d.counselor?.id == "T0101" && !d.guardians.isEmpty)
        #expect(d.guardians.allSatisfy { g in !g.preference.isEmpty && g.preference.allSatisfy { g.address(for: $0) != nil } })
    }

    @Test func caseLifecycleIsLoggedAndProjected() throws {
        let (engine, store) = try engine()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "摔伤", occurredAt: nil, by: counselor)
        #expect(c.id == "C2026-0001" && c.counselorID == "T0101")
        clock.advance(60)
        _ = try engine.noteCase(c.id, text: "已通知家长", by: counselor)
        clock.advance(60)
        // Its mandatory steps are open: the counselor cannot close it, nor waive them.
        let refused = #expect(throws: LiaisonError.self) { try engine.closeCase(c.id, resolution: "家长到校", by: counselor) }
        #expect(refused?.code == .conflict && refused?.details == ["notify-parents", "meet-parents"], "\(String(describing: refused))")
        let notTheirs = #expect(throws: LiaisonError.self) {
            try engine.closeCase(c.id, resolution: "家长到校", waive: ["notify-parents", "meet-parents"], reason: "r", by: counselor)
        }
        #expect(notTheirs?.code == .forbidden)
        let noReason = #expect(throws: LiaisonError.self) {
            try engine.closeCase(c.id, resolution: "家长到校", waive: ["notify-parents", "meet-parents"], by: Staff.administrator)
        }
        #expect(noReason?.message.contains("--reason") == true)
        let partly = #expect(throws: LiaisonError.self) {
            try engine.closeCase(c.id, resolution: "家长到校", waive: ["notify-parents"], reason: "家长已在现场", by: Staff.administrator)
        }
        #expect(partly?.details == ["meet-parents"])
        let closed = try engine.closeCase(c.id, resolution: "家长到校", waive: ["notify-parents", "meet-parents"], reason: "家长当晚已到医院陪护",
                                          by: Staff.administrator)
        #expect(closed.state == .closed && closed.noteCount == 1 && closed.closedBy == "root")
        #expect(closed.steps.filter { $0.status == .waived }.map(\.id) == ["notify-parents", "meet-parents"])
        let detail = try engine.caseDetail(c.id, by: .administrator)
        #expect(detail.events.map(\.type) == [.caseOpened, .caseNoted, .stepWaived, .stepWaived, .caseClosed])
        #expect(detail.events.map(\.actor) == ["T0101", "T0101", "root", "root", "root"])
        #expect(detail.events.last?.payload["reason"] == "家长当晚已到医院陪护" && detail.events.last?.payload["waived"] == "notify-parents,meet-parents")
        // Rebuilding the projection from the log gives the stored row.
        let rebuilt = detail.events.reduce(nil as CaseRecord?) { CaseMachine.apply($1, to: $0) }
        #expect(rebuilt == detail.record)
        #expect(try engine.openCase(kind: .withdrawal, studentID: "2023010102", summary: "x", occurredAt: nil, by: counselor).id == "C2026-0002")
        _ = store
    }

    @Test func aFailedCommandLeavesNoTrace() throws {
        let (engine, _) = try engine()
        let before = try engine.counts().events
        #expect(throws: LiaisonError.self) { try engine.openCase(kind: .accident, studentID: "nope", summary: "x", occurredAt: nil, by: counselor) }
        #expect(throws: LiaisonError.self) { try engine.openCase(kind: .accident, studentID: "2023010101", summary: " ", occurredAt: nil, by: counselor) }
        #expect(try engine.counts().events == before)
        // The sequence number was rolled back with the failed write.
        #expect(try engine.openCase(kind: .accident, studentID: "2023010101", summary: "ok", occurredAt: nil, by: counselor).id == "C2026-0001")
    }

    @Test func theEventLogIsAppendOnly() throws {
        let (engine, store) = try engine()
        _ = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: counselor)
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "UPDATE events SET actor = 'x'") } }
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "DELETE FROM events") } }
    }

    @Test func concurrentWritersAreGroupCommittedAndIsolated() throws {
        let (engine, store) = try engine()
        let results = Mutex<[String]>([])
        let failures = Mutex(0)
        // Real threads: concurrentPerform would run only as many as there are cores.
        let group = DispatchGroup()
        for i in 0..<64 {
            group.enter()
            Thread {
            defer { group.leave() }
            do {
                // Every 8th request is bad: it must fail alone.
                let student = i % 8 == 0 ? "missing" : "2023010101"
                let c = try engine.openCase(kind: .accident, studentID: student, summary: "case \(i)", occurredAt: nil, by: counselor)
                results.withLock { $0.append(c.id) }
            } catch {
                failures.withLock { $0 += 1 }
            }
            }.start()
        }
        group.wait()
        let ids = results.withLock { $0 }
        #expect(ids.count == 56 && Set(ids).count == 56)
        #expect(failures.withLock { $0 } == 8)
        #expect(try store.read { try $0.cases(CaseFilter()).count } == 56)
    }

    @Test func contactsByGuardianIdNameOrRelation() throws {
        let (engine, _) = try engine()
        let d = try engine.studentDetail("2023010101", by: .administrator)
        let father = d.guardians.first { $0.relation == "父亲" }!
        let a = try engine.logContact(studentID: "2023010101", guardian: father.id, channel: .phone, topics: [.study], summary: "成绩",
                                      feedback: "希望多沟通", contactedAt: nil, by: counselor)
        let b = try engine.logContact(studentID: "2023010101", guardian: "父亲", channel: .wechat, topics: [.wellbeing], summary: "近况",
                                      feedback: "", contactedAt: nil, by: counselor)
        #expect(a.guardianID == father.id && b.guardianID == father.id && a.term == "2026-2027-1" && a.feedback == "希望多沟通")
        #expect(try engine.studentDetail("2023010101", by: .administrator).contactsThisTerm == 2)
        let e = #expect(throws: LiaisonError.self) {
            try engine.logContact(studentID: "2023010101", guardian: "舅舅", channel: .phone, topics: [.study], summary: "x",
                                  feedback: "", contactedAt: nil, by: counselor)
        }
        #expect(e?.message.contains(father.id) == true)
    }

    @Test func rosterImportIsIdempotent() throws {
        let (engine, _) = try engine()
        func t(_ s: String, _ f: String) throws -> CSVTable { try CSVReader.parse(s, file: f) }
        let staff = try t("staff_id,name,role,unix_user\nT0101,新名字,counselor,teacher1\n", "staff.csv")
        let students = try t("student_id,name,college,class,counselor_id\n2099010101,新生,旅游管理学院,旅游2301班,T0101\n", "students.csv")
        let dry = try engine.importRoster(RosterFiles(students: students, staff: staff), dryRun: true, by: .administrator)
        #expect(dry.diff.students.added == ["2099010101"] && dry.diff.staff.changed.first?.fields.map(\.field) == ["name", "college", "unix_user", "phone"])
        #expect(dry.diff.students.removedFromSource.count == 320 && dry.events == 0)
        #expect(try engine.studentDetail("2023010101", by: .administrator).counselor?.name != "新名字")
        let real = try engine.importRoster(RosterFiles(students: students, staff: staff), dryRun: false, by: .administrator)
        #expect(real.events == 3)
        #expect(try engine.staff(unixUser: "teacher1")?.id == "T0101")
        let again = try engine.importRoster(RosterFiles(students: students, staff: staff), dryRun: false, by: .administrator)
        #expect(again.events == 0 && again.diff.isEmpty && again.diff.students.unchanged == 1)
    }
}

@Suite struct PayloadJSONTests {
    @Test func handWrittenJSONDecodesToTheSameDictionary() throws {
        let payload = ["summary": "引号\" 反斜杠\\ 换行\n 制表\t 回车\r 控制\u{1} 𠮷", "a": "", "kind": "accident"]
        let text = FlatJSON.encode(payload)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == payload)
        #expect(try FlatJSON.decode(text) == payload, "the hand-written reader agrees with JSONDecoder")
        #expect(text.hasPrefix("{\"a\":\"\",\"kind\""))
    }

    @Test func flatJSONReadsWhatPluginsWriteAndRefusesNesting() throws {
        #expect(try FlatJSON.decode(#"{ "id" : 12, "ok": true, "none": null, "s": "\u00e9\ud842\udfb7\/" }"#)
                == ["id": "12", "ok": "true", "none": "", "s": "é𠮷/"])
        for bad in [#"{"a": {"b": 1}}"#, #"{"a": "x""#, #"{"a" "x"}"#, #"{"a": "x"} tail"#, #"{"a": "\ud842"}"#] {
            #expect(throws: FlatJSON.Malformed.self) { try FlatJSON.decode(bad) }
        }
    }
}

extension PayloadJSONTests {
    @Test func handWrittenStepsDecodeToTheSameSteps() throws {
        var a = StepState(id: "notify-\"parents\"", status: .done, due: Date(timeIntervalSince1970: 1_795_000_000.123))
        a.doneAt = Date(timeIntervalSince1970: 1_795_003_600.5)
        a.evidence = .acknowledged
        a.lateSeconds = 3600
        a.escalations = 2
        let steps = [a, StepState(id: "meet", status: .waiting), StepState(id: "minor", status: .notApplicable)]
        let text = SQLiteSession.stepsJSON(steps)
        #expect(try JSONDecoder().decode([StepState].self, from: Data(text.utf8)) == steps)
        #expect(SQLiteSession.stepsJSON([]) == "[]")
    }
}
