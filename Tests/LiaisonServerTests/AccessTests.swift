import Foundation
import Testing
@testable import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonProtocol
@testable import LiaisonServer
@testable import LiaisonStore

struct Reply<R: Decodable>: Decodable { var result: R }

/// Every role × every method on a seeded roster of two colleges (issue 14):
/// the role is allowed or refused as the method declares, a student-scoped
/// method refuses a student outside the caller's responsibility, and a list
/// holds nothing outside it. Through `Router.handle`, the path the socket takes.
@Suite struct AccessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The demo roster (旅游管理学院 01 and 文化传媒学院 02), a class teacher for
    /// 旅游2301班, an ops account and an administrator (A0001, role admin:
    /// not root); a case for a student of each college.
    struct World {
        let engine: Engine
        let router: Router
        let own: CaseRecord     // 2023010101: 旅游2301班, counselor T0101, college 01
        let other: CaseRecord   // 2023020101: college 02
        let staff: [StaffRole: Staff]
        /// Everyone to try: each role's member of staff, and the Unix superuser.
        var everyone: [(String, Staff)] {
            staff.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value) } + [("root", Staff.administrator)]
        }

        init() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-access-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            engine = Engine(store: try SQLiteStore(path: dir.appendingPathComponent("a.db").path))
            let rules = AccessTests.root.appendingPathComponent("Config/rules").path
            let books = try RulebookLoader.load(directory: rules)
            engine.setRulebooks(books, templates: try TemplateLoader.load(directory: AccessTests.root.appendingPathComponent("Config/templates").path, rulebooks: books))
            _ = try engine.loadDemoRosterIfEmpty()
            func table(_ text: String, _ name: String) throws -> CSVTable { try CSVReader.parse(text, file: name) }
            _ = try engine.importRoster(RosterFiles(
                staff: try table("staff_id,name,role,college\nB0101,和老师,班主任,旅游管理学院\nO0001,运维,ops,\nA0001,管理员甲,admin,\n", "staff.csv"),
                classes: try table("class,college,counselor_id,teacher_id\n旅游2301班,旅游管理学院,T0101,B0101\n", "classes.csv")),
                dryRun: false, by: .administrator)
            router = Routes.make(engine: engine, info: ServerInfo(name: "t", startedAt: Date(), database: "", socketActivated: false), channels: nil)
            own = try engine.openCase(kind: .psychologicalCrisis, studentID: "2023010101", summary: "心理危机", occurredAt: nil, by: .administrator)
            other = try engine.openCase(kind: .accident, studentID: "2023020101", summary: "摔伤", occurredAt: nil, by: .administrator)
            var staff: [StaffRole: Staff] = [:]
            for (role, id) in [(StaffRole.counselor, "T0101"), (.teacher, "B0101"), (.supervisor, "S0100"), (.office, "S9001"), (.ops, "O0001"), (.admin, "A0001")] {
                staff[role] = try #require(try engine.store.read { try $0.staff(id) })
            }
            self.staff = staff
        }

        /// A request as `who`, the reply decoded as `R` (or the error).
        func call<R: Decodable>(_ who: Staff, _ method: String, _ params: String, as: R.Type = Empty.self,
                                on connection: RequestContext? = nil) -> Result<R, LiaisonError> {
            let ctx = connection ?? RequestContext(peer: PeerCredentials(pid: 1, uid: 1, gid: 1))
            ctx.user = who
            let data = Data("{\"id\":1,\"method\":\"\(method)\",\"params\":\(params)}".utf8)
            do {
                let frame = try router.handle(method, ctx, .number(1), data)
                return .success(try Wire.decoder().decode(Reply<R>.self, from: Data(frame)).result)
            } catch let e as LiaisonError {
                return .failure(e)
            } catch {
                return .failure(LiaisonError(.internal, "\(error)"))
            }
        }
    }

    /// Params that name the in-scope student (or their case) for every method;
    /// a method routed without an entry here fails the test.
    static func params(_ w: World, student: String, caseID: String) -> [String: String] {
        [
            Method.hello: #"{"protocolVersion":\#(protocolVersion),"client":"t"}"#,
            Method.uploadBegin: #"{"name":"s.csv"}"#, Method.uploadAppend: #"{"upload":"u9","data":""}"#,
            Method.rosterImport: #"{"dryRun":true}"#, Method.rosterExport: "{}",
            Method.studentShow: #"{"id":"\#(student)"}"#, Method.studentList: "{}",
            Method.caseOpen: #"{"kind":"accident","student":"\#(student)","summary":"x"}"#,
            Method.caseList: "{}", Method.caseShow: #"{"id":"\#(caseID)"}"#,
            Method.caseNote: #"{"id":"\#(caseID)","text":"记录"}"#,
            Method.caseClose: #"{"id":"\#(caseID)","resolution":"x"}"#,
            Method.caseStep: #"{"id":"\#(caseID)","step":"notify-parents","note":"x"}"#,
            Method.caseMeeting: #"{"id":"\#(caseID)","with":"父亲"}"#,
            Method.contactLog: #"{"student":"\#(student)","guardian":"父亲","channel":"phone","topics":["study"],"summary":"x"}"#,
            Method.contactList: #"{"student":"\#(student)"}"#,
            Method.status: "{}", Method.backup: #"{"path":"/nonexistent/b.db"}"#,
            Method.rulesShow: #"{"kind":"accident"}"#, Method.rulesPlan: "{}", Method.rulesApply: #"{"plan":"000000000000"}"#,
            Method.deadlines: "{}", Method.clockAdvance: #"{"duration":"1m"}"#, Method.clockShow: "{}", Method.clockSet: #"{"time":"2026-12-01 09:00"}"#,
            Method.pluginList: "{}", Method.pluginStatus: #"{"channel":"sms"}"#, Method.pluginLoad: #"{"channel":"sms"}"#,
            Method.pluginUnload: #"{"channel":"sms"}"#, Method.pluginReload: #"{"channel":"sms"}"#,
            Method.channelTest: #"{"channel":"sms","to":"13800000000","text":"x"}"#,
            Method.messageList: "{}", Method.messageShow: #"{"id":1}"#, Method.taskList: "{}",
            Method.messageReplies: "{}", Method.messagePlace: #"{"reply":1,"caseID":"\#(caseID)"}"#,
            Method.whoami: "{}", Method.staffList: "{}", Method.staffShow: #"{"id":"T0101"}"#,
            Method.auditList: "{}", Method.auditVerify: "{}", Method.studentExport: #"{"id":"\#(student)"}"#,
            Method.keyStatus: "{}", Method.keyRotate: "{}",
            Method.retentionPlan: "{}", Method.retentionPurge: "{}",
            Method.calendarShow: "{}", Method.obligations: "{}", Method.obligationsUnreachable: "{}",
            Method.studentTier: #"{"id":"\#(student)"}"#, Method.studentTierSet: #"{"id":"\#(student)","tier":"key","reason":"学业预警"}"#,
        ]
    }

    @Test func everyRoleOnEveryMethod() throws {
        let w = try World()
        let inScope = Self.params(w, student: w.own.studentID, caseID: w.own.id)
        let outOfScope = Self.params(w, student: w.other.studentID, caseID: w.other.id)
        #expect(Set(w.router.methods).subtracting(inScope.keys).isEmpty, "methods without a case in this test: \(Set(w.router.methods).subtracting(inScope.keys).sorted())")
        for (role, who) in w.everyone {
            for method in w.router.methods {
                let access = try #require(w.router.access[method])
                let r = w.call(who, method, inScope[method]!)
                let refusedByRole = if case let .failure(e) = r, e.code == .forbidden, e.message.hasPrefix("\(method) is for ") { true } else { false }
                // Root passes every role check; everyone else is held to their role's column.
                #expect(refusedByRole == !(access.roles.contains(who.role) || who.isSuperuser), "\(role) \(method): \(r)")
                #expect(access.allows(who) == (access.roles.contains(who.role) || role == "root"))
                guard access.allows(who), access.scope == .student else { continue }
                // A student this role does not answer for: refused without a word about them.
                let covers = try w.engine.responsibility(of: who).covers(try #require(try w.engine.store.read { try $0.student(w.other.studentID) }))
                let out = w.call(who, method, outOfScope[method]!)
                if case let .failure(e) = out, e.code == .forbidden {
                    #expect(!covers, "\(role) \(method) refused in scope")
                    #expect(!e.message.contains("摔伤") && e.message.contains("not among the students you answer for"), "\(e.message)")
                    // The refusal says whether --reason would help, and only to those it would.
                    #expect(e.message.contains("say why with --reason") == access.allowsBreakGlass(who), "\(role) \(method): \(e.message)")
                } else if method != Method.messageShow {  // (message 1 is the in-scope student's)
                    #expect(covers, "\(role) \(method) out of scope: \(out)")
                }
                // An administrator answers for no student: the first college's is refused too without --reason.
                if who.role == .admin && !who.isSuperuser {
                    guard case let .failure(e) = r, e.code == .forbidden else { Issue.record("admin \(method) read a student without break-glass: \(r)"); continue }
                    #expect(e.message.contains("say why with --reason"), "\(e.message)")
                }
            }
        }
        // Root is the superuser: every method passes its role check, and it answers for every student.
        #expect(try w.engine.responsibility(of: .administrator) == .school)
        #expect(try w.engine.responsibility(of: w.staff[.admin]!) == .breakGlassOnly)
    }

    /// Lists hold only what the caller answers for; an administrator's are
    /// empty (root's hold everything, as the office's).
    @Test func listsStayWithinScope() throws {
        let w = try World()
        for (role, who) in w.everyone where role != "ops" {
            let scope = try w.engine.responsibility(of: who)
            let school = role == "office" || role == "root"
            let students = try w.call(who, Method.studentList, #"{"limit":1000}"#, as: StudentPage.self).get()
            #expect(students.students.allSatisfy(scope.covers) && students.total == students.students.count, "\(role)")
            let cases = try w.call(who, Method.caseList, "{}", as: CasePage.self).get()
            let ids = cases.cases.map(\.id)
            #expect(ids.contains(w.own.id) == (role != "admin") && ids.contains(w.other.id) == school, "\(role): \(ids)")
            let deadlines = try w.call(who, Method.deadlines, "{}", as: DeadlinesResult.self).get()
            #expect(deadlines.rows.allSatisfy { $0.caseID == w.own.id || school }, "\(role)")
            let messages = try w.call(who, Method.messageList, "{}", as: [Message].self).get()
            #expect(messages.allSatisfy { $0.caseID == w.own.id || school }, "\(role)")
            let tasks = try w.call(who, Method.taskList, "{}", as: [PersonTask].self).get()
            #expect(tasks.allSatisfy { $0.caseID == w.own.id || school }, "\(role)")
            let replies = try w.call(who, Method.messageReplies, "{}", as: [InboundReply].self).get()
            // Obligations (issue 16.3): the students in scope, all of them, none beyond.
            let owed = try w.call(who, Method.obligations, #"{"limit":1000}"#, as: ObligationPage.self).get()
            let inScope = try w.engine.students(className: nil, counselorID: nil, scope: scope, limit: 1000)
            #expect(Set(owed.obligations.map(\.studentID)) == Set(inScope.students.map(\.id)) && owed.total == inScope.total, "\(role)")
            if role == "admin" {
                #expect(students.total == 0 && students.students.isEmpty && cases.total == 0 && deadlines.rows.isEmpty && messages.isEmpty
                        && tasks.isEmpty && replies.isEmpty, "an administrator's lists are empty")
            } else {
                #expect(!students.students.isEmpty && !messages.isEmpty && !deadlines.rows.isEmpty, "\(role)")
            }
        }
        // The counselor's students: theirs by counselor_id and their class's; the teacher's: their class's.
        let teacher = try w.call(w.staff[.teacher]!, Method.studentList, #"{"limit":1000}"#, as: StudentPage.self).get()
        #expect(teacher.total == 40 && teacher.students.allSatisfy { $0.className == "旅游2301班" })
        let supervisor = try w.call(w.staff[.supervisor]!, Method.studentList, #"{"limit":1000}"#, as: StudentPage.self).get()
        #expect(supervisor.total == 160 && supervisor.students.allSatisfy { $0.college == "旅游管理学院" })
    }

    @Test func whoamiSaysWhoseDataAndWhatMayBeCalled() throws {
        let w = try World()
        let teacher = try w.call(w.staff[.teacher]!, Method.whoami, "{}", as: WhoAmIResult.self).get()
        #expect(teacher.staff.id == "B0101" && teacher.classes.map(\.name) == ["旅游2301班"] && teacher.responsibility.contains("旅游2301班"))
        #expect(teacher.may.contains(Method.caseShow) && !teacher.may.contains(Method.rosterImport) && !teacher.may.contains(Method.staffList))
        let ops = try w.call(w.staff[.ops]!, Method.whoami, "{}", as: WhoAmIResult.self).get()
        #expect(ops.responsibility == "no personal data" && !ops.may.contains(Method.studentShow) && ops.may.contains(Method.pluginReload))
        // An administrator: staff, rules, configuration; students only by break-glass; no exports of personal data.
        let admin = try w.call(w.staff[.admin]!, Method.whoami, "{}", as: WhoAmIResult.self).get()
        #expect(admin.responsibility.hasPrefix("no student") && admin.responsibility.contains("break-glass"), "\(admin.responsibility)")
        #expect(admin.may.contains(Method.caseShow) && admin.may.contains(Method.staffShow) && admin.may.contains(Method.rulesApply)
                && admin.may.contains(Method.auditList) && !admin.may.contains(Method.caseNote) && !admin.may.contains(Method.rosterExport)
                && !admin.may.contains(Method.studentExport), "\(admin.may)")
        // Root may call every method and sees every student.
        let root = try w.call(.administrator, Method.whoami, "{}", as: WhoAmIResult.self).get()
        #expect(root.may == w.router.methods && root.responsibility.hasPrefix("every student (the Unix superuser"))
        let page = try w.call(w.staff[.office]!, Method.staffList, #"{"role":"counselor","limit":3}"#, as: StaffPage.self).get()
        #expect(page.staff.map(\.id) == ["T0101", "T0102", "T0103"] && page.total == 8 && page.next == "T0103")
    }

    /// The case keeps who answered for the class when it opened; handing the
    /// class to another teacher moves the students, not the case's history.
    @Test func aCaseRemembersWhoAnsweredForTheClass() throws {
        let w = try World()
        let opened = { try #require(try w.engine.caseDetail(w.own.id, by: .administrator).events.first { $0.type == .caseOpened }) }
        #expect(try opened().payload["class"] == "旅游2301班" && opened().payload["class_counselor"] == "T0101" && opened().payload["class_teacher"] == "B0101")
        let handOver = try CSVReader.parse("class,college,counselor_id,teacher_id\n旅游2301班,旅游管理学院,T0102,\n", file: "classes.csv")
        _ = try w.engine.importRoster(RosterFiles(classes: handOver), dryRun: false, by: .administrator)
        #expect(try opened().payload["class_teacher"] == "B0101" && opened().payload["class_counselor"] == "T0101")
        // The former class teacher no longer answers for the class's students.
        let r = w.call(w.staff[.teacher]!, Method.caseShow, #"{"id":"\#(w.own.id)"}"#, as: CaseDetail.self)
        guard case let .failure(e) = r else { Issue.record("the former teacher still reads the case"); return }
        #expect(e.code == .forbidden)
    }

    /// A staff import that makes someone administrator is an administrator's
    /// alone; the office is refused and nothing changes (issue 14).
    @Test func onlyAnAdministratorMakesAnAdministrator() throws {
        let w = try World()
        let promote = try CSVReader.parse("staff_id,name,role,college\nT0101,老师,admin,旅游管理学院\n", file: "staff.csv")
        let e = #expect(throws: LiaisonError.self) { try w.engine.importRoster(RosterFiles(staff: promote), dryRun: false, by: w.staff[.office]!) }
        #expect(e?.code == .forbidden && e?.message.contains("T0101") == true, "\(String(describing: e))")
        #expect(try w.engine.store.read { try $0.staff("T0101") }?.role == .counselor)
        // A counselor cannot even reach the import.
        let r = w.call(w.staff[.counselor]!, Method.rosterImport, #"{"dryRun":false}"#)
        guard case let .failure(refused) = r else { Issue.record("a counselor imported"); return }
        #expect(refused.code == .forbidden)
        // Through the daemon's path, the office's attempt is refused and left in the audit log.
        let office = w.staff[.office]!
        let connection = RequestContext(peer: PeerCredentials(pid: 1, uid: 1, gid: 1))
        let upload = try w.call(office, Method.uploadBegin, #"{"name":"staff.csv"}"#, as: UploadResult.self, on: connection).get()
        let csv = Data("staff_id,name,role,college\nS9001,周洁,admin,学生工作处\n".utf8).base64EncodedString()
        _ = try w.call(office, Method.uploadAppend, #"{"upload":"\#(upload.upload)","data":"\#(csv)"}"#, as: UploadResult.self, on: connection).get()
        let attempt = w.call(office, Method.rosterImport, #"{"staff":"\#(upload.upload)","dryRun":false}"#, as: RosterImportResult.self, on: connection)
        guard case let .failure(selfPromotion) = attempt else { Issue.record("the office made itself administrator"); return }
        #expect(selfPromotion.code == .forbidden && selfPromotion.message.contains("S9001"))
        #expect(try w.engine.store.read { try $0.staff("S9001") }?.role == .office)
        let log = try w.engine.auditLog(AuditFilter(actor: "S9001"), by: .administrator).entries
        #expect(log.contains { $0.action == .refused && $0.detail == Method.rosterImport && $0.reason.contains("administrator") }, "\(log)")
        #expect(try w.engine.auditLog(AuditFilter(actor: "T0101"), by: .administrator).entries.contains { $0.action == .refused && $0.detail == Method.rosterImport })
        _ = try w.engine.importRoster(RosterFiles(staff: promote), dryRun: false, by: .administrator)
        #expect(try w.engine.store.read { try $0.staff("T0101") }?.role == .admin)
    }
}

/// docs/ACCESS.md is the routes' declarations (`make access-doc` rewrites it).
@Suite struct AccessDocTests {
    @Test func theMatrixIsWhatTheRoutesDeclare() throws {
        let w = try AccessTests.World()
        let path = AccessTests.root.appendingPathComponent("docs/ACCESS.md").path
        let doc = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let begin = "<!-- matrix: generated from the routes -->\n", end = "<!-- end of matrix -->"
        if ProcessInfo.processInfo.environment["LIAISON_WRITE_ACCESS_DOC"] == "1", let a = doc.range(of: begin), let b = doc.range(of: end) {
            try (doc[..<a.upperBound] + w.router.accessMatrix + doc[b.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(doc.contains(begin + w.router.accessMatrix + end), "docs/ACCESS.md differs from the routes' declarations; run `make access-doc`")
    }
}

/// A psychological crisis is sensitive (issue 14.2): the class teacher, in
/// scope, sees that the case exists and its steps, not what was written.
@Suite struct SensitiveCaseTests {
    @Test func aClassTeacherSeesTheStepsNotTheContent() throws {
        let w = try AccessTests.World()
        _ = try w.engine.noteCase(w.own.id, text: "学生自述有轻生念头", by: .administrator)
        let teacher = try w.call(w.staff[.teacher]!, Method.caseShow, #"{"id":"\#(w.own.id)"}"#, as: CaseDetail.self).get()
        #expect(teacher.record.summary == SensitiveCase.withheld && !teacher.record.steps.isEmpty)
        let texts = teacher.events.flatMap(\.payload.values).joined(separator: " ")
        #expect(!texts.contains("轻生") && !texts.contains("心理危机"), "\(texts)")
        let listed = try w.call(w.staff[.teacher]!, Method.caseList, "{}", as: CasePage.self).get()
        #expect(listed.cases.first { $0.id == w.own.id }?.summary == SensitiveCase.withheld)
        let student = try w.call(w.staff[.teacher]!, Method.studentShow, #"{"id":"\#(w.own.studentID)"}"#, as: StudentDetail.self).get()
        #expect(student.openCases.allSatisfy { $0.summary == SensitiveCase.withheld })
        // The case's counselor, the college's supervisor and the office read it.
        for role in [StaffRole.counselor, .supervisor, .office] {
            let d = try w.call(w.staff[role]!, Method.caseShow, #"{"id":"\#(w.own.id)"}"#, as: CaseDetail.self).get()
            #expect(d.record.summary == "心理危机" && d.events.contains { $0.payload["text"] == "学生自述有轻生念头" }, "\(role)")
        }
        // An accident is not sensitive: the teacher reads a case of their class in full.
        let accident = try w.engine.openCase(kind: .accident, studentID: w.own.studentID, summary: "摔伤", occurredAt: nil, by: .administrator)
        #expect(try w.call(w.staff[.teacher]!, Method.caseShow, #"{"id":"\#(accident.id)"}"#, as: CaseDetail.self).get().record.summary == "摔伤")
    }
}

/// Break-glass (issue 14.2): an administrator reads one student out of
/// scope by saying why; the read is audited as break-glass with the reason
/// and the student's counselor and supervisors are told, without the data.
/// Anyone else's --reason changes nothing, and in scope it is only recorded.
@Suite struct BreakGlassAccessTests {
    static let reason = "家长来电称联系不上辅导员，核实情况"

    func notices(_ w: AccessTests.World) throws -> [Message] {
        try w.engine.messages(MessageFilter(limit: 1000)).filter { $0.topic == "break-glass" }
    }

    @Test func anAdministratorReadsOutOfScopeOnlyWithAReasonAndTheCounselorAndSupervisorAreTold() throws {
        let w = try AccessTests.World()
        let admin = w.staff[.admin]!
        let show = #"{"id":"\#(w.other.id)"}"#
        // No reason: forbidden, saying how; a blank or one-word reason: invalid, nothing read.
        guard case let .failure(refused) = w.call(admin, Method.caseShow, show, as: CaseDetail.self) else { Issue.record("read without a reason"); return }
        #expect(refused.code == .forbidden && refused.message.contains("--reason TEXT") && !refused.message.contains("摔伤"), "\(refused.message)")
        for blank in ["", "   ", "看看", "check"] {
            let r = w.call(admin, Method.caseShow, #"{"id":"\#(w.other.id)","reason":"\#(blank)"}"#, as: CaseDetail.self)
            guard case let .failure(e) = r else { Issue.record("read with reason \"\(blank)\""); continue }
            #expect(e.code == .invalidInput && e.message.contains("--reason") && e.message.contains("Nothing was read"), "\(e.message)")
        }
        #expect(try notices(w).isEmpty)

        // With a reason: the whole case, as the office sees it.
        let d = try w.call(admin, Method.caseShow, #"{"id":"\#(w.other.id)","reason":"\#(Self.reason)"}"#, as: CaseDetail.self).get()
        #expect(d.record.summary == "摔伤")
        let rows = try w.engine.auditLog(AuditFilter(actor: "A0001"), by: .administrator).entries
        let read = try #require(rows.last { $0.action == .caseRead })
        #expect(read.scope == .breakGlass && read.reason == Self.reason && read.caseID == w.other.id && read.studentID == w.other.studentID)
        // Told: the student's counselor (T0201) and their college's supervisor (S0200), by their staff channel, once each.
        let told = try notices(w)
        #expect(told.map(\.recipientID).sorted() == ["S0200", "T0201"], "\(told.map(\.recipientID))")
        let student = try #require(try w.engine.store.read { try $0.student(w.other.studentID) })
        for m in told {
            #expect(m.caseID.isEmpty && m.urgent && m.routes.map(\.via) == ["staff"] && m.idempotencyKey == "break-glass:\(read.seq):\(m.recipientID)")
            #expect(m.body.contains("A0001") && m.body.contains(Self.reason) && m.body.contains(w.other.id) && m.body.contains(student.id)
                    && m.body.contains("第 \(read.seq) 条"), "\(m.body)")
            #expect(!m.body.contains("摔伤"), "the notice names the read, never the data")
        }

        // The other reads of one student: file, contacts, a message of theirs; each its own row and notices.
        let theirs = try #require(try w.engine.messages(MessageFilter(caseID: w.other.id, limit: 10)).first)
        for (method, params, action) in [
            (Method.studentShow, #"{"id":"\#(w.other.studentID)","reason":"\#(Self.reason)"}"#, AuditAction.studentRead),
            (Method.contactList, #"{"student":"\#(w.other.studentID)","reason":"\#(Self.reason)"}"#, .contactRead),
            (Method.messageShow, #"{"id":\#(theirs.id),"reason":"\#(Self.reason)"}"#, .messageRead),
        ] {
            let before = try notices(w).count
            if case let .failure(e) = w.call(admin, method, params) { Issue.record("\(method): \(e)") }
            let row = try #require(try w.engine.auditLog(AuditFilter(actor: "A0001"), by: .administrator).entries.last { $0.action == action })
            #expect(row.scope == .breakGlass && row.reason == Self.reason && row.studentID == w.other.studentID, "\(method)")
            #expect(try notices(w).count == before + 2, "\(method)")
        }
        // A sensitive case too: break-glass shows its content (it is why the glass was broken).
        let crisis = try w.call(admin, Method.caseShow, #"{"id":"\#(w.own.id)","reason":"\#(Self.reason)"}"#, as: CaseDetail.self).get()
        #expect(crisis.record.summary == "心理危机")
        // Writes are not break-glass: an administrator may not change a case at all.
        guard case let .failure(note) = w.call(admin, Method.caseNote, #"{"id":"\#(w.other.id)","text":"x","reason":"\#(Self.reason)"}"#) else {
            Issue.record("an administrator wrote on a case"); return
        }
        #expect(note.code == .forbidden && note.message.hasPrefix("case.note is for ") && note.message.contains("only by break-glass"), "\(note.message)")
    }

    @Test func aReasonFromAnyoneElseChangesNothingAndInScopeItIsOnlyRecorded() throws {
        let w = try AccessTests.World()
        let params = #"{"id":"\#(w.other.id)","reason":"\#(BreakGlassAccessTests.reason)"}"#
        for role in [StaffRole.counselor, .teacher, .supervisor] {
            guard case let .failure(e) = w.call(w.staff[role]!, Method.caseShow, params, as: CaseDetail.self) else {
                Issue.record("\(role) broke the glass"); continue
            }
            #expect(e.code == .forbidden && e.message.contains("Break-glass (--reason) is for the Student Affairs Office and administrators"), "\(role): \(e.message)")
        }
        // Ops never reaches it: refused by role.
        guard case let .failure(ops) = w.call(w.staff[.ops]!, Method.caseShow, params, as: CaseDetail.self) else { Issue.record("ops read a case"); return }
        #expect(ops.message.hasPrefix("case.show is for "))
        // The office answers for every student: its reason is recorded, not break-glass, and nobody is told.
        _ = try w.call(w.staff[.office]!, Method.caseShow, params, as: CaseDetail.self).get()
        // The counselor in scope: the same.
        _ = try w.call(w.staff[.counselor]!, Method.caseShow, #"{"id":"\#(w.own.id)","reason":"家长会前查看"}"#, as: CaseDetail.self).get()
        let rows = try w.engine.auditLog(AuditFilter(limit: 1000), by: .administrator).entries.filter { $0.action == .caseRead }
        #expect(rows.contains { $0.actor == "S9001" && $0.scope == .school && $0.reason == BreakGlassAccessTests.reason })
        #expect(rows.contains { $0.actor == "T0101" && $0.scope == .own && $0.reason == "家长会前查看" })
        #expect(!rows.contains { $0.scope == .breakGlass })
        #expect(try w.engine.messages(MessageFilter(limit: 1000)).allSatisfy { $0.topic != "break-glass" })
        // The refusals are in the audit log as attempts.
        #expect(try w.engine.auditLog(AuditFilter(actor: "T0101"), by: .administrator).entries.contains { $0.action == .refused && $0.detail == Method.caseShow })
    }

    /// An administrator keeps staff, rules and configuration; copies of
    /// personal data, and the roster's students', guardians' and records'
    /// files, are the office's. Root keeps everything.
    @Test func anAdministratorImportsStaffAndClassesButNeitherExportsNorImportsStudents() throws {
        let w = try AccessTests.World()
        let admin = w.staff[.admin]!
        for (method, params) in [(Method.rosterExport, "{}"), (Method.studentExport, #"{"id":"\#(w.own.studentID)"}"#)] {
            guard case let .failure(e) = w.call(admin, method, params) else { Issue.record("admin \(method)"); continue }
            #expect(e.code == .forbidden && e.message.hasPrefix("\(method) is for office (学生工作处) ("), "\(e.message)")
            if case let .failure(e) = w.call(.administrator, method, params) { Issue.record("root \(method): \(e)") }
        }
        for file in ["students", "guardians", "records"] {
            guard case let .failure(e) = w.call(admin, Method.rosterImport, #"{"\#(file)":"u1","dryRun":true}"#) else { Issue.record("admin imported \(file)"); continue }
            #expect(e.code == .forbidden && e.message.contains("\(file).csv") && e.message.contains("imports staff.csv and classes.csv"), "\(e.message)")
        }
        // staff.csv goes in (granting admin needs admin).
        let connection = RequestContext(peer: PeerCredentials(pid: 1, uid: 1, gid: 1))
        let upload = try w.call(admin, Method.uploadBegin, #"{"name":"staff.csv"}"#, as: UploadResult.self, on: connection).get()
        let csv = Data("staff_id,name,role,college\nA0002,管理员乙,admin,\n".utf8).base64EncodedString()
        _ = try w.call(admin, Method.uploadAppend, #"{"upload":"\#(upload.upload)","data":"\#(csv)"}"#, as: UploadResult.self, on: connection).get()
        _ = try w.call(admin, Method.rosterImport, #"{"staff":"\#(upload.upload)","dryRun":false}"#, as: RosterImportResult.self, on: connection).get()
        #expect(try w.engine.store.read { try $0.staff("A0002") }?.role == .admin)
    }
}
