/// A guardian's tie to one student: whose guardian, and as what (父亲, 母亲, …).
public struct GuardianLink: Codable, Sendable, Equatable, Hashable {
    public var studentID: String
    public var relation: String
    public init(studentID: String, relation: String) { self.studentID = studentID; self.relation = relation }
}

/// A guardian as the roster holds them (issue 13, P2.1.1): one person, the
/// guardian of one or more students (siblings, twins), in one household.
/// Messages, cases and contacts see a guardian through one student
/// (`Guardian`, made by `guardian(of:address:)`); the roster keeps the
/// person once, so a school-wide notice reaches them once.
public struct RosterGuardian: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var phone: String
    public var phone2: String
    public var wechat: String
    public var qq: String
    /// Most preferred first; only channels this guardian has an address for.
    public var preference: [ContactChannel]
    /// The household they live in; a guardian given none is a household of
    /// their own, whose id is the guardian's id.
    public var householdID: String
    /// The students they are the guardian of, in the roster's order.
    public var students: [GuardianLink]

    public init(id: String, name: String, phone: String = "", phone2: String = "", wechat: String = "", qq: String = "",
                preference: [ContactChannel] = [], householdID: String = "", students: [GuardianLink]) {
        self.id = id; self.name = name; self.phone = phone; self.phone2 = phone2; self.wechat = wechat; self.qq = qq
        self.preference = preference; self.householdID = householdID.isEmpty ? id : householdID; self.students = students
    }

    /// The guardian as the guardian of one student, living at `address` (their household's).
    public func guardian(of link: GuardianLink, address: String) -> Guardian {
        Guardian(id: id, studentID: link.studentID, name: name, relation: link.relation, phone: phone, wechat: wechat, qq: qq,
                 address: address, preference: preference, phone2: phone2, householdID: householdID)
    }

    /// `S1 父亲; S2 父亲`: the links as one diffable, exportable field.
    public var studentsField: String {
        students.map { "\($0.studentID) \($0.relation)" }.joined(separator: "; ")
    }

    /// Reads `studentsField` back.
    public static func links(_ field: String) -> [GuardianLink] {
        field.components(separatedBy: "; ").compactMap { part in
            guard let space = part.firstIndex(of: " ") else { return part.isEmpty ? nil : GuardianLink(studentID: part, relation: "") }
            return GuardianLink(studentID: String(part[..<space]), relation: String(part[part.index(after: space)...]))
        }
    }
}

/// The people who live at one home address (issue 13): the roster's
/// `household_id`. The address is the household's, multi-line, kept as
/// written (commas, quotes and line breaks included).
public struct HouseholdRecord: Codable, Sendable, Equatable, Hashable {
    public var id: String
    public var address: String
    public init(id: String, address: String) { self.id = id; self.address = address }
}

extension Roster {
    /// Every guardian as the guardian of each of their students, with
    /// their household's address: what messages and cases work with.
    public var guardianViews: [Guardian] {
        let addresses = Dictionary(households.map { ($0.id, $0.address) }, uniquingKeysWith: { a, _ in a })
        return guardians.flatMap { g in g.students.map { g.guardian(of: $0, address: addresses[g.householdID] ?? "") } }
    }
}
