/// What an import would do to the roster: per kind of record, what is added,
/// what changes (field by field), what is unchanged, and what is held but
/// absent from the source. Absent records are reported, never deleted: a
/// partial export (one college) must not erase the others, and a student who
/// leaves does so through a case (withdrawal), not by vanishing from a file.
public struct RosterDiff: Codable, Sendable, Equatable {
    public var students: EntityDiff
    public var guardians: EntityDiff
    public var households: EntityDiff
    public var staff: EntityDiff
    public var classes: EntityDiff
    public var records: EntityDiff

    public init(existing: Roster, incoming: Roster) {
        students = EntityDiff(existing: existing.students, incoming: incoming.students)
        guardians = EntityDiff(existing: existing.guardians, incoming: incoming.guardians)
        households = EntityDiff(existing: existing.households, incoming: incoming.households)
        staff = EntityDiff(existing: existing.staff, incoming: incoming.staff)
        classes = EntityDiff(existing: existing.classes, incoming: incoming.classes)
        records = EntityDiff(existing: existing.records, incoming: incoming.records)
    }

    /// Each kind with its name, in the order the import applies them.
    public var kinds: [(name: String, diff: EntityDiff)] {
        [("staff", staff), ("classes", classes), ("students", students), ("households", households), ("guardians", guardians), ("records", records)]
    }

    public var isEmpty: Bool { kinds.allSatisfy { $0.diff.added.isEmpty && $0.diff.changed.isEmpty } }
}

extension RosterDiff {
    /// The staff this import would make administrators or whose
    /// administrator record it would change (issue 14): only an administrator may.
    public static func administratorChanges(existing: Roster, incoming: Roster) -> [String] {
        let held = Dictionary(existing.staff.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return incoming.staff.filter { s in
            guard let before = held[s.id] else { return s.role == .admin }
            return (s.role == .admin || before.role == .admin) && s != before
        }.map(\.id)
    }
}

public struct FieldChange: Codable, Sendable, Equatable {
    public var field: String
    public var old: String
    public var new: String
}

public struct RecordChange: Codable, Sendable, Equatable {
    public var id: String
    public var fields: [FieldChange]
}

public struct EntityDiff: Codable, Sendable, Equatable {
    public var added: [String]
    public var changed: [RecordChange]
    public var unchanged: Int
    public var removedFromSource: [String]

    init<T: DiffableRecord>(existing: [T], incoming: [T]) {
        let held = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        added = []; changed = []; unchanged = 0
        for record in incoming {
            guard let old = held[record.id] else { added.append(record.id); continue }
            let before = old.diffFields, after = record.diffFields
            let fields = zip(before, after).filter { $0.1 != $1.1 }.map { FieldChange(field: $0.0, old: $0.1, new: $1.1) }
            if fields.isEmpty { unchanged += 1 } else { changed.append(RecordChange(id: record.id, fields: fields)) }
        }
        let incomingIDs = Set(incoming.map(\.id))
        removedFromSource = existing.map(\.id).filter { !incomingIDs.contains($0) }.sorted()
    }
}

/// A roster record compared field by field, in a fixed order.
public protocol DiffableRecord {
    var id: String { get }
    var diffFields: [(String, String)] { get }
}

extension Student: DiffableRecord {
    public var diffFields: [(String, String)] {
        [("name", name), ("gender", gender), ("college", college), ("major", major), ("class", className),
         ("counselor_id", counselorID), ("tier", tier.rawValue), ("phone", phone), ("birth_date", birthDate)]
    }
}

extension RosterGuardian: DiffableRecord {
    public var diffFields: [(String, String)] {
        [("students", studentsField), ("name", name), ("phone", phone), ("phone2", phone2), ("wechat", wechat),
         ("qq", qq), ("preference", preference.map(\.rawValue).joined(separator: ">")), ("household_id", householdID)]
    }
}

extension HouseholdRecord: DiffableRecord {
    public var diffFields: [(String, String)] { [("address", address)] }
}

extension ClassRecord: DiffableRecord {
    public var id: String { name }
    public var diffFields: [(String, String)] {
        [("college", college), ("major", major), ("grade", grade), ("counselor_id", counselorID), ("teacher_id", teacherID)]
    }
}

extension StudentRecord: DiffableRecord {
    public var id: String { key }
    public var diffFields: [(String, String)] {
        [("student_id", studentID), ("kind", kind.rawValue), ("title", title), ("level", level), ("date", date),
         ("reasons", reasons), ("document", document)]
    }
}

extension Staff: DiffableRecord {
    public var diffFields: [(String, String)] {
        [("name", name), ("role", role.rawValue), ("college", college), ("unix_user", unixUser), ("phone", phone)]
    }
}
