import Foundation

/// Composite read views the engine returns and the protocol carries.

public struct StudentDetail: Codable, Sendable, Equatable {
    public var student: Student
    public var guardians: [Guardian]
    public var counselor: Staff?
    public var openCases: [CaseRecord]
    public var contactsThisTerm: Int
    public var term: String
    /// The student's class as classes.csv lists it, if it does, and its class teacher.
    public var schoolClass: ClassRecord?
    public var teacher: Staff?
    /// Other students of the same guardians (siblings, twins): a call to
    /// the family may be about them too.
    public var siblings: [Student]
    /// Awards, sanctions, status changes and tiers, oldest first.
    public var records: [StudentRecord]

    public init(student: Student, guardians: [Guardian], counselor: Staff?, openCases: [CaseRecord], contactsThisTerm: Int, term: String,
                schoolClass: ClassRecord? = nil, teacher: Staff? = nil, siblings: [Student] = [], records: [StudentRecord] = []) {
        self.student = student; self.guardians = guardians; self.counselor = counselor; self.openCases = openCases
        self.contactsThisTerm = contactsThisTerm; self.term = term
        self.schoolClass = schoolClass; self.teacher = teacher; self.siblings = siblings; self.records = records
    }
}

public struct CaseDetail: Codable, Sendable, Equatable {
    public var record: CaseRecord
    public var student: Student?
    /// The case's timeline: every event about it, oldest first.
    public var events: [Event]
    /// The daemon's "now" (a virtual clock's, when it runs on one), for time left.
    public var now: Date?

    public init(record: CaseRecord, student: Student?, events: [Event], now: Date? = nil) {
        self.record = record; self.student = student; self.events = events; self.now = now
    }
}

public struct RosterImportResult: Codable, Sendable, Equatable {
    public var dryRun: Bool
    public var diff: RosterDiff
    /// Events appended (0 on a dry run or when nothing changed).
    public var events: Int
    /// Every data-quality warning (the rows were imported without the bad values).
    public var warnings: [RosterProblem] = []

    public init(dryRun: Bool, diff: RosterDiff, events: Int, warnings: [RosterProblem] = []) {
        self.dryRun = dryRun; self.diff = diff; self.events = events; self.warnings = warnings
    }
}

/// A step deadline of an open case: a row of `liaisonctl deadlines`.
public struct DeadlineRow: Codable, Sendable, Equatable {
    public init(caseID: String, kind: CaseKind, stepID: String, due: Date, missed: Bool, studentID: String, studentName: String, college: String, counselorID: String) {
        self.caseID = caseID; self.kind = kind; self.stepID = stepID; self.due = due; self.missed = missed
        self.studentID = studentID; self.studentName = studentName; self.college = college; self.counselorID = counselorID
    }

    public var caseID: String
    public var kind: CaseKind
    public var stepID: String
    public var due: Date
    public var missed: Bool
    public var studentID: String
    public var studentName: String
    public var college: String
    public var counselorID: String
}


/// One page of `student list`: students by id, how many match in all, and
/// the id to continue after (nil on the last page).
/// A page of cases, newest first, with how many match in all (issue 14: never a silent cut).
public struct CasePage: Codable, Sendable, Equatable {
    public var cases: [CaseRecord]
    public var total: Int
    public var next: String?
    public init(cases: [CaseRecord], total: Int, next: String?) { self.cases = cases; self.total = total; self.next = next }
}

public struct StudentPage: Codable, Sendable, Equatable {
    public var students: [Student]
    public var total: Int
    public var next: String?
    public init(students: [Student], total: Int, next: String?) { self.students = students; self.total = total; self.next = next }
}

/// `student.export`: what Liaison holds about a student and their guardians, as one JSON document.
public struct StudentExport: Codable, Sendable {
    public var exportedAt: Date
    public var exportedBy: String
    /// The student, their guardians (with households' addresses), class, siblings and records.
    public var student: StudentDetail
    /// Every case, open or closed, with its timeline.
    public var cases: [CaseDetail]
    public var contacts: [ContactRecord]
    /// Every message of their cases, to their guardians and to staff.
    public var messages: [Message]
    /// Their guardians' replies filed under their cases.
    public var replies: [InboundReply]
    /// Who read, copied or changed their data (this export included).
    public var audit: [AuditEntry]

    public init(exportedAt: Date, exportedBy: String, student: StudentDetail, cases: [CaseDetail], contacts: [ContactRecord],
                messages: [Message], replies: [InboundReply], audit: [AuditEntry]) {
        self.exportedAt = exportedAt; self.exportedBy = exportedBy; self.student = student; self.cases = cases
        self.contacts = contacts; self.messages = messages; self.replies = replies; self.audit = audit
    }
}
