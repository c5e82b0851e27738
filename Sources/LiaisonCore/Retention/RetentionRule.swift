import Foundation

/// When, and by which record, a student left the school.
public struct Departure: Sendable, Equatable {
    /// The first instant of the record's date, school time.
    public var at: Date
    public var why: LeavingRecord
    /// The record's `yyyy-MM-dd`.
    public var date: String

    public init(at: Date, why: LeavingRecord, date: String) { self.at = at; self.why = why; self.date = date }

    /// `2020-06-30 退学 (withdrawal)`.
    public var description: String { "\(date) \(why.chineseName) (\(why.rawValue))" }
}

/// One thing the store holds about a student that a retention period can
/// end, as the store describes it: ids, states and dates, never the
/// content. The store lists only what still holds personal data (rows with
/// text in them, events whose payload has not been cut).
public struct HeldItem: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        /// A case: its row and the events of its timeline that carry text.
        case caseFile = "case"
        /// A student record with reasons (`record.*` events, `student_records`).
        case record
        /// A contact record (`contact.logged`; its id is the event's seq).
        case contact
        /// An outbox row, its attempts and receipts.
        case message
        /// A parent's reply.
        case reply
        /// A task for a person (a phone call, a reply to read or place).
        case task
        /// The student's own row (their phone) and `student.*` events.
        case student
        /// A guardian's row and `guardian.*` events.
        case guardian
        /// A household's address and `household.*` events.
        case household

        /// `replies`: how a count of them reads.
        public var plural: String { self == .reply ? "replies" : rawValue + "s" }

        public var dataClass: RetentionClass {
            switch self {
            case .caseFile, .record: .caseContent
            case .contact: .contacts
            case .message, .reply, .task: .messages
            case .student, .guardian, .household: .contactDetails
            }
        }

        public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    public var kind: Kind
    public var id: String
    /// Whose it is: one student, or for a guardian, a household or a reply
    /// filed on no case, every student the guardians are the guardians of.
    public var students: [String]
    /// The case it belongs to (a message, reply or task of a case).
    public var caseID: String?
    /// Its own last date, when later than the student's leaving moves its
    /// end: the case's closing, the contact's time, the message's creation,
    /// the reply's arrival.
    public var date: Date?
    /// Still in use: a case not closed, a message of an open case or not
    /// finished (pending or sending). Nothing open is purged.
    public var open: Bool
    /// The events whose payloads still hold its personal fields.
    public var events: [Int64]
    /// Its projected row still holds personal fields.
    public var row: Bool

    public init(kind: Kind, id: String, students: [String], caseID: String? = nil, date: Date? = nil, open: Bool = false,
                events: [Int64] = [], row: Bool = false) {
        self.kind = kind; self.id = id; self.students = students; self.caseID = caseID; self.date = date; self.open = open
        self.events = events; self.row = row
    }
}

/// What the rule says of one item now.
public struct RetentionVerdict: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Its period has ended: a purge removes it.
        case due
        /// Its period ends on `on`.
        case notYet = "not-yet"
        /// Kept with no end in sight: the student has not left, the case is
        /// open, the class is kept forever.
        case kept
    }
    public var state: State
    /// When it became due, or will.
    public var on: Date?
    /// Why, in a line the plan prints (ids and dates, never content).
    public var why: String

    public init(_ state: State, on: Date? = nil, _ why: String) { self.state = state; self.on = on; self.why = why }
}

/// The retention rule, pure (issue 14.6; PIPL Art. 19, 47; docs/RETENTION.md).
public enum RetentionRule {
    /// When the student left, by their records, or nil if they have not.
    ///
    /// A student's standing is what their latest status change (学籍异动)
    /// or expulsion says: they have left when it is one of `policy.leaving`
    /// (withdrawal 退学, graduation 毕业, expulsion 开除学籍 by default).
    /// Any later status change (复学, 转专业, 保留学籍, …) means they are
    /// still the school's; on the same day a change that is not a leaving
    /// wins, since a purge cannot be undone. Being absent from an import
    /// means nothing: exports are often partial (one college).
    public static func departure(_ records: [StudentRecord], policy: RetentionPolicy, calendar: SchoolCalendar) -> Departure? {
        let standing = records.filter { $0.kind == .status || ($0.kind == .sanction && $0.level == SanctionLevel.expulsion.rawValue) }
        guard let lastDate = standing.map(\.date).max() else { return nil }
        let last = standing.filter { $0.date == lastDate }
        let leavings = last.compactMap(LeavingRecord.init).filter(policy.leaving.contains)
        guard leavings.count == last.count, let why = leavings.first, let at = calendar.parse(lastDate) else { return nil }
        return Departure(at: at, why: why, date: lastDate)
    }

    /// Whether `item` is due for a purge at `now`, and why.
    ///
    /// Its period (`policy.periods` of its class) counts from the later of
    /// the student's leaving and the item's own last date (a case closed
    /// after the student left keeps its content the full period from its
    /// closing). Nothing open is due. A guardian, a household or a reply
    /// filed on no case is due only when every student it belongs to has
    /// left and its period has run for each: a guardian of a brother still
    /// enrolled keeps their number.
    public static func verdict(_ item: HeldItem, departures: [String: Departure], policy: RetentionPolicy, now: Date,
                               calendar: SchoolCalendar) -> RetentionVerdict {
        let dataClass = item.kind.dataClass
        let period = policy.period(dataClass)
        guard period.count != nil else { return RetentionVerdict(.kept, "\(dataClass.rawValue) is kept (retention: never)") }
        if item.open {
            return RetentionVerdict(.kept, item.kind == .caseFile ? "case \(item.id) is open"
                                    : "\(item.kind.rawValue) \(item.id) is in use (its case is open or it is being sent)")
        }
        var latest: (String, Departure)?
        for student in item.students {
            guard let d = departures[student] else {
                let whose = item.students.count > 1 ? "student \(student), one of its students," : "student \(student)"
                return RetentionVerdict(.kept, "\(whose) has not left")
            }
            if latest == nil || d.at > latest!.1.at { latest = (student, d) }
        }
        guard let (student, left) = latest else { return RetentionVerdict(.kept, "it belongs to no student") }
        var anchor = left.at
        var from = "\(student) left \(left.description)"
        if let own = item.date, own > left.at {
            anchor = own
            from += "; \(item.kind.rawValue) \(item.id) \(ownDateName(item.kind)) \(calendar.format(own))"
        }
        guard let end = period.end(after: anchor, calendar: calendar) else { return RetentionVerdict(.kept, "\(dataClass.rawValue) is kept") }
        let rule = "\(from); \(dataClass.rawValue) kept \(period) → \(calendar.format(end))"
        return end <= now ? RetentionVerdict(.due, on: end, rule) : RetentionVerdict(.notYet, on: end, rule)
    }

    static func ownDateName(_ kind: HeldItem.Kind) -> String {
        switch kind {
        case .caseFile: "closed"
        case .contact: "made"
        case .message: "created"
        case .reply: "received"
        case .task: "created"
        default: "dated"
        }
    }

    /// Every held item with its verdict, each item once (a guardian of two
    /// students who both left is found under each of them): the first
    /// student it was found under owns it in the plan.
    public static func evaluate(_ holdings: [(student: String, items: [HeldItem])], departures: [String: Departure],
                                policy: RetentionPolicy, now: Date, calendar: SchoolCalendar) -> [RetentionEvaluation] {
        var seen = Set<String>()
        var out: [RetentionEvaluation] = []
        for (student, items) in holdings {
            for item in items where seen.insert("\(item.kind.rawValue)/\(item.id)").inserted {
                out.append(RetentionEvaluation(owner: student, item: item,
                                               verdict: verdict(item, departures: departures, policy: policy, now: now, calendar: calendar)))
            }
        }
        return out
    }
}

/// One item, the student it is listed under, and what the rule says.
public struct RetentionEvaluation: Sendable, Equatable {
    public var owner: String
    public var item: HeldItem
    public var verdict: RetentionVerdict
    public init(owner: String, item: HeldItem, verdict: RetentionVerdict) { self.owner = owner; self.item = item; self.verdict = verdict }
}
