import Foundation
import Testing
import LiaisonConfig
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore

/// A case of every kind through its rulebook on a virtual clock: on time,
/// late (escalation at exactly the right instants), evidence below the level
/// asked, and a restart in the middle.
@Suite struct RulebookScenarioTests {
    let staff = Staff(id: "T0101", name: "老师", role: .counselor)
    let books = try! RulebookLoader.load(directory: shippedRules)

    /// An engine on a fresh database, and a way to "restart" it on the same file.
    final class World {
        let path: String
        let clock: VirtualClock
        var engine: Engine
        let books: [Rulebook]

        init(books: [Rulebook]) throws {
            let (store, dir) = try temporaryStore()
            path = dir.appendingPathComponent("liaison.db").path
            // A Monday 09:00 in Shanghai, so working days are easy to read.
            clock = VirtualClock(start: SchoolCalendar().parse("2026-11-30 09:00")!)
            self.books = books
            engine = Engine(store: store, clock: clock)
            engine.setRulebooks(books, templates: shippedTemplates)
            _ = try engine.loadDemoRosterIfEmpty()
        }

        func restart() throws {
            try (engine.store as! SQLiteStore).close()
            engine = Engine(store: try SQLiteStore(path: path), clock: clock)
            engine.setRulebooks(books, templates: shippedTemplates)
        }

        func events(_ id: String, _ type: EventType) throws -> [Event] {
            try engine.caseDetail(id, by: .administrator).events.filter { $0.type == type }
        }
    }

    func required(_ rule: StepRule) -> EvidenceLevel { rule.notifiesParents ? rule.evidence : .attempted }

    /// A sanction case needs its level: an expulsion, so that every step applies.
    func facts(_ kind: CaseKind) -> CaseFacts { kind == .sanction ? CaseFacts(sanctionLevel: .expulsion) : CaseFacts() }

    @Test(arguments: CaseKind.allCases)
    func onTime(_ kind: CaseKind) throws {
        let w = try World(books: books)
        let book = try w.engine.rulebook(kind)
        var c = try w.engine.openCase(kind: kind, studentID: "2023010101", summary: "x", occurredAt: nil, facts: facts(kind), by: staff)
        // Do every applicable step a little before it is due, the soonest first
        // (a waiting step becomes pending, with its due time, once its anchor is done).
        while let s = c.steps.filter({ $0.status == .pending }).min(by: { $0.due! < $1.due! }) {
            let rule = book.step(s.id)!
            if let due = s.due { _ = try w.engine.moveClock(to: due.addingTimeInterval(-60)) }
            c = try w.engine.recordEvidence(caseID: c.id, stepID: s.id, level: required(rule), channel: "phone", note: "", by: staff)
            #expect(c.steps.first { $0.id == s.id }?.status == .done)
        }
        _ = try w.engine.moveClock(to: w.clock.now().addingTimeInterval(30 * 86400))
        #expect(try w.events(c.id, .deadlineMissed).isEmpty)
        #expect(try w.engine.outbox(caseID: c.id).filter { $0.topic == "escalation" }.isEmpty, "no escalation when on time")
        #expect(c.steps.allSatisfy { $0.status == .done || $0.status == .notApplicable })
        #expect(c.steps.allSatisfy { $0.lateSeconds == nil })
    }

    @Test(arguments: CaseKind.allCases)
    func lateEscalatesAtTheRightInstants(_ kind: CaseKind) throws {
        let w = try World(books: books)
        let book = try w.engine.rulebook(kind)
        let c = try w.engine.openCase(kind: kind, studentID: "2023010101", summary: "右腿骨折住院", occurredAt: nil, facts: facts(kind), by: staff)
        let first = c.steps.filter { $0.due != nil }.min { $0.due! < $1.due! }!
        let rule = book.step(first.id)!
        let due = first.due!
        _ = try w.engine.moveClock(to: due.addingTimeInterval(-1))
        #expect(try w.events(c.id, .deadlineMissed).isEmpty, "nothing before the deadline")
        _ = try w.engine.moveClock(to: due)
        let missed = try w.events(c.id, .deadlineMissed).filter { $0.payload["step"] == first.id }
        #expect(missed.count == 1 && abs(missed[0].at.timeIntervalSince(due)) < 0.002)
        #expect(try w.engine.caseDetail(c.id, by: .administrator).record.steps.first { $0.id == first.id }?.status == .overdue)
        let overdueHere = try w.engine.caseDetail(c.id, by: .administrator).record.steps.filter { $0.status == .overdue }.count
        let counted = try w.engine.counts().overdueSteps
        #expect(overdueHere >= 1 && counted == overdueHere, "the store's count agrees with the case")
        var escalations = try w.events(c.id, .escalationSent).filter { $0.payload["step"] == first.id }
        #expect(escalations.map { $0.payload["target"] } == [rule.escalate[0].rawValue])
        // The next target hears one interval later (the step's span, at most a day).
        if rule.escalate.count > 1 {
            let interval: TimeInterval
            switch rule.due!.span {
            case let .hours(h): interval = min(TimeInterval(h) * 3600, 86400)
            case .workingDays: interval = 86400
            }
            _ = try w.engine.moveClock(to: due.addingTimeInterval(interval - 1))
            #expect(try w.events(c.id, .escalationSent).filter { $0.payload["step"] == first.id }.count == 1)
            _ = try w.engine.moveClock(to: due.addingTimeInterval(interval))
            escalations = try w.events(c.id, .escalationSent).filter { $0.payload["step"] == first.id }
            #expect(escalations.map { $0.payload["target"] } == rule.escalate.prefix(2).map(\.rawValue))
            #expect(abs(escalations[1].at.timeIntervalSince(due.addingTimeInterval(interval))) < 0.002)
        }
        // The outbox holds a message for each escalation; no message, to staff
        // or to parents, names the health details of the summary.
        let all = try w.engine.outbox(caseID: c.id)
        #expect(all.allSatisfy { !$0.body.contains("骨折") && !$0.fields.values.contains { $0.contains("骨折") } })
        let outbox = all.filter { $0.topic == "escalation" }
        #expect(!outbox.isEmpty && outbox.allSatisfy { $0.body.contains(c.id) })
        #expect(outbox.contains { $0.recipientRole == "supervisor" && $0.recipientID == "S0100" })
        // Done late: how late is recorded.
        let done = try w.engine.recordEvidence(caseID: c.id, stepID: first.id, level: required(rule), channel: "phone", note: "", by: staff)
        let late = done.steps.first { $0.id == first.id }!
        #expect(late.status == .done && late.lateSeconds == (w.clock.now().timeIntervalSince(due)).rounded())
    }

    @Test(arguments: CaseKind.allCases)
    func evidenceBelowTheLevelCompletesNothing(_ kind: CaseKind) throws {
        let w = try World(books: books)
        let book = try w.engine.rulebook(kind)
        let c = try w.engine.openCase(kind: kind, studentID: "2023010101", summary: "x", occurredAt: nil, facts: facts(kind), by: staff)
        let parentSteps = book.steps.filter { rule in rule.notifiesParents && c.steps.first(where: { $0.id == rule.id })?.status == .pending }
        #expect(!parentSteps.isEmpty)
        for rule in parentSteps {
            for level in EvidenceLevel.allCases where level < rule.evidence {
                let after = try w.engine.recordEvidence(caseID: c.id, stepID: rule.id, level: level, channel: "sms", note: "", by: staff)
                #expect(after.steps.first { $0.id == rule.id }?.status == .pending, "\(rule.id) done by \(level.name)")
            }
        }
        #expect(try w.events(c.id, .stepCompleted).isEmpty)
        #expect(try w.events(c.id, .stepEvidence).count > 0)
    }

    @Test(arguments: CaseKind.allCases)
    func aRestartInTheMiddle(_ kind: CaseKind) throws {
        let w = try World(books: books)
        let c = try w.engine.openCase(kind: kind, studentID: "2023010101", summary: "x", occurredAt: nil, facts: facts(kind), by: staff)
        let first = c.steps.filter { $0.due != nil }.min { $0.due! < $1.due! }!
        try w.restart()
        // Time passed while "down": the deadline fires once, at start.
        w.clock.set(first.due!.addingTimeInterval(3600))
        let fired = try w.engine.fireDueDeadlines()
        #expect(fired >= 1)
        try w.restart()
        #expect(try w.engine.fireDueDeadlines() == 0, "nothing fires twice across restarts")
        #expect(try w.events(c.id, .deadlineMissed).filter { $0.payload["step"] == first.id }.count == 1)
        #expect(try w.engine.caseDetail(c.id, by: .administrator).record.rulebookVersion == books.first { $0.kind == kind }?.version)
    }

    @Test func aMinorGetsTheGuardianStep() throws {
        let w = try World(books: books)
        let students = try CSVReader.parse("student_id,name,college,class,counselor_id,birth_date\n2099010101,小明,旅游管理学院,旅游2301班,T0101,2010-05-01\n", file: "s.csv")
        _ = try w.engine.importRoster(RosterFiles(students: students), dryRun: false, by: .administrator)
        let minor = try w.engine.openCase(kind: .accident, studentID: "2099010101", summary: "x", occurredAt: nil, by: staff)
        let adult = try w.engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: staff)
        #expect(minor.steps.first { $0.id == "minor-guardian-consent" }?.status == .pending)
        #expect(adult.steps.first { $0.id == "minor-guardian-consent" }?.status == .notApplicable)
        #expect(throws: LiaisonError.self) {
            try w.engine.recordEvidence(caseID: adult.id, stepID: "minor-guardian-consent", level: .inPerson, channel: "visit", note: "", by: staff)
        }
    }

    @Test func workingDaysSkipTheWeekend() {
        let cal = SchoolCalendar()
        let friday = cal.parse("2026-12-04 17:00")!
        #expect(cal.format(cal.addingWorkingDays(1, to: friday)) == "2026-12-07 17:00")
        #expect(cal.format(cal.addingWorkingDays(5, to: friday)) == "2026-12-11 17:00")
    }
}

@Suite struct WorkingDayTests {
    @Test func holidaysAndMakeUpDays() {
        // National Day 2026: Oct 1–7 off, Sep 27 (Sun) and Oct 10 (Sat) worked.
        let cal = SchoolCalendar(holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
                                 workdays: ["2026-09-27", "2026-10-10"])
        let friday = cal.parse("2026-09-25 10:00")!
        #expect(cal.format(cal.addingWorkingDays(1, to: friday)) == "2026-09-27 10:00")
        let wednesday = cal.parse("2026-09-30 10:00")!
        #expect(cal.format(cal.addingWorkingDays(1, to: wednesday)) == "2026-10-08 10:00")
        #expect(cal.format(cal.addingWorkingDays(3, to: wednesday)) == "2026-10-10 10:00")
    }
}

extension RulebookScenarioTests {
    @Test func closingACaseCancelsItsDeadlines() throws {
        let w = try World(books: books)
        let c = try w.engine.openCase(kind: .accident, studentID: "2023010101", summary: "x", occurredAt: nil, by: staff)
        #expect(try w.engine.nextDeadline()?.caseID == c.id)
        // A false report: the supervisor waives what is left, with the reason.
        let supervisor = Staff(id: "S01", name: "主任", role: .supervisor)
        _ = try w.engine.closeCase(c.id, resolution: "误报，已核实", waive: ["notify-parents", "meet-parents"], reason: "误报，学生未受伤", by: supervisor)
        #expect(try w.engine.nextDeadline() == nil)
        _ = try w.engine.moveClock(to: w.clock.now().addingTimeInterval(10 * 86400))
        #expect(try w.events(c.id, .deadlineMissed).isEmpty)
        #expect(try w.engine.deadlines(DeadlineFilter()).isEmpty)
    }
}
