import Foundation

/// Every kind of event in the log. The raw values are stored; never rename one.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case caseOpened = "case.opened"
    case caseNoted = "case.noted"
    case caseClosed = "case.closed"
    case contactLogged = "contact.logged"
    case studentAdded = "student.added"
    case studentChanged = "student.changed"
    case guardianAdded = "guardian.added"
    case guardianChanged = "guardian.changed"
    case staffAdded = "staff.added"
    case staffChanged = "staff.changed"
    case rosterImported = "roster.imported"
    case stepEvidence = "step.evidence"
    case stepCompleted = "step.completed"
    case meetingRecorded = "meeting.recorded"
    case deadlineMissed = "deadline.missed"
    case escalationSent = "escalation.sent"
    case caseMigrated = "case.migrated"
    /// A supervisor or the office let a case close without one of its
    /// mandatory steps, with a reason.
    case stepWaived = "step.waived"
    /// The roster was exported (who, when): a copy of personal data left the daemon (PIPL Art. 51, 56).
    case rosterExported = "roster.exported"
    /// Issue 13: the roster's households, classes and student records.
    case householdAdded = "household.added"
    case householdChanged = "household.changed"
    case classAdded = "class.added"
    case classChanged = "class.changed"
    case recordAdded = "record.added"
    case recordChanged = "record.changed"
}

/// One entry of the append-only event log: who, when, what, and the policy
/// clauses it serves. The log is the truth; every table beside it is a
/// projection that can be rebuilt from it.
public struct Event: Codable, Sendable, Equatable {
    /// Assigned by the store when the event is appended.
    public var seq: Int64?
    public var at: Date
    /// A staff id, `root`, or `system`.
    public var actor: String
    public var type: EventType
    public var caseID: String?
    public var studentID: String?
    public var policy: [String]
    public var payload: [String: String]

    public init(seq: Int64? = nil, at: Date, actor: String, type: EventType, caseID: String? = nil,
                studentID: String? = nil, policy: [String], payload: [String: String] = [:]) {
        self.seq = seq; self.at = at; self.actor = actor; self.type = type; self.caseID = caseID
        self.studentID = studentID; self.policy = policy; self.payload = payload
    }

    /// Instants inside payloads and on the wire: ISO 8601, UTC, millisecond
    /// precision (`2026-11-28T14:40:00.000Z`). Formatted by hand: it runs
    /// several times per request, and Foundation's format styles cost more
    /// than the rest of the encoding together.
    public static func timestamp(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, msOfDay) = (ms.floorDiv(86_400_000), ms.floorMod(86_400_000))
        let (y, m, d) = civil(fromDays: days)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ v: Int64, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var v = v
            for i in stride(from: width - 1, through: 0, by: -1) { digits[i] = 0x30 + UInt8(v % 10); v /= 10 }
            out += digits
        }
        put(y, 4); out.append(0x2D); put(m, 2); out.append(0x2D); put(d, 2); out.append(0x54)
        put(msOfDay / 3_600_000, 2); out.append(0x3A); put(msOfDay / 60_000 % 60, 2); out.append(0x3A)
        put(msOfDay / 1000 % 60, 2); out.append(0x2E); put(msOfDay % 1000, 3); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads what `timestamp` writes quickly; any other ISO 8601 form through
    /// Foundation.
    public static func parseTimestamp(_ text: String?) -> Date? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        if b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A {
            func num(_ r: Range<Int>) -> Int64? {
                var v: Int64 = 0
                for i in r { guard (0x30...0x39).contains(b[i]) else { return nil }; v = v * 10 + Int64(b[i] - 0x30) }
                return v
            }
            if let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
               let s = num(17..<19), let f = num(20..<23), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 {
                let ms = ((days(fromCivil: y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + f
                return Date(timeIntervalSince1970: Double(ms) / 1000)
            }
        }
        // Anything shorter than `2026-11-28T14:40:00Z`, or without the T, is
        // no ISO 8601 instant: spared the format styles (a birth date or a
        // school-time `2026-11-28 22:40` is read by SchoolCalendar.parse).
        guard b.count >= 20, b[10] == 0x54 || b[10] == 0x74 else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    // Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian).
    static func days(fromCivil y: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y - 1 : y
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { let q = self / d; return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q }
    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
