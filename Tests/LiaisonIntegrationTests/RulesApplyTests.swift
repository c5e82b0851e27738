import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// Rulebook plans you can hold to (issue 12, item 12): `rules plan` gives an
/// id, `rules apply ID` installs the daemon's rules directory only while the
/// plan is still that one. Through the real liaisond and liaisonctl.
@Suite struct RulesApplyTests {
    struct ErrorObject: Decodable { var error: WireError }

    /// A daemon whose rules directory is a copy of the shipped one, with the
    /// accident rulebook raised to version 4 (notify-parents due in 4 h, not 2)
    /// after the daemon started on version 3.
    func daemonWithEditedRules(socketGroup: String? = nil) throws -> (Daemon, String) {
        let d = try Daemon(socketGroup: socketGroup, extra: "clock: virtual")
        let rules = d.dir.appendingPathComponent("rules").path
        try FileManager.default.copyItem(atPath: Daemon.rulesDirectory, toPath: rules)
        chmod(rules, 0o755)
        try d.config.replacingOccurrences(of: "rules: \(Daemon.rulesDirectory)", with: "rules: \(rules)")
            .write(toFile: d.configPath, atomically: true, encoding: .utf8)
        try d.start()
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 3)
        return (d, rules)
    }

    func raiseAccidentVersion(_ rules: String) throws {
        let raised = try String(contentsOfFile: rules + "/accident.yaml", encoding: .utf8)
            .replacingOccurrences(of: "version: 3", with: "version: 4")
            .replacingOccurrences(of: "due: {hours: 2}", with: "due: {hours: 4}")
        try raised.write(toFile: rules + "/accident.yaml", atomically: true, encoding: .utf8)
    }

    func openAccident(_ d: Daemon, _ student: String = "2023010101") throws -> CaseRecord {
        try d.json(CaseRecord.self, "case", "open", "accident", "--student", student, "--summary", "摔伤")
    }

    @Test func planThenApplyInstallsExactlyThePlan() throws {
        let (d, rules) = try daemonWithEditedRules()
        let c = try openAccident(d)
        try raiseAccidentVersion(rules)

        // The daemon plans its own directory; nothing is installed by planning.
        let plan = try d.json(RulesPlanResult.self, "rules", "plan")
        #expect(plan.fromRulesDirectory && plan.rulesDirectory == rules && !plan.applied)
        #expect(plan.plan.count == 12 && plan.plan.allSatisfy(\.isHexDigit), "\(plan.plan)")
        #expect(plan.rulebooks.contains("accident v4"))
        #expect(plan.cases.map(\.caseID) == [c.id] && plan.cases[0].action == .migrate)
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 3)
        let human = try d.ctl("rules", "plan")
        #expect(human.out.contains("plan \(plan.plan)") && human.out.contains("liaisonctl rules apply \(plan.plan)") && human.out.contains("3 → 4"), "\(human.out)")
        // The same rules read from another directory are the same plan.
        let copy = d.dir.appendingPathComponent("candidate").path
        try FileManager.default.copyItem(atPath: rules, toPath: copy)
        let candidate = try d.json(RulesPlanResult.self, "rules", "plan", copy)
        #expect(candidate.plan == plan.plan && !candidate.fromRulesDirectory)
        // Planning again with nothing changed gives the same id.
        #expect(try d.json(RulesPlanResult.self, "rules", "plan").plan == plan.plan)

        let applied = try d.json(RulesPlanResult.self, "rules", "apply", plan.plan)
        #expect(applied.applied && applied.plan == plan.plan && applied.cases == plan.cases)
        let after = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(after.record.rulebookVersion == 4)
        #expect(after.record.steps.first { $0.id == "notify-parents" }?.due == c.openedAt.addingTimeInterval(4 * 3600))
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 4)
        #expect(d.log.contains("rules applied by root: plan \(plan.plan)"), "\(d.log)")

        // Now the directory and the daemon agree: the plan touches no case, and applying it changes nothing.
        let settled = try d.json(RulesPlanResult.self, "rules", "plan")
        #expect(settled.cases.isEmpty && settled.plan != plan.plan)
        #expect(try d.ctl("rules", "apply", settled.plan).status == 0)
        #expect(try d.json(CaseDetail.self, "case", "show", c.id).events.filter { $0.type == .caseMigrated }.count == 1)
    }

    @Test func aPlanThatChangedIsRefusedWithTheNewPlan() throws {
        let (d, rules) = try daemonWithEditedRules()
        let first = try openAccident(d)
        try raiseAccidentVersion(rules)
        let plan = try d.json(RulesPlanResult.self, "rules", "plan")
        #expect(plan.cases.map(\.caseID) == [first.id])

        // Another accident is opened after the plan was reviewed: the plan would now move two cases.
        let second = try openAccident(d, "2023010102")
        let refused = try d.ctl("rules", "apply", plan.plan)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.err.contains("the plan changed: \(plan.plan) no longer holds"), "\(refused.err)")
        #expect(refused.err.contains(second.id), "the new plan is shown: \(refused.err)")

        let json = try d.ctl("rules", "apply", plan.plan, "--json")
        #expect(json.status == 1)
        let e = try JSONDecoder().decode(ErrorObject.self, from: Data(json.out.utf8)).error
        #expect(e.code == "conflict", "\(e)")
        let now = try d.json(RulesPlanResult.self, "rules", "plan")
        #expect(now.plan != plan.plan && now.cases.map(\.caseID) == [first.id, second.id])
        #expect(e.message.contains("the plan is now \(now.plan)") && e.message.contains("liaisonctl rules apply \(now.plan)"), "\(e.message)")
        let details = e.details ?? []
        #expect(details.first == "plan \(now.plan): \(now.rulebooks.joined(separator: ", "))", "\(details)")
        #expect(details.contains { $0.hasPrefix("\(first.id) accident v3 moves to v4: notify-parents due") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("\(second.id) accident v3 moves to v4") }, "\(details)")

        // Nothing was installed by the refusals.
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 3)
        #expect(try d.json(CaseDetail.self, "case", "show", first.id).record.rulebookVersion == 3)

        // The new plan, once reviewed, applies.
        #expect(try d.json(RulesPlanResult.self, "rules", "apply", now.plan).applied)
        for id in [first.id, second.id] { #expect(try d.json(CaseDetail.self, "case", "show", id).record.rulebookVersion == 4) }
    }

    @Test func aBadRulesDirectoryIsRefusedWithItsProblems() throws {
        let (d, rules) = try daemonWithEditedRules()
        let plan = try d.json(RulesPlanResult.self, "rules", "plan")
        try "kind: accident\nversion: 4\npolicy: [P2.2.3]\nsteps:\n  - id: a\n    due: {after: b, hours: 1}\n    escalate: [office]\n    policy: [P2.2.3]\n"
            .write(toFile: rules + "/accident.yaml", atomically: true, encoding: .utf8)
        let o = try d.ctl("rules", "apply", plan.plan)
        #expect(o.status == 1 && o.err.contains("\(rules)/accident.yaml:5:5: step a is due after b"), "\(o.err)")
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 3)
    }

    @Test func onlyTheOfficeAndTheAdministratorMayApply() throws {
        let (d, rules) = try daemonWithEditedRules(socketGroup: "nogroup")
        func asNobody(_ args: String...) throws -> Output { try d.asNobody(args) }
        func importStaff(nobodyAs role: String) throws {
            let staff = """
                staff_id,name,role,college,unix_user,phone
                T0101,王丽,counselor,旅游管理学院,,13800000001
                S0100,李强,supervisor,旅游管理学院,,13800000002
                T0102,赵敏,counselor,旅游管理学院,\(role == "counselor" ? "nobody" : ""),13800000003
                O0001,孙伟,office,,\(role == "office" ? "nobody" : ""),13800000004

                """
            let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Fixtures.guardians),
                         try d.write("staff.csv", staff)]
            let o = try d.ctl(["roster", "import"] + files)
            #expect(o.status == 0, "\(o.err)")
        }
        try importStaff(nobodyAs: "counselor")
        _ = try openAccident(d)
        try raiseAccidentVersion(rules)
        let plan = try d.json(RulesPlanResult.self, "rules", "plan")

        // A counselor may read the plan but not apply it.
        #expect(try asNobody("rules", "plan").status == 0)
        let counselor = try asNobody("rules", "apply", plan.plan)
        #expect(counselor.status == 1 && counselor.err.contains("rules.apply is for office (学生工作处), admin (管理员) (it changes the rules every case is held to"), "\(counselor.err)")
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 3)

        // The Student Affairs Office may.
        try importStaff(nobodyAs: "office")
        let office = try asNobody("rules", "apply", plan.plan)
        #expect(office.status == 0, "\(office.err)")
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 4)
        #expect(d.log.contains("rules applied by O0001"), "\(d.log)")
    }
}
