import Foundation

/// `retention.plan`: what a purge would remove now, per class and per
/// student, with the rule that makes each due; paged by student id (issue
/// 14: explicit pages with the total). Ids, kinds, dates and counts only:
/// no content.
public struct RetentionPlan: Codable, Sendable, Equatable {
    public var now: Date
    /// The configured period of each class and what the class holds.
    public var periods: [RetentionPeriodRow]
    /// Per class, over every student (not only this page).
    public var totals: [RetentionTotal]
    /// This page: students by id, each with what is due.
    public var students: [RetentionStudent]
    /// Students with anything due, in all.
    public var total: Int
    /// The last student id of this page when more follow (`--after`).
    public var next: String?

    public init(now: Date, periods: [RetentionPeriodRow], totals: [RetentionTotal], students: [RetentionStudent], total: Int, next: String?) {
        self.now = now; self.periods = periods; self.totals = totals; self.students = students; self.total = total; self.next = next
    }
}

public struct RetentionPeriodRow: Codable, Sendable, Equatable {
    public var dataClass: RetentionClass
    /// `3 years` after the student leaves, or `never`.
    public var period: String
    public var holds: String
    public init(dataClass: RetentionClass, period: String, holds: String) { self.dataClass = dataClass; self.period = period; self.holds = holds }
}

/// How much of one class is due (or was purged): students, rows by kind
/// (`case`, `contact`, `message`, `guardian`, …) and events.
public struct RetentionTotal: Codable, Sendable, Equatable {
    public var dataClass: RetentionClass
    public var students: Int
    public var items: [String: Int]
    public var events: Int
    public init(dataClass: RetentionClass, students: Int = 0, items: [String: Int] = [:], events: Int = 0) {
        self.dataClass = dataClass; self.students = students; self.items = items; self.events = events
    }

    /// `1 case, 5 messages` in kind order.
    public var itemsText: String {
        HeldItem.Kind.allCases.compactMap { k in items[k.rawValue].map { "\($0) \($0 == 1 ? k.rawValue : k.plural)" } }.joined(separator: ", ")
    }
}

/// One student's due data.
public struct RetentionStudent: Codable, Sendable, Equatable {
    public var studentID: String
    /// `2020-06-30 退学 (withdrawal)`.
    public var left: String
    public var due: [RetentionDue]
    public init(studentID: String, left: String, due: [RetentionDue]) { self.studentID = studentID; self.left = left; self.due = due }
}

/// One class of one student's data that is due.
public struct RetentionDue: Codable, Sendable, Equatable {
    public var dataClass: RetentionClass
    /// The earliest instant an item of it became due.
    public var since: Date
    /// The rules that make its items due (one line each, ids and dates).
    public var rules: [String]
    /// The cases whose content (or messages) it holds.
    public var cases: [String]
    /// The guardians and households whose details it holds.
    public var guardians: [String]
    public var households: [String]
    public var items: [String: Int]
    public var events: Int
    public init(dataClass: RetentionClass, since: Date, rules: [String], cases: [String], guardians: [String], households: [String],
                items: [String: Int], events: Int) {
        self.dataClass = dataClass; self.since = since; self.rules = rules; self.cases = cases; self.guardians = guardians
        self.households = households; self.items = items; self.events = events
    }
}

/// `retention.purge`: what was removed, in counts.
public struct RetentionPurgeResult: Codable, Sendable, Equatable {
    public var at: Date
    /// `manual` (liaisonctl retention purge) or `daily`.
    public var trigger: String
    public var totals: [RetentionTotal]
    /// Students whose data was cut.
    public var students: Int
    /// Write transactions it took.
    public var batches: Int
    /// The audit row that records it.
    public var auditSeq: Int64
    public init(at: Date, trigger: String, totals: [RetentionTotal], students: Int, batches: Int, auditSeq: Int64) {
        self.at = at; self.trigger = trigger; self.totals = totals; self.students = students; self.batches = batches; self.auditSeq = auditSeq
    }

    /// The audit row's detail: counts, no personal data.
    public var auditDetail: String {
        let parts = totals.map { t in "\(t.dataClass.rawValue): \(t.students) students, \(t.itemsText.isEmpty ? "nothing" : t.itemsText), \(t.events) events" }
        return "\(trigger) purge; " + parts.joined(separator: "; ") + "; \(batches) batches"
    }
}

extension RetentionPlan {
    /// Sums and groups the due evaluations (the plan a purge now would
    /// carry out) into a plan page of `limit` students after `after`.
    public static func make(_ evaluations: [RetentionEvaluation], departures: [String: Departure], policy: RetentionPolicy,
                            now: Date, after: String?, limit: Int) -> RetentionPlan {
        let due = evaluations.filter { $0.verdict.state == .due }
        let byStudent = Dictionary(grouping: due, by: \.owner)
        let ids = byStudent.keys.sorted()
        let page = ids.filter { after == nil || $0 > after! }.prefix(limit)
        let students = page.map { id in
            RetentionStudent(studentID: id, left: departures[id]?.description ?? "",
                             due: RetentionClass.allCases.compactMap { c in group(byStudent[id]!.filter { $0.item.kind.dataClass == c }, c) })
        }
        let periods = RetentionClass.allCases.map { RetentionPeriodRow(dataClass: $0, period: policy.period($0).description, holds: $0.holds) }
        let more = ids.filter { after == nil || $0 > after! }.count > limit
        return RetentionPlan(now: now, periods: periods, totals: totals(due), students: students, total: ids.count,
                             next: more ? page.last : nil)
    }

    static func group(_ es: [RetentionEvaluation], _ c: RetentionClass) -> RetentionDue? {
        guard !es.isEmpty else { return nil }
        var rules: [String] = []
        for e in es where !rules.contains(e.verdict.why) { rules.append(e.verdict.why) }
        let ids = { (k: HeldItem.Kind) in es.filter { $0.item.kind == k }.map(\.item.id).sorted() }
        let cases = Set(es.compactMap { $0.item.kind == .caseFile ? $0.item.id : $0.item.caseID }).sorted()
        return RetentionDue(dataClass: c, since: es.compactMap(\.verdict.on).min() ?? Date.distantPast, rules: rules, cases: cases,
                            guardians: ids(.guardian), households: ids(.household), items: counts(es),
                            events: es.reduce(0) { $0 + $1.item.events.count })
    }

    static func counts(_ es: [RetentionEvaluation]) -> [String: Int] {
        Dictionary(grouping: es, by: { $0.item.kind.rawValue }).mapValues(\.count)
    }

    /// Per class over all the evaluations given.
    public static func totals(_ es: [RetentionEvaluation]) -> [RetentionTotal] {
        RetentionClass.allCases.map { c in
            let mine = es.filter { $0.item.kind.dataClass == c }
            return RetentionTotal(dataClass: c, students: Set(mine.map(\.owner)).count, items: counts(mine),
                                  events: mine.reduce(0) { $0 + $1.item.events.count })
        }
    }
}

extension AuditAction {
    /// A retention purge, asked for or daily (docs/RETENTION.md): counts per
    /// class in the detail, no personal data; actor `system` for the daily one.
    public static let retentionPurge: AuditAction = "retention.purge"
}
