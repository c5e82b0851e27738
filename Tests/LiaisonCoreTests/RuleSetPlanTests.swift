import Foundation
import Testing
@testable import LiaisonCore

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        // FIPS 180-4 examples and the empty message.
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Across the padding boundary (55, 56 and 64 bytes) and a multi-block message.
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

@Suite struct RuleSetPlanTests {
    func book(version: Int = 2, hours: Int = 2, source: String = "a.yaml:1:1") -> Rulebook {
        Rulebook(kind: .accident, version: version, title: "意外事故", policy: ["P2.2.3"],
                 steps: [StepRule(id: "notify-parents", title: "告知家长", mandatory: true, notifiesParents: true, evidence: .acknowledged,
                                  due: DeadlineRule(afterStep: nil, span: .hours(hours)), escalate: [.supervisor], when: nil,
                                  policy: ["P2.2.3"], source: source)],
                 source: source)
    }

    func migrate(_ id: String, due: Date) -> CasePlan {
        CasePlan(caseID: id, kind: .accident, fromVersion: 2, toVersion: 3, action: .migrate,
                 changes: [.init(step: "notify-parents", change: "moved", oldDue: due, newDue: due.addingTimeInterval(7200))], reason: nil)
    }

    @Test func theIdCoversTheRulesAndTheAffectedCasesButNotWhereTheFilesWere() {
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        let base = RuleSetPlan([book(version: 3, hours: 4)], cases: [migrate("C2026-0001", due: t)])
        #expect(base.id.count == 12 && base.rulebooks == ["accident v3"])
        // Same rules read from elsewhere; cases given in another order.
        #expect(RuleSetPlan([book(version: 3, hours: 4, source: "/tmp/x/accident.yaml:9:9")], cases: [migrate("C2026-0001", due: t)]).id == base.id)
        let two = [migrate("C2026-0002", due: t), migrate("C2026-0001", due: t)]
        #expect(RuleSetPlan([book(version: 3, hours: 4)], cases: two).id == RuleSetPlan([book(version: 3, hours: 4)], cases: two.reversed()).id)
        // Anything that changes what would happen changes the id.
        #expect(RuleSetPlan([book(version: 3, hours: 5)], cases: [migrate("C2026-0001", due: t)]).id != base.id)
        #expect(RuleSetPlan([book(version: 3, hours: 4)], cases: two).id != base.id)
        #expect(RuleSetPlan([book(version: 3, hours: 4)], cases: [migrate("C2026-0001", due: t.addingTimeInterval(1))]).id != base.id)
        var stay = migrate("C2026-0001", due: t)
        stay.action = .stay
        stay.reason = "version 3 drops mandatory step x"
        #expect(RuleSetPlan([book(version: 3, hours: 4)], cases: [stay]).id != base.id)
        #expect(RuleSetPlan([book(version: 3, hours: 4)], cases: []).id != base.id)
    }
}
