import Foundation

/// What a member of staff does in Liaison (issue 14): what they may call
/// and whose data they see (`Responsibility`, `Access`; PIPL Art. 51). The
/// Unix root user is always an administrator.
public enum StaffRole: String, Codable, Sendable, Bilingual {
    case counselor, teacher, supervisor, office, ops, admin

    public var chineseName: String {
        switch self {
        case .counselor: "辅导员"
        case .teacher: "班主任"
        case .supervisor: "分管领导"
        case .office: "学生工作处"
        case .ops: "运维"
        case .admin: "管理员"
        }
    }

    public init?(text: String) {
        guard let v = Self.named(text) ?? (text.trimmingCharacters(in: .whitespaces) == "class-teacher" ? .teacher : nil) else { return nil }
        self = v
    }
}

/// A member of staff, mapped to the Unix account they log in with.
public struct Staff: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var role: StaffRole
    public var college: String
    /// The Unix login name whose connections act as this person; empty if
    /// this person does not use liaisonctl.
    public var unixUser: String
    public var phone: String

    public init(id: String, name: String, role: StaffRole, college: String = "", unixUser: String = "", phone: String = "") {
        self.id = id; self.name = name; self.role = role; self.college = college
        self.unixUser = unixUser; self.phone = phone
    }

    /// The identity of the Unix root user: the administrator.
    public static let administrator = Staff(id: "root", name: "管理员", role: .admin, unixUser: "root")

    /// Whether this is the Unix superuser (uid 0), not a member of staff
    /// whose role is admin: root passes every role check and sees every
    /// student, since it owns the database, its key and the daemon's files
    /// (docs/ACCESS.md). No roster row can be it: staff.csv refuses
    /// `unix_user: root` and the staff id `root`.
    public var isSuperuser: Bool { self == Staff.administrator }
}

/// The whole roster, as imported or as currently held: the five files of
/// docs/ROSTER.md.
public struct Roster: Sendable, Equatable {
    public var students: [Student]
    public var guardians: [RosterGuardian]
    public var households: [HouseholdRecord]
    public var staff: [Staff]
    public var classes: [ClassRecord]
    public var records: [StudentRecord]

    public init(students: [Student] = [], guardians: [RosterGuardian] = [], households: [HouseholdRecord] = [], staff: [Staff] = [],
                classes: [ClassRecord] = [], records: [StudentRecord] = []) {
        self.students = students; self.guardians = guardians; self.households = households; self.staff = staff
        self.classes = classes; self.records = records
    }
}
