/// Roster records as flat string fields: the payload of `student.added` and
/// friends, from which the projections can be rebuilt.
extension DiffableRecord {
    public var fields: [String: String] {
        var d = Dictionary(uniqueKeysWithValues: diffFields)
        d["id"] = id
        return d
    }
}

extension Student {
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let name = f["name"], let tier = Tier(rawValue: f["tier"] ?? "") else { return nil }
        self.init(id: id, name: name, gender: f["gender"] ?? "", college: f["college"] ?? "", major: f["major"] ?? "",
                  className: f["class"] ?? "", counselorID: f["counselor_id"] ?? "", tier: tier, phone: PhoneNumber.stored(f["phone"] ?? ""),
                  birthDate: f["birth_date"] ?? "")
    }
}

extension Guardian {
    /// A `guardian.added` of before households (issue 13): one student,
    /// the address the guardian's own.
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let student = f["student_id"], let name = f["name"] else { return nil }
        self.init(id: id, studentID: student, name: name, relation: f["relation"] ?? "", phone: f["phone"] ?? "",
                  wechat: f["wechat"] ?? "", qq: f["qq"] ?? "", address: f["address"] ?? "",
                  preference: (f["preference"] ?? "").split(separator: ">").compactMap { ContactChannel(rawValue: String($0)) },
                  phone2: f["phone2"] ?? "")
    }
}

extension RosterGuardian {
    /// The guardian of a `guardian.added`/`changed` event, of either shape.
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let name = f["name"] else { return nil }
        let links = f["students"].map(Self.links) ?? f["student_id"].map { [GuardianLink(studentID: $0, relation: f["relation"] ?? "")] } ?? []
        // (Numbers of events before E.164 are stored as they are now.)
        self.init(id: id, name: name, phone: PhoneNumber.stored(f["phone"] ?? ""), phone2: PhoneNumber.stored(f["phone2"] ?? ""), wechat: f["wechat"] ?? "", qq: f["qq"] ?? "",
                  preference: (f["preference"] ?? "").split(separator: ">").compactMap { ContactChannel(rawValue: String($0)) },
                  householdID: f["household_id"] ?? "", students: links)
    }
}

extension HouseholdRecord {
    public init?(fields f: [String: String]) {
        guard let id = f["id"] else { return nil }
        self.init(id: id, address: f["address"] ?? "")
    }
}

extension ClassRecord {
    public init?(fields f: [String: String]) {
        guard let name = f["id"], let counselor = f["counselor_id"] else { return nil }
        self.init(name: name, college: f["college"] ?? "", major: f["major"] ?? "", grade: f["grade"] ?? "",
                  counselorID: counselor, teacherID: f["teacher_id"] ?? "")
    }
}

extension StudentRecord {
    public init?(fields f: [String: String]) {
        guard let student = f["student_id"], let kind = RecordKind(rawValue: f["kind"] ?? ""), let level = f["level"], let date = f["date"] else { return nil }
        self.init(studentID: student, kind: kind, title: f["title"] ?? "", level: level, date: date,
                  reasons: f["reasons"] ?? "", document: f["document"] ?? "")
    }
}

extension Staff {
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let name = f["name"], let role = StaffRole(rawValue: f["role"] ?? "") else { return nil }
        self.init(id: id, name: name, role: role, college: f["college"] ?? "", unixUser: f["unix_user"] ?? "", phone: PhoneNumber.stored(f["phone"] ?? ""))
    }
}
