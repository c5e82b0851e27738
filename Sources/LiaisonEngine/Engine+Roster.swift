import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// Imports the roster from the student information system's CSV
    /// exports (P2.1.1): an idempotent upsert, all or nothing. A dry run
    /// returns the same diff and changes nothing. Files not given are left
    /// as they are.
    public func importRoster(_ files: RosterFiles, dryRun: Bool, by actor: Staff) throws -> RosterImportResult {
        let now = clock.now()
        if dryRun {
            return try store.read { tx in
                let existing = try tx.roster()
                let (incoming, warnings) = try RosterParser.parse(files, existing: existing)
                try Self.checkAdministrators(existing, incoming, by: actor)
                return RosterImportResult(dryRun: true, diff: Self.diff(existing, incoming, files), events: 0, warnings: warnings)
            }
        }
        return try store.write { tx in
            let existing = try tx.roster()
            let (incoming, warnings) = try RosterParser.parse(files, existing: existing)
            try Self.checkAdministrators(existing, incoming, by: actor)
            let diff = Self.diff(existing, incoming, files)
            let events = Self.events(for: diff, incoming: incoming, actor: actor.id, now: now)
            let seqs = try Projector.recordNumbered(events, in: tx).seqs
            // Recorded even when nothing changed: the files were offered.
            try audit(.rosterImport, by: actor, scope: .school, detail: seqs.isEmpty ? "no change" : Self.eventsDetail(seqs), in: tx)
            return RosterImportResult(dryRun: false, diff: diff, events: events.count, warnings: warnings)
        }
    }

    /// Making or changing an administrator is for an administrator (issue
    /// 14): the Student Affairs Office manages staff and roles, not admins.
    static func checkAdministrators(_ existing: Roster, _ incoming: Roster, by actor: Staff) throws {
        let admins = RosterDiff.administratorChanges(existing: existing, incoming: incoming)
        guard !admins.isEmpty, actor.role != .admin else { return }
        throw LiaisonError(.forbidden, "staff.csv would make or change the administrator record of \(admins.joined(separator: ", ")), which only an administrator may do; \(actor.id) is \(actor.role.rawValue). Nothing was imported")
    }

    /// Loads the synthetic demo roster when no student is held yet.
    /// Returns the number of students loaded.
    public func loadDemoRosterIfEmpty() throws -> Int {
        let now = clock.now()
        return try store.write { tx in
            guard try tx.counts().students == 0 else { return 0 }
            let demo = DemoRoster.make()
            let diff = RosterDiff(existing: Roster(), incoming: demo)
            try Projector.record(Self.events(for: diff, incoming: demo, actor: "system", now: now, source: "demo"), in: tx)
            return demo.students.count
        }
    }

    /// A diff that only reports "removed from source" for the kinds of
    /// record whose file was given.
    static func diff(_ existing: Roster, _ incoming: Roster, _ files: RosterFiles) -> RosterDiff {
        var d = RosterDiff(existing: existing, incoming: incoming)
        if files.students == nil { d.students.removedFromSource = [] }
        if files.guardians == nil { d.guardians.removedFromSource = []; d.households.removedFromSource = [] }
        if files.staff == nil { d.staff.removedFromSource = [] }
        if files.classes == nil { d.classes.removedFromSource = [] }
        if files.records == nil { d.records.removedFromSource = [] }
        return d
    }

    static func events(for diff: RosterDiff, incoming: Roster, actor: String, now: Date, source: String = "csv") -> [Event] {
        var out: [Event] = []
        func emit<T: DiffableRecord>(_ records: [T], _ d: EntityDiff, added: EventType, changed: EventType, student: (T) -> String?) {
            let addedIDs = Set(d.added)
            let changedFields = Dictionary(d.changed.map { ($0.id, $0.fields.map(\.field).joined(separator: ",")) }, uniquingKeysWith: { a, _ in a })
            for r in records {
                if addedIDs.contains(r.id) {
                    out.append(Event(at: now, actor: actor, type: added, studentID: student(r), policy: [Policy.archives], payload: r.fields))
                } else if let fields = changedFields[r.id] {
                    var payload = r.fields
                    payload["changed"] = fields
                    out.append(Event(at: now, actor: actor, type: changed, studentID: student(r), policy: [Policy.archives], payload: payload))
                }
            }
        }
        emit(incoming.staff, diff.staff, added: .staffAdded, changed: .staffChanged) { _ in nil }
        emit(incoming.classes, diff.classes, added: .classAdded, changed: .classChanged) { _ in nil }
        emit(incoming.students, diff.students, added: .studentAdded, changed: .studentChanged) { $0.id }
        emit(incoming.households, diff.households, added: .householdAdded, changed: .householdChanged) { _ in nil }
        emit(incoming.guardians, diff.guardians, added: .guardianAdded, changed: .guardianChanged) { $0.students.first?.studentID }
        emit(incoming.records, diff.records, added: .recordAdded, changed: .recordChanged) { $0.studentID }
        guard !out.isEmpty else { return [] }
        func summary(_ e: EntityDiff) -> String { "+\(e.added.count) ~\(e.changed.count) =\(e.unchanged) absent \(e.removedFromSource.count)" }
        var payload = ["source": source]
        for (name, d) in diff.kinds { payload[name] = summary(d) }
        out.append(Event(at: now, actor: actor, type: .rosterImported, policy: [Policy.archives], payload: payload))
        return out
    }
}

extension Engine {
    /// The whole roster for `roster export`, recorded in the log as an
    /// export by `actor` (a copy of personal data leaves the daemon).
    public func exportRoster(by actor: Staff) throws -> Roster {
        let now = clock.now()
        return try store.write { tx in
            let roster = try tx.roster()
            let seqs = try Projector.recordNumbered([Event(at: now, actor: actor.id, type: .rosterExported, policy: [Policy.archives],
                                        payload: ["students": "\(roster.students.count)", "guardians": "\(roster.guardians.count)",
                                                  "households": "\(roster.households.count)", "staff": "\(roster.staff.count)",
                                                  "classes": "\(roster.classes.count)", "records": "\(roster.records.count)"])], in: tx).seqs
            try audit(.rosterExport, by: actor, scope: .school,
                      detail: "\(Self.eventsDetail(seqs)); \(roster.students.count) students, \(roster.guardians.count) guardians", in: tx)
            return roster
        }
    }
}
