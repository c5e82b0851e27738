import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

@Suite struct RulesCLITests {
    @Test func checkAndShow() throws {
        let ok = try run(Binaries.liaisonctl, ["rules", "check", Daemon.rulesDirectory])
        #expect(ok.status == 0 && ok.out.contains("8 rulebooks, all valid"), "\(ok.err)")

        let dir = NSTemporaryDirectory() + "rules-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Daemon.rulesDirectory, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "kind: accident\npolicy: [P2.2.3]\nsteps:\n  - id: a\n    due: {after: b, hours: 1}\n    escalate: [office]\n    policy: [P2.2.3]\n"
            .write(toFile: dir + "/accident.yaml", atomically: true, encoding: .utf8)
        let bad = try run(Binaries.liaisonctl, ["rules", "check", dir])
        #expect(bad.status == 1)
        #expect(bad.err.contains("\(dir)/accident.yaml:4:5: step a is due after b, which is not a step of this rulebook"), "\(bad.err)")

        // From the daemon, as loaded; and a reload with a bad set keeps the good one.
        let d = try Daemon()
        try d.start()
        let shown = try d.json(Rulebook.self, "rules", "show", "withdrawal")
        #expect(shown.kind == .withdrawal && shown.step("formal-document")?.evidence == .delivered)
        #expect(try d.ctl("rules", "show", "意外事故").out.contains("72 h after opening"))
        try d.config.replacingOccurrences(of: "rules: \(Daemon.rulesDirectory)", with: "rules: \(dir)")
            .write(toFile: d.configPath, atomically: true, encoding: .utf8)
        kill(d.process!.processIdentifier, SIGHUP)
        #expect(eventually { d.log.contains("reload refused") })
        #expect(d.log.contains("reload refused, the running configuration is kept: the rulebooks in \(dir) have 1 problem"), "\(d.log)")
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").steps.count == 3)
    }
}

@Suite struct RulesReloadTests {
    @Test func planThenReloadAppliesExactlyThePlan() throws {
        let d = try Daemon(extra: "clock: virtual")
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let dir = NSTemporaryDirectory() + "rules-v2-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Daemon.rulesDirectory, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v2 = try String(contentsOfFile: dir + "/accident.yaml", encoding: .utf8)
            .replacingOccurrences(of: "version: 3", with: "version: 4")
            .replacingOccurrences(of: "due: {hours: 2}", with: "due: {hours: 4}")
        try v2.write(toFile: dir + "/accident.yaml", atomically: true, encoding: .utf8)

        let plan = try d.json(RulesPlanResult.self, "rules", "plan", dir).cases
        #expect(plan.count == 1 && plan[0].caseID == c.id && plan[0].action == .migrate)
        #expect(plan[0].changes.map(\.step) == ["notify-parents"] && plan[0].changes[0].newDue == c.openedAt.addingTimeInterval(4 * 3600))
        #expect(try d.ctl("rules", "plan", dir).out.contains("3 → 4"))

        try d.config.replacingOccurrences(of: "rules: \(Daemon.rulesDirectory)", with: "rules: \(dir)")
            .write(toFile: d.configPath, atomically: true, encoding: .utf8)
        kill(d.process!.processIdentifier, SIGHUP)
        #expect(eventually { d.log.contains("reloaded") })
        let after = try d.json(CaseDetail.self, "case", "show", c.id)
        #expect(after.record.rulebookVersion == 4)
        #expect(after.record.steps.first { $0.id == "notify-parents" }?.due == plan[0].changes[0].newDue)
        #expect(after.events.last?.type == .caseMigrated)
        #expect(try d.json(Rulebook.self, "rules", "show", "accident").version == 4)
    }
}
