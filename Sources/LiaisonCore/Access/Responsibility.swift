/// Whose students a member of staff answers for (issue 14; P2.1.1 and P3.1:
/// each counselor their own students; P3.3: colleges supervise their own;
/// PIPL Art. 51: access by role and responsibility). Pure: made from the
/// staff record and the classes that name them, asked of one student at a time.
public enum Responsibility: Sendable, Equatable {
    /// A counselor: the students whose counselor they are and the students
    /// of the classes they are counselor of. A class teacher: the students
    /// of their classes.
    case students(staffID: String, classes: Set<String>)
    /// A college's supervisor: the college's students.
    case college(String)
    /// The Student Affairs Office, and the Unix superuser (root), who holds
    /// the database, its key and the files anyway.
    case school
    /// Ops: no personal data.
    case nobody
    /// An administrator (role `admin`): staff, rules and configuration; no
    /// student's data, except one student at a time by break-glass.
    case breakGlassOnly

    public init(staff: Staff, classes: [ClassRecord]) {
        switch staff.role {
        case .counselor:
            self = .students(staffID: staff.id, classes: Set(classes.filter { $0.counselorID == staff.id }.map(\.name)))
        case .teacher:
            // A class teacher answers for their classes, never by a student's counselor_id.
            self = .students(staffID: "", classes: Set(classes.filter { $0.teacherID == staff.id }.map(\.name)))
        case .supervisor: self = staff.college.isEmpty ? .nobody : .college(staff.college)
        case .office: self = .school
        case .admin: self = staff.isSuperuser ? .school : .breakGlassOnly
        case .ops: self = .nobody
        }
    }

    /// Roles that answer for no student whatever the roster says (root aside).
    public static func coversNoStudent(_ role: StaffRole) -> Bool { role == .admin || role == .ops }

    public func covers(_ s: Student) -> Bool {
        switch self {
        case let .students(id, classes): (!id.isEmpty && s.counselorID == id) || classes.contains(s.className)
        case let .college(college): s.college == college
        case .school: true
        case .nobody, .breakGlassOnly: false
        }
    }

    /// What the audit log records of a read or change of `student` under
    /// this responsibility: own (their students), college, school; school
    /// when there is no student (a whole-roster export, a backup) or the
    /// student is not covered (the engine's own work). A break-glass read
    /// passes `.breakGlass` itself.
    public func auditScope(for student: Student?) -> AuditScope {
        guard let student, covers(student) else { return .school }
        switch self {
        case .students: return .own
        case .college: return .college
        case .school, .nobody, .breakGlassOnly: return .school
        }
    }

    /// For `whoami` and refusals: whose data this is.
    public var summary: String {
        switch self {
        case let .students(id, classes):
            (id.isEmpty ? "" : "the students whose counselor is \(id)") + (classes.isEmpty ? "" : (id.isEmpty ? "" : " and ") + "the students of " + classes.sorted().joined(separator: ", "))
        case let .college(c): "the students of \(c)"
        case .school: "every student"
        case .nobody: "no personal data"
        case .breakGlassOnly: "no student (staff, rules and configuration; one student's data only by break-glass, with --reason)"
        }
    }

    /// The refusal for a student outside it: it names who can see the
    /// student, never anything about them. `breakGlass`: whether the caller
    /// may read this one with a reason (the method's `Access` says so for
    /// their role), so the refusal tells them how; otherwise it says whose
    /// break-glass is.
    public func refusal(_ what: String, breakGlass: Bool = false) -> LiaisonError {
        let who = "their counselor, class teacher, their college's supervisors and the Student Affairs Office can see it"
        let how = breakGlass
            ? "; to read it anyway, say why with --reason TEXT (break-glass: recorded in the audit log, and the student's counselor and college supervisors are told)"
            : ". Break-glass (--reason) is for the Student Affairs Office and administrators, and only to read a case, a student's file, contacts or a message"
        return LiaisonError(.forbidden, "\(what) is not among the students you answer for (\(summary)); \(who)\(how)")
    }
}
