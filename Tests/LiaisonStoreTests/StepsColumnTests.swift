import Foundation
import Testing
@testable import LiaisonCore
@testable import LiaisonStore

/// A case's steps column is read by hand on the hot path (every receipt
/// and step reads its case) and by JSONDecoder for anything else: both
/// must give back exactly what was written, and what JSONEncoder wrote
/// before reads the same.
@Suite struct StepsColumnTests {
    static func randomSteps(_ rng: inout some RandomNumberGenerator) -> [StepState] {
        let statuses: [StepStatus] = [.waiting, .pending, .done, .overdue, .notApplicable]
        return (0..<Int.random(in: 0...7, using: &rng)).map { i in
            var s = StepState(id: ["notify-parents", "meet-parents", "步骤\(i)", "a\"quote\\d"][i % 4] + "\(i)",
                              status: statuses.randomElement(using: &rng)!,
                              due: Bool.random(using: &rng) ? Date(timeIntervalSinceReferenceDate: Double.random(in: 0...1e9, using: &rng)) : nil)
            if Bool.random(using: &rng) { s.doneAt = Date(timeIntervalSinceReferenceDate: Double.random(in: -1e6...1e9, using: &rng)) }
            if Bool.random(using: &rng) { s.evidence = EvidenceLevel.allCases.randomElement(using: &rng) }
            if Bool.random(using: &rng) { s.lateSeconds = Double.random(in: 0...1e6, using: &rng) }
            if Bool.random(using: &rng) { s.dueBy = "effective" }
            s.escalations = Int.random(in: 0...3, using: &rng)
            return s
        }
    }

    @Test func whatIsWrittenReadsBackTheSameEitherWay() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let steps = Self.randomSteps(&rng)
            let text = SQLiteSession.stepsJSON(steps)
            #expect(SQLiteSession.steps(text) == steps, "\(text)")
            #expect(try JSONDecoder().decode([StepState].self, from: Data(text.utf8)) == steps, "\(text)")
            // As JSONEncoder wrote the column before: other key order, escapes, spaces.
            let older = String(decoding: try JSONEncoder().encode(steps), as: UTF8.self)
            #expect(SQLiteSession.steps(older) == steps, "\(older)")
        }
    }

    @Test func whatTheHandReaderDoesNotKnowGoesToJSONDecoder() {
        // A key it does not know: JSONDecoder reads it (and ignores the key).
        let extra = #"[{"id":"x","status":"done","escalations":0,"note":"旧版本"}]"#
        #expect(SQLiteSession.steps(extra).map(\.id) == ["x"])
        // Not steps at all: nothing, as before.
        #expect(SQLiteSession.steps("not json").isEmpty && SQLiteSession.steps("[]").isEmpty)
    }
}
