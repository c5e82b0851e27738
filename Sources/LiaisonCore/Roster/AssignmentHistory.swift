import Foundation

/// One stretch of time a member of staff answered for a class (issue 14.1:
/// responsibility with history): as its counselor or class teacher by
/// classes.csv (`basis` `class`), or as the counselor of some of its students
/// by students.csv's counselor_id (`basis` `students`, counted, never named).
/// `to` nil: it still holds.
public struct StaffAssignment: Codable, Sendable, Equatable {
    public var role: StaffRole
    public var className: String
    public var basis: Basis
    /// For `students`: how many students; 0 for `class`.
    public var students: Int
    public var from: Date
    /// Who made the import that began it (`system` for the demo roster).
    public var setBy: String
    public var to: Date?
    public var endedBy: String?

    public enum Basis: String, Codable, Sendable { case `class`, students }

    public init(role: StaffRole, className: String, basis: Basis, students: Int = 0, from: Date, setBy: String, to: Date? = nil, endedBy: String? = nil) {
        self.role = role; self.className = className; self.basis = basis; self.students = students
        self.from = from; self.setBy = setBy; self.to = to; self.endedBy = endedBy
    }

    public var isPast: Bool { to != nil }
}

/// Past and present assignments of one member of staff, read from the
/// roster events in the log (`class.added`/`class.changed`: a class's
/// counselor_id and teacher_id; `student.added`/`student.changed`: a
/// student's counselor_id). Pure: the log is the truth, so this needs no
/// table of its own and holds for every import ever made.
public enum AssignmentHistory {
    public static let eventTypes: [EventType] = [.classAdded, .classChanged, .studentAdded, .studentChanged]

    struct Open { var staffID: String; var className: String; var from: Date; var setBy: String }

    /// `staffID`'s assignments in `events` (any order; read by seq), oldest first.
    public static func of(_ staffID: String, in events: [Event]) -> [StaffAssignment] {
        var classes: [String: Open] = [:]    // "counselor|CLASS", "teacher|CLASS"
        var students: [String: Open] = [:]   // student id
        var out: [StaffAssignment] = []
        var grouped: [String: Int] = [:]     // a group of student periods → its index in out

        func move(_ open: inout [String: Open], _ key: String, to newID: String, className: String, _ e: Event,
                  closed: (Open) -> Void, opened: (Open) -> Void) {
            if let current = open[key], current.staffID == newID { return }
            if let current = open[key] { closed(current); open[key] = nil }
            guard !newID.isEmpty else { return }
            let o = Open(staffID: newID, className: className, from: e.at, setBy: e.actor)
            open[key] = o
            opened(o)
        }
        func studentPeriod(_ o: Open, to: Date?, endedBy: String?) {
            guard o.staffID == staffID else { return }
            let key = "\(o.className)|\(o.from.timeIntervalSince1970)|\(o.setBy)|\(to?.timeIntervalSince1970 ?? -1)|\(endedBy ?? "")"
            if let i = grouped[key] { out[i].students += 1; return }
            grouped[key] = out.count
            out.append(StaffAssignment(role: .counselor, className: o.className, basis: .students, students: 1, from: o.from, setBy: o.setBy,
                                       to: to, endedBy: endedBy))
        }

        for e in events.sorted(by: { ($0.seq ?? 0) < ($1.seq ?? 0) }) {
            switch e.type {
            case .classAdded, .classChanged:
                guard let c = ClassRecord(fields: e.payload) else { continue }
                for (role, id) in [(StaffRole.counselor, c.counselorID), (.teacher, c.teacherID)] {
                    move(&classes, "\(role.rawValue)|\(c.name)", to: id, className: c.name, e, closed: { o in
                        guard o.staffID == staffID,
                              let i = out.lastIndex(where: { $0.basis == .class && $0.role == role && $0.className == c.name && $0.to == nil }) else { return }
                        out[i].to = e.at; out[i].endedBy = e.actor
                    }, opened: { o in
                        guard o.staffID == staffID else { return }
                        out.append(StaffAssignment(role: role, className: c.name, basis: .class, from: o.from, setBy: o.setBy))
                    })
                }
            case .studentAdded, .studentChanged:
                guard let s = Student(fields: e.payload) else { continue }
                // Student periods are grouped once they end (an open one's end is not known yet).
                move(&students, s.id, to: s.counselorID, className: s.className, e,
                     closed: { o in studentPeriod(o, to: e.at, endedBy: e.actor) }, opened: { _ in })
            default: continue
            }
        }
        for o in students.values.sorted(by: { $0.from < $1.from }) { studentPeriod(o, to: nil, endedBy: nil) }
        return out.enumerated().sorted { a, b in
            a.element.from != b.element.from ? a.element.from < b.element.from : a.offset < b.offset
        }.map(\.element)
    }
}
