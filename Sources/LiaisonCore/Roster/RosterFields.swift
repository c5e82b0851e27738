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
                  className: f["class"] ?? "", counselorID: f["counselor_id"] ?? "", tier: tier, phone: f["phone"] ?? "",
                  birthDate: f["birth_date"] ?? "")
    }
}

extension Guardian {
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let student = f["student_id"], let name = f["name"] else { return nil }
        self.init(id: id, studentID: student, name: name, relation: f["relation"] ?? "", phone: f["phone"] ?? "",
                  wechat: f["wechat"] ?? "", qq: f["qq"] ?? "", address: f["address"] ?? "",
                  preference: (f["preference"] ?? "").split(separator: ">").compactMap { ContactChannel(rawValue: String($0)) },
                  phone2: f["phone2"] ?? "")
    }
}

extension Staff {
    public init?(fields f: [String: String]) {
        guard let id = f["id"], let name = f["name"], let role = StaffRole(rawValue: f["role"] ?? "") else { return nil }
        self.init(id: id, name: name, role: role, college: f["college"] ?? "", unixUser: f["unix_user"] ?? "", phone: f["phone"] ?? "")
    }
}
