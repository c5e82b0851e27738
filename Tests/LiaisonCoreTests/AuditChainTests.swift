import Foundation
import Testing
@testable import LiaisonCore

/// The audit log's hash chain as values (issue 14.3): sealing, and finding
/// the first bad row of a changed, removed, reordered or re-linked log.
@Suite struct AuditChainTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    /// A chain of `n` rows, as the store would seal them.
    func chain(_ n: Int) -> [AuditEntry] {
        var rows: [AuditEntry] = []
        for i in 1...n {
            let draft = AuditDraft(at: Self.t0.addingTimeInterval(Double(i)), actor: i % 2 == 0 ? "O0001" : "T0101",
                                   action: i % 3 == 0 ? .studentRead : .caseRead, studentID: "20230101\(String(format: "%02d", i))",
                                   caseID: i % 3 == 0 ? nil : "C2026-\(String(format: "%04d", i))", scope: .own)
            rows.append(AuditChain.seal(draft, seq: Int64(i), after: rows.last?.hash ?? AuditChain.genesis))
        }
        return rows
    }

    @Test func aSealedChainVerifies() {
        #expect(AuditChain.verify([AuditEntry]()) == nil)
        let rows = chain(6)
        #expect(AuditChain.verify(rows) == nil)
        #expect(rows[0].prevHash == AuditChain.genesis && rows[1].prevHash == rows[0].hash)
        #expect(rows.allSatisfy { $0.hash.count == 64 && $0.hash.allSatisfy(\.isHexDigit) })
    }

    /// The rule is stored data: rows written today must verify forever.
    /// These hashes were computed outside Swift (Python's hashlib over the
    /// encoding docs/AUDIT.md describes).
    @Test func theHashRuleIsPinned() {
        let one = AuditChain.seal(AuditDraft(at: Date(timeIntervalSince1970: 1_796_000_000), actor: "T0101", action: .caseRead,
                                             studentID: "2023010101", caseID: "C2026-0001", scope: .own),
                                  seq: 1, after: AuditChain.genesis)
        #expect(one.hash == "ada340afdff28330214d2445c6ffc796e570bdfad145f9e05ea64a73d00a09c5")
        let two = AuditChain.seal(AuditDraft(at: Date(timeIntervalSince1970: 1_796_000_001), actor: "O0001", action: .studentRead,
                                             studentID: "2023010102", scope: .breakGlass, reason: "家长来电，辅导员不在"),
                                  seq: 2, after: one.hash)
        #expect(two.hash == "0e242625a97f6e1764c2006d4243e0c1ed2abed91dc51690f72ede3ab534cbc1")
    }

    @Test func aChangedFieldIsFoundAtItsRow() {
        let rows = chain(6)
        let edits: [(String, (inout AuditEntry) -> Void)] = [
            ("actor", { $0.actor = "T0999" }), ("action", { $0.action = .contactRead }), ("student", { $0.studentID = "2023019999" }),
            ("case removed", { $0.caseID = nil }), ("scope", { $0.scope = .breakGlass }), ("reason", { $0.reason = "x" }),
            ("detail", { $0.detail = "y" }), ("time", { $0.at = $0.at.addingTimeInterval(0.001) }), ("seq", { $0.seq = 9 }),
        ]
        for (what, edit) in edits {
            var tampered = rows
            edit(&tampered[3])
            let broken = AuditChain.verify(tampered)
            if what == "seq" {
                // Renumbered: row 4 is gone from its place.
                #expect(broken?.seq == 4 && broken?.reason.contains("missing") == true, "\(what): \(String(describing: broken))")
            } else {
                #expect(broken == AuditBreak(seq: 4, reason: "row 4 was changed: its fields do not match its hash"), "\(what)")
            }
        }
        // An absent case and an empty one are different rows.
        var empty = rows
        empty[2].caseID = ""
        #expect(AuditChain.verify(empty)?.seq == 3)
        // Field boundaries count: moving text from one field to the next is a change.
        var shifted = chain(2)
        shifted[1].reason = "ab"
        shifted[1].hash = AuditChain.hash(of: shifted[1])
        var moved = shifted
        moved[1].reason = "a"; moved[1].detail = "b" + moved[1].detail
        #expect(AuditChain.hash(of: moved[1]) != shifted[1].hash)
    }

    @Test func aRemovedRowIsNamed() {
        var rows = chain(6)
        rows.remove(at: 2)
        let broken = AuditChain.verify(rows)
        #expect(broken == AuditBreak(seq: 3, reason: "row 3 is missing: row 4 follows row 2"))
        var first = chain(3)
        first.removeFirst()
        #expect(AuditChain.verify(first) == AuditBreak(seq: 1, reason: "row 1 is missing: row 2 follows nothing"))
        var two = chain(6)
        two.removeSubrange(1...2)
        #expect(AuditChain.verify(two)?.reason == "rows 2–3 are missing: row 4 follows row 1")
    }

    /// Someone who rewrites a row and recomputes its hash leaves the next
    /// row's link broken.
    @Test func aRewrittenRowWithARecomputedHashBreaksTheNextLink() {
        var rows = chain(5)
        rows[1].actor = "T0999"
        rows[1].hash = AuditChain.hash(of: rows[1])
        let broken = AuditChain.verify(rows)
        #expect(broken?.seq == 3, "\(String(describing: broken))")
        #expect(broken?.reason.contains("row 2 was rewritten with a recomputed hash") == true)
        // Two rows swapped, each renumbered into the other's place.
        var swapped = chain(4)
        swapped.swapAt(1, 2)
        swapped[1].seq = 2; swapped[2].seq = 3
        #expect(AuditChain.verify(swapped)?.seq == 2)
    }

    /// A cut at the end leaves a valid chain: only the counter of rows
    /// written shows it.
    @Test func aCutEndIsFoundOnlyAgainstTheCounter() {
        let rows = chain(5)
        var v = AuditChain.Verifier()
        for r in rows.prefix(3) { #expect(v.check(r) == nil) }
        #expect(v.finish(written: 3) == nil)
        #expect(v.finish(written: 5) == AuditBreak(seq: 4, reason: "rows 4–5 are missing: 5 rows were written, the log ends at row 3"))
        #expect(v.count == 3 && v.lastSeq == 3 && v.head == rows[2].hash)
    }

    @Test func scopeIsTheActorsRelationToTheStudent() {
        let student = Student(id: "2023010101", name: "张三", college: "旅游管理学院", className: "旅游2301班", counselorID: "T0101")
        func scope(_ who: Staff, classes: [ClassRecord] = [], _ s: Student? = student) -> AuditScope {
            Responsibility(staff: who, classes: classes).auditScope(for: s)
        }
        #expect(scope(Staff(id: "T0101", name: "a", role: .counselor, college: "旅游管理学院")) == .own)
        #expect(scope(Staff(id: "T0105", name: "b", role: .teacher, college: "旅游管理学院"),
                      classes: [ClassRecord(name: "旅游2301班", college: "旅游管理学院", counselorID: "T0101", teacherID: "T0105")]) == .own)
        #expect(scope(Staff(id: "S0100", name: "c", role: .supervisor, college: "旅游管理学院")) == .college)
        #expect(scope(Staff(id: "T0201", name: "d", role: .counselor, college: "艺术学院")) == .school)
        #expect(scope(.administrator) == .school)
        #expect(scope(.administrator, nil) == .school)
    }
}
