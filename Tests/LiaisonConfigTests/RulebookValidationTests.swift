import Foundation
import Testing
@testable import LiaisonConfig
@testable import LiaisonCore

/// One test per class of rulebook error, each checking the file:line:column
/// in the message.
@Suite struct RulebookValidationTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/rules").path

    /// A copy of the shipped set with one file replaced.
    func problems(replacing kind: String, with yaml: String) throws -> [String] {
        let dir = NSTemporaryDirectory() + "rules-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Self.shipped, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try yaml.write(toFile: "\(dir)/\(kind).yaml", atomically: true, encoding: .utf8)
        do {
            _ = try RulebookLoader.load(directory: dir)
            return []
        } catch let e as LiaisonError {
            #expect(e.message.contains("none was loaded"))
            return e.details.map { $0.replacingOccurrences(of: dir + "/", with: "") }
        }
    }

    func book(_ steps: String, policy: String = "[P2.2.3]") -> String {
        "kind: accident\nversion: 2\npolicy: \(policy)\nsteps:\n" + steps
    }

    @Test func theShippedRulebooksAreValidAndCoverEveryKind() throws {
        let books = try RulebookLoader.load(directory: Self.shipped)
        #expect(Set(books.map(\.kind)) == Set(CaseKind.allCases))
        for b in books {
            let parents = b.steps.filter(\.notifiesParents)
            #expect(!parents.isEmpty && parents.allSatisfy { $0.mandatory == false || $0.evidence >= .delivered }, "\(b.kind)")
            #expect(b.steps.allSatisfy { !$0.policy.isEmpty })
        }
        let accident = books.first { $0.kind == .accident }!
        #expect(accident.step("notify-parents")?.due == DeadlineRule(afterStep: nil, span: .hours(2)))
        #expect(accident.step("meet-parents")?.due == DeadlineRule(afterStep: nil, span: .hours(72)))
        #expect(accident.urgent == true)
        #expect(accident.step("minor-guardian-consent")?.when == .minor)
        let suspension = books.first { $0.kind == .suspension }!
        #expect(suspension.step("notify-parents")?.due?.span == .workingDays(1))
        #expect(suspension.step("formal-document")?.due == DeadlineRule(afterStep: "notify-parents", span: .workingDays(5)))
        let fraud = books.first { $0.kind == .fraudVictim }!
        #expect(Set(fraud.steps.map(\.id)) == ["police-report", "security-informed", "office-informed", "notify-parents"])
        // The Student Affairs Office's defaults (issue 12): the police report,
        // the parents and the office itself, each within 24 h.
        #expect(["police-report", "office-informed", "notify-parents"].allSatisfy { fraud.step($0)?.due == DeadlineRule(afterStep: nil, span: .hours(24)) && fraud.step($0)?.mandatory == true })
        #expect(books.first { $0.kind == .psychologicalCrisis }!.step("meet-parents")?.due?.span == .hours(24))
        for kind in [CaseKind.studyAversion, .suspension, .withdrawal, .sanction] {
            let b = books.first { $0.kind == kind }!
            #expect(b.step("notify-parents")?.due?.span == .workingDays(1), "\(kind)")
            #expect(b.step("meet-parents")?.due?.span == .workingDays(5), "\(kind)")
            #expect(b.urgent == false, "\(kind): waits out quiet hours")
        }
        for kind in [CaseKind.accident, .suddenIllness, .psychologicalCrisis, .fraudVictim] {
            #expect(books.first { $0.kind == kind }!.urgent == true, "\(kind) is urgent")
        }
        // Only an expulsion brings the parents to campus and the letter at once (P2.2.3, P2.2.2).
        let sanction = books.first { $0.kind == .sanction }!
        #expect(sanction.step("meet-parents")?.when == .expulsion && sanction.step("formal-document")?.when == .expulsion)
        #expect(sanction.step("notify-parents")?.when == nil)
        // Meetings about a status change are due before it takes effect when that is sooner.
        #expect([CaseKind.suspension, .withdrawal, .sanction].allSatisfy { k in books.first { $0.kind == k }!.step("meet-parents")?.due?.beforeEffective == true })
        // Every kind's mandatory steps escalate to the college supervisors, then the office.
        for b in books {
            for step in b.steps where step.mandatory {
                #expect(step.escalate.prefix(2) == [.supervisor, .office], "\(b.kind) \(step.id): \(step.escalate)")
            }
        }
    }

    @Test func unknownStepReferenced() throws {
        let p = try problems(replacing: "accident", with: book("""
              - id: a
                mandatory: true
                due: {after: nowhere, hours: 2}
                escalate: [supervisor]
                policy: [P2.2.3]

            """))
        #expect(p == ["accident.yaml:5:5: step a is due after nowhere, which is not a step of this rulebook (steps: a)"])
    }

    @Test func aCycle() throws {
        let p = try problems(replacing: "accident", with: book("""
              - id: a
                due: {after: b, hours: 1}
                escalate: [office]
                policy: [P2.2.3]
              - id: b
                due: {after: a, hours: 1}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(p == ["accident.yaml:5:5: the deadlines of a → b → a form a cycle; one of them must be due after the opening"])
    }

    @Test func deadlinesThatCannotBeComputed() throws {
        let both = try problems(replacing: "accident", with: book("""
              - id: a
                due: {hours: 2, working_days: 1}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(both.first?.hasPrefix("accident.yaml:6:10: due gives both hours and working_days") == true)
        let neither = try problems(replacing: "accident", with: book("""
              - id: a
                due: {after: opened}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(neither.first?.hasPrefix("accident.yaml:6:10: due needs hours: or working_days:") == true)
        let conditional = try problems(replacing: "accident", with: book("""
              - id: minor-only
                when: minor
                due: {hours: 1}
                escalate: [office]
                policy: [P2.2.3]
              - id: after-it
                due: {after: minor-only, hours: 1}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(conditional == ["accident.yaml:10:5: step after-it is due after minor-only, which applies only when minor; the deadline cannot be computed for other cases — give after-it the same when: or another anchor"])
        let negative = try problems(replacing: "accident", with: book("""
              - id: a
                due: {hours: -3}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(negative == ["accident.yaml:5:5: step a: a deadline of -3 hours cannot be met; use a positive number"])
    }

    @Test func anEscalationTargetThatDoesNotExist() throws {
        let p = try problems(replacing: "accident", with: book("""
              - id: a
                due: {hours: 2}
                escalate: [supervisor, president]
                policy: [P2.2.3]

            """))
        #expect(p.first?.hasPrefix("accident.yaml:7:28: escalation target \"president\" does not exist") == true, "\(p)")
    }

    @Test func missingAndUnknownPolicyIDs() throws {
        let p = try problems(replacing: "accident", with: book("""
              - id: a
                due: {hours: 2}
                escalate: [office]
              - id: b
                due: {hours: 2}
                escalate: [office]
                policy: [P9.9]

            """, policy: "[]"))
        #expect(p.contains { $0.hasPrefix("accident.yaml:1:1: the rulebook cites no policy id") })
        #expect(p.contains("accident.yaml:5:5: step a cites no policy id; every step says which clause it serves"))
        #expect(p.contains { $0.hasPrefix("accident.yaml:8:5: P9.9 is not a clause of POLICY.md") })
    }

    @Test func sentNeverProvesAParentWasTold() throws {
        let p = try problems(replacing: "accident", with: book("""
              - id: tell
                mandatory: true
                notifies_parents: true
                evidence: attempted
                due: {hours: 2}
                escalate: [office]
                policy: [P2.2.3]

            """))
        #expect(p.first?.hasPrefix("accident.yaml:5:5: step tell notifies parents but accepts evidence attempted") == true)
    }

    @Test func shapeErrors() throws {
        #expect(try problems(replacing: "accident", with: book("  - id: a\n    colour: red\n")).first?.hasPrefix("accident.yaml:6:5: unknown key \"colour\" in a step") == true)
        #expect(try problems(replacing: "accident", with: book("  - id: a\n    evidence: rumour\n")).first?.hasPrefix("accident.yaml:6:15: evidence \"rumour\" is not a level") == true)
        #expect(try problems(replacing: "accident", with: book("  - id: a\n    mandatory: true\n    policy: [P2.2.3]\n")) == ["accident.yaml:5:5: mandatory step a has no deadline (due:); nobody would ever be told it is late"])
        #expect(try problems(replacing: "accident", with: "kind: party\nsteps: []\n").first == "accident.yaml:1:7: kind \"party\" is not a case kind; use one of \(CaseKind.usageList)")
        #expect(try problems(replacing: "accident", with: "kind: accident\nsteps: [\n") .first?.contains("YAML syntax") == true)
    }

    @Test func everyKindNeedsExactlyOneRulebook() throws {
        let p = try problems(replacing: "accident", with: try String(contentsOfFile: Self.shipped + "/withdrawal.yaml", encoding: .utf8))
        #expect(p.contains { $0.contains("a second rulebook for withdrawal") })
        #expect(p.contains("no rulebook for accident (意外事故); every case kind needs one"))
    }
}
