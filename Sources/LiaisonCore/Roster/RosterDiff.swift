/// What an import would do to the roster: per kind of record, what is added,
/// what changes (field by field), what is unchanged, and what is held but
/// absent from the source. Absent records are reported, never deleted: a
/// partial export (one college) must not erase the others, and a student who
/// leaves does so through a case (withdrawal), not by vanishing from a file.
public struct RosterDiff: Codable, Sendable, Equatable {
    public var students: EntityDiff
    public var guardians: EntityDiff
    public var staff: EntityDiff

    public init(existing: Roster, incoming: Roster) {
        students = EntityDiff(existing: existing.students, incoming: incoming.students)
        guardians = EntityDiff(existing: existing.guardians, incoming: incoming.guardians)
        staff = EntityDiff(existing: existing.staff, incoming: incoming.staff)
    }

    public var isEmpty: Bool { [students, guardians, staff].allSatisfy { $0.added.isEmpty && $0.changed.isEmpty } }
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

extension Guardian: DiffableRecord {
    public var diffFields: [(String, String)] {
        [("student_id", studentID), ("name", name), ("relation", relation), ("phone", phone), ("wechat", wechat),
         ("qq", qq), ("address", address), ("preference", preference.map(\.rawValue).joined(separator: ">")), ("phone2", phone2)]
    }
}

extension Staff: DiffableRecord {
    public var diffFields: [(String, String)] {
        [("name", name), ("role", role.rawValue), ("college", college), ("unix_user", unixUser), ("phone", phone)]
    }
}
