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
public struct Access: Sendable, Equatable {
    public var roles: Set<StaffRole>
    public var scope: DataScope
    /// Why it is theirs, said to anyone refused.
    public var why: String

    public init(_ roles: Set<StaffRole>, _ scope: DataScope, why: String = "") { self.roles = roles; self.scope = scope; self.why = why }

    /// The same access, refusals saying why.
    public func because(_ why: String) -> Access { Access(roles, scope, why: why) }

    /// Everybody known to Liaison, ops included: nothing personal.
    public static let anyone = Access(Set(StaffRole.allCases), .service)
    /// The people who work with students, each within their responsibility.
    public static let caseworkers: Set<StaffRole> = [.counselor, .teacher, .supervisor, .office, .admin]
    public static func student(_ roles: Set<StaffRole> = caseworkers) -> Access { Access(roles, .student) }
    public static func filtered(_ roles: Set<StaffRole> = caseworkers) -> Access { Access(roles, .filtered) }
    /// The Student Affairs Office, which keeps the archives and the procedures, and the administrator.
    public static let office = Access([.office, .admin], .school)
    /// Running the service: ops and the administrator, no personal data.
    public static let operations = Access([.ops, .admin], .service)

    /// Refuses a caller whose role is not among `roles`.
    public func check(_ who: Staff, method: String) throws {
        guard !roles.contains(who.role) else { return }
        let allowed = StaffRole.allCases.filter { roles.contains($0) }.map { "\($0.rawValue) (\($0.chineseName))" }
        throw LiaisonError(.forbidden, "\(method) is for \(allowed.joined(separator: ", "))" + (why.isEmpty ? "" : " (\(why))")
            + "; \(who.id) is \(who.role.rawValue)" + (who.role == .ops ? ", which sees no personal data" : ""))
    }
}
