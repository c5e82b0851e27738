import LiaisonCore

/// Who am I, and the staff (issue 14.1).
extension Method {
    public static let whoami = "whoami"
    public static let staffList = "staff.list"
    public static let staffShow = "staff.show"
}

/// `whoami`: the caller, whose data they see, and what they may call.
public struct WhoAmIResult: Codable, Sendable, Equatable {
    public var staff: Staff
    /// Whose students they answer for, in words (`Responsibility.summary`).
    public var responsibility: String
    /// The classes that name them as counselor or class teacher.
    public var classes: [ClassRecord]
    /// The methods they may call.
    public var may: [String]
    public init(staff: Staff, responsibility: String, classes: [ClassRecord], may: [String]) {
        self.staff = staff; self.responsibility = responsibility; self.classes = classes; self.may = may
    }
}

public struct StaffListParams: Codable, Sendable {
    public var role: String?
    public var college: String?
    /// 1–1000, 100 when absent; after the staff id `after`.
    public var limit: Int?
    public var after: String?
    public init(role: String? = nil, college: String? = nil, limit: Int? = nil, after: String? = nil) {
        self.role = role; self.college = college; self.limit = limit; self.after = after
    }
}

public struct StaffPage: Codable, Sendable, Equatable {
    public var staff: [Staff]
    public var total: Int
    public var next: String?
    public init(staff: [Staff], total: Int, next: String?) { self.staff = staff; self.total = total; self.next = next }
}

/// `staff.show`: a member of staff, their classes and whose data they see,
/// and their assignments past and present from the event log.
public struct StaffDetail: Codable, Sendable, Equatable {
    public var staff: Staff
    public var classes: [ClassRecord]
    public var responsibility: String
    /// Oldest first; `to` null while it holds. Absent from an older
    /// liaisond's answer (read as empty).
    public var assignments: [StaffAssignment]
    public init(staff: Staff, classes: [ClassRecord], responsibility: String, assignments: [StaffAssignment] = []) {
        self.staff = staff; self.classes = classes; self.responsibility = responsibility; self.assignments = assignments
    }

    enum CodingKeys: String, CodingKey { case staff, classes, responsibility, assignments }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        staff = try c.decode(Staff.self, forKey: .staff)
        classes = try c.decode([ClassRecord].self, forKey: .classes)
        responsibility = try c.decode(String.self, forKey: .responsibility)
        assignments = try c.decodeIfPresent([StaffAssignment].self, forKey: .assignments) ?? []
    }
}

extension Method {
    /// Everything held about one student and their guardians (issue 14.6; PIPL Art. 45: a person's copy).
    public static let studentExport = "student.export"
}

