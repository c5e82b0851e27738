import Foundation
import LiaisonCore

/// `school.terms` and `school.vacations` (issue 16.1): each entry checked
/// where it is written (file:line), then the calendar as a whole (overlaps,
/// order), the error at the key that holds the list.
enum CalendarConfig {
    static func day(_ node: YAMLNode, _ key: String, in what: String) throws -> String {
        let text = try node.string("\(what) \(key)")
        guard text.count == 10, SchoolCalendar().parse(text) != nil else {
            throw node.error("\(what) \(key) \"\(text)\" is not a date; write it as 2026-09-07")
        }
        return text
    }

    static func terms(_ list: YAMLNode) throws -> [AcademicTerm] {
        try list.sequence("school.terms").map { node in
            let m = try node.mapping(allowed: ["id", "start", "end"], what: "a term in school.terms")
            guard let idNode = m["id"], let startNode = m["start"], let endNode = m["end"] else {
                throw node.error("a term needs id, start and end, e.g. {id: 2026-2027-1, start: 2026-09-07, end: 2027-01-15}")
            }
            let id = try idNode.string("school.terms.id")
            guard let parts = AcademicTerm.parts(of: id) else {
                throw idNode.error("term id \"\(id)\" is not YEAR-NEXTYEAR-N: write 2026-2027-1 for the first term of 2026–2027, 2026-2027-2 for the second")
            }
            let start = try day(startNode, "start", in: "term \(id)"), end = try day(endNode, "end", in: "term \(id)")
            guard start <= end else { throw endNode.error("term \(id) ends (\(end)) before it starts (\(start))") }
            let year = parts.number == 1 ? parts.year : parts.year + 1
            guard start.hasPrefix("\(year)-") else {
                throw startNode.error("term \(id) starts \(start), but a \(parts.number == 1 ? "first" : "second") term of \(parts.year)–\(parts.year + 1) starts in \(year)")
            }
            return AcademicTerm(id: id, start: start, end: end)
        }
    }

    static func vacations(_ list: YAMLNode) throws -> [Vacation] {
        try list.sequence("school.vacations").map { node in
            let m = try node.mapping(allowed: ["id", "kind", "start", "end"], what: "a vacation in school.vacations")
            guard let idNode = m["id"], let kindNode = m["kind"], let startNode = m["start"], let endNode = m["end"] else {
                throw node.error("a vacation needs id, kind, start and end, e.g. {id: 2027-winter, kind: winter, start: 2027-01-16, end: 2027-02-28}")
            }
            let id = try idNode.string("school.vacations.id")
            guard RosterParser.isValidID(id) else { throw idNode.error("vacation id \"\(id)\" must be letters, digits, '-' or '_', e.g. 2027-winter") }
            let kindText = try kindNode.string("vacation \(id) kind")
            guard let kind = Vacation.Kind(rawValue: kindText) else {
                throw kindNode.error("vacation \(id): kind \"\(kindText)\" is not winter or summer")
            }
            let start = try day(startNode, "start", in: "vacation \(id)"), end = try day(endNode, "end", in: "vacation \(id)")
            guard start <= end else { throw endNode.error("vacation \(id) ends (\(end)) before it starts (\(start))") }
            return Vacation(id: id, kind: kind, start: start, end: end)
        }
    }

    /// Reads both lists from `school`, checks them together.
    static func academic(_ school: [String: YAMLNode], _ whole: YAMLNode) throws -> AcademicCalendar {
        let c = AcademicCalendar(terms: try school["terms"].map(terms) ?? [], vacations: try school["vacations"].map(vacations) ?? [])
        if let first = c.problems().first {
            throw (school["terms"] ?? school["vacations"] ?? whole).error("school calendar: \(first)")
        }
        return c
    }

    /// `obligations: {intervals: {general: term, key: 30d, special: 14d}, digest_at: "08:00"}`.
    static func obligations(_ node: YAMLNode, into c: inout DaemonConfig) throws {
        let o = try node.mapping(allowed: ["intervals", "digest_at"], what: "obligations")
        if let v = o["digest_at"] {
            let text = try v.string("obligations.digest_at")
            if text == "none" { c.digestAt = nil } else {
                guard let t = DailyTime(text: text) else {
                    throw v.error("obligations.digest_at \"\(text)\" is not a time of day; write \"08:00\" (school time), or none for no digest")
                }
                c.digestAt = t
            }
        }
        if let list = o["intervals"] { c.contactIntervals = try intervals(list) }
    }

    static func intervals(_ list: YAMLNode) throws -> ContactIntervals {
        var out = ContactIntervals()
        let m = try list.mapping(allowed: ["general", "key", "special"], what: "obligations.intervals")
        for (name, path) in [("general", \ContactIntervals.general), ("key", \ContactIntervals.key), ("special", \ContactIntervals.special)] {
            guard let v = m[name] else { continue }
            let text = try v.string("obligations.intervals.\(name)")
            guard let interval = ContactInterval(text: text) else {
                throw v.error("obligations.intervals.\(name) \"\(text)\" is not an interval; write term (once a term), 14d or 2w")
            }
            out[keyPath: path] = interval
        }
        return out
    }
}
