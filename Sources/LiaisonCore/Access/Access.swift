/// What part of the data a method's result may show (issue 14).
public enum DataScope: String, Codable, Sendable, CaseIterable {
    /// No personal data at all: status, rules, plugins, the clock.
    case service
    /// One student's data, named by the request (directly, or through a
    /// case or a message): refused unless the caller answers for that student.
    case student
    /// A list: only what the caller answers for, paged explicitly.
    case filtered
    /// The whole school's records at once (the roster's import and export,
    /// staff and rules): only for roles that answer for the school.
    case school
}

/// Who may call a method and how its result is scoped: declared where the
/// method is defined (`Router.add`), and nowhere else (issue 14, PIPL Art. 51).
/// docs/ACCESS.md is this table (a test checks it).
///
/// The Unix superuser (uid 0, `Staff.administrator`) passes every role
/// check: it owns the database, its key and the files the daemon runs from,
/// so a refusal would protect nothing. Staff whose role is `admin` are held
/// to the `admin` column like everyone else.
public struct Access: Sendable, Equatable {
    public var roles: Set<StaffRole>
    public var scope: DataScope
    /// Why it is theirs, said to anyone refused.
    public var why: String
    /// The roles that may read one student outside their responsibility by
    /// giving a reason (break-glass: audited, and the student's counselor
    /// and college supervisors are told). Empty: nobody; only reads of one
    /// student declare it.
    public var breakGlass: Set<StaffRole>

    public init(_ roles: Set<StaffRole>, _ scope: DataScope, why: String = "", breakGlass: Set<StaffRole> = []) {
        self.roles = roles; self.scope = scope; self.why = why; self.breakGlass = breakGlass
    }

    /// The same access, refusals saying why.
    public func because(_ why: String) -> Access { Access(roles, scope, why: why, breakGlass: breakGlass) }

    /// Everybody known to Liaison, ops included: nothing personal.
    public static let anyone = Access(Set(StaffRole.allCases), .service)
    /// The people who work with students, each within their responsibility.
    public static let caseworkers: Set<StaffRole> = [.counselor, .teacher, .supervisor, .office]
    /// Who may read out of scope with a reason (issue 14.2): the Student
    /// Affairs Office and the administrators.
    public static let breakGlassRoles: Set<StaffRole> = [.office, .admin]
    /// A change to one student's data: the caseworkers who answer for them.
    public static func student(_ roles: Set<StaffRole> = caseworkers) -> Access { Access(roles, .student) }
    /// A read of one student's data: the caseworkers who answer for them;
    /// the office and administrators also by break-glass (an administrator
    /// answers for no student, so only by break-glass).
    public static let studentRead = Access(caseworkers.union([.admin]), .student, breakGlass: breakGlassRoles)
    /// A list cut to what the caller answers for: an administrator may ask,
    /// and gets an empty list.
    public static func filtered(_ roles: Set<StaffRole> = caseworkers.union([.admin])) -> Access { Access(roles, .filtered) }
    /// The Student Affairs Office, which keeps the archives and the
    /// procedures, and the administrator: staff, rules, the audit log; no
    /// student's data in the answer.
    public static let office = Access([.office, .admin], .school)
    /// Copies of students' and guardians' personal data (the roster's
    /// export, a student's export): the office alone.
    public static let officeOnly = Access([.office], .school)
    /// Running the service: ops and the administrator, no personal data.
    public static let operations = Access([.ops, .admin], .service)

    /// Whether `who` may call it: their role is among `roles`, or they are
    /// the Unix superuser.
    public func allows(_ who: Staff) -> Bool { who.isSuperuser || roles.contains(who.role) }

    /// Whether `who` may read a student outside their responsibility by giving a reason.
    public func allowsBreakGlass(_ who: Staff) -> Bool { breakGlass.contains(who.role) }

    /// Refuses a caller whose role is not among `roles`.
    public func check(_ who: Staff, method: String) throws {
        guard !allows(who) else { return }
        let allowed = StaffRole.allCases.filter { roles.contains($0) }.map { "\($0.rawValue) (\($0.chineseName))" }
        throw LiaisonError(.forbidden, "\(method) is for \(allowed.joined(separator: ", "))" + (why.isEmpty ? "" : " (\(why))")
            + "; \(who.id) is \(who.role.rawValue)" + (who.role == .ops ? ", which sees no personal data" : "")
            + (who.role == .admin && scope != .service ? ", which reads a student's data only by break-glass: case show, student show, contact list or message show with --reason" : ""))
    }
}
