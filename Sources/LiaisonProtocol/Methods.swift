import Foundation
import LiaisonCore

/// Every method of the control protocol, with its params and result types.
/// docs/PROTOCOL.md is the prose version of this file.
public enum Method {
    public static let hello = "hello"
    public static let uploadBegin = "upload.begin"
    public static let uploadAppend = "upload.append"
    public static let rosterImport = "roster.import"
    public static let rosterExport = "roster.export"
    public static let studentShow = "student.show"
    public static let studentList = "student.list"
    public static let caseOpen = "case.open"
    public static let caseList = "case.list"
    public static let caseShow = "case.show"
    public static let caseNote = "case.note"
    public static let caseClose = "case.close"
    public static let contactLog = "contact.log"
    public static let contactList = "contact.list"
}

public struct HelloParams: Codable, Sendable {
    public var protocolVersion: Int
    public var client: String
    public init(protocolVersion: Int = LiaisonProtocol.protocolVersion, client: String) {
        self.protocolVersion = protocolVersion; self.client = client
    }
}

public struct HelloResult: Codable, Sendable {
    public var protocolVersion: Int
    public var server: String
    /// Who the daemon takes this connection to be (from SO_PEERCRED).
    public var user: Staff
    public var timeZone: String
    public init(protocolVersion: Int, server: String, user: Staff, timeZone: String) {
        self.protocolVersion = protocolVersion; self.server = server; self.user = user; self.timeZone = timeZone
    }
}

public struct UploadBeginParams: Codable, Sendable {
    /// The file name, used in error messages (file:line:column).
    public var name: String
    public init(name: String) { self.name = name }
}

public struct UploadAppendParams: Codable, Sendable {
    public var upload: String
    /// Base64 of the next chunk; keep each frame under 64 KiB.
    public var data: String
    public init(upload: String, data: String) { self.upload = upload; self.data = data }
}

public struct UploadResult: Codable, Sendable {
    public var upload: String
    public var size: Int
    public init(upload: String, size: Int) { self.upload = upload; self.size = size }
}

public struct RosterImportParams: Codable, Sendable {
    /// Upload ids of the five files; each may be absent.
    public var students: String?
    public var guardians: String?
    public var staff: String?
    public var classes: String?
    public var records: String?
    public var dryRun: Bool
    public init(students: String?, guardians: String?, staff: String?, classes: String? = nil, records: String? = nil, dryRun: Bool) {
        self.students = students; self.guardians = guardians; self.staff = staff; self.classes = classes; self.records = records
        self.dryRun = dryRun
    }
}

public struct IDParams: Codable, Sendable {
    public var id: String
    public init(id: String) { self.id = id }
}

/// `case.show` and `student.show`: the id, and why, for a read outside the
/// caller's responsibility (break-glass: the office and administrators;
/// audited, and the student's counselor and supervisors told). `reason` is
/// optional, so older clients' requests still decode; in scope it is only
/// recorded.
public struct ReadParams: Codable, Sendable {
    public var id: String
    public var reason: String?
    public init(id: String, reason: String? = nil) { self.id = id; self.reason = reason }
}

public struct StudentListParams: Codable, Sendable {
    public var className: String?
    public var counselor: String?
    /// 1–1000, 100 when absent.
    public var limit: Int?
    /// The last id of the previous page (`next` of its result).
    public var after: String?
    public init(className: String? = nil, counselor: String? = nil, limit: Int? = nil, after: String? = nil) {
        self.className = className; self.counselor = counselor; self.limit = limit; self.after = after
    }
}

public struct CaseOpenParams: Codable, Sendable {
    public var kind: String
    public var student: String
    public var summary: String
    /// School time or ISO 8601; the daemon reads it in the school's time zone.
    public var occurredAt: String?
    /// A sanction's level: 警告, 严重警告, 记过, 留校察看, 开除学籍 (or their ids).
    public var level: String?
    /// The date a suspension, withdrawal or expulsion takes effect (school time).
    public var effective: String?
    public init(kind: String, student: String, summary: String, occurredAt: String? = nil, level: String? = nil, effective: String? = nil) {
        self.kind = kind; self.student = student; self.summary = summary; self.occurredAt = occurredAt
        self.level = level; self.effective = effective
    }
}

public struct CaseListParams: Codable, Sendable {
    public var mine: Bool?
    public var state: String?
    public var kind: String?
    public var student: String?
    /// A page: 1–1000 cases (100 when absent), after the case `after` (the previous page's `next`).
    public var limit: Int?
    public var after: String?
    public init(mine: Bool? = nil, state: String? = nil, kind: String? = nil, student: String? = nil, limit: Int? = nil, after: String? = nil) {
        self.mine = mine; self.state = state; self.kind = kind; self.student = student; self.limit = limit; self.after = after
    }
}

public struct CaseNoteParams: Codable, Sendable {
    public var id: String
    public var text: String
    public init(id: String, text: String) { self.id = id; self.text = text }
}

public struct CaseCloseParams: Codable, Sendable {
    public var id: String
    public var resolution: String
    /// Mandatory steps left undone on purpose (supervisor, office, admin only).
    public var waive: [String]?
    /// Why they are waived; required with `waive`.
    public var reason: String?
    public init(id: String, resolution: String, waive: [String]? = nil, reason: String? = nil) {
        self.id = id; self.resolution = resolution; self.waive = waive; self.reason = reason
    }
}

public struct ContactLogParams: Codable, Sendable {
    public var student: String
    /// The guardian's id or name (or relation, when unique).
    public var guardian: String
    public var channel: String
    public var topics: [String]
    public var summary: String
    public var feedback: String?
    public var contactedAt: String?
    public init(student: String, guardian: String, channel: String, topics: [String], summary: String,
                feedback: String? = nil, contactedAt: String? = nil) {
        self.student = student; self.guardian = guardian; self.channel = channel; self.topics = topics
        self.summary = summary; self.feedback = feedback; self.contactedAt = contactedAt
    }
}

public struct ContactListParams: Codable, Sendable {
    public var student: String
    /// Break-glass, as in `ReadParams`.
    public var reason: String?
    public init(student: String, reason: String? = nil) { self.student = student; self.reason = reason }
}

extension Method {
    public static let status = "server.status"
    public static let backup = "server.backup"
    public static let rulesShow = "rules.show"
}

/// `liaisonctl status`: what an operator checks first. No personal data.
public struct StatusResult: Codable, Sendable {
    public var server: String
    public var startedAt: Date
    public var uptimeSeconds: Double
    public var database: String
    public var databaseBytes: Int64
    public var socketActivated: Bool
    public var clock: String
    public var students: Int
    public var openCases: Int
    public var events: Int
    /// Overdue mandatory steps; nil until rulebooks give cases deadlines.
    public var overdueSteps: Int?
    /// Configured channels and their state.
    public var channels: [PluginStatus]

    public init(server: String, startedAt: Date, uptimeSeconds: Double, database: String, databaseBytes: Int64,
                socketActivated: Bool, clock: String, students: Int, openCases: Int, events: Int,
                overdueSteps: Int?, channels: [PluginStatus]) {
        self.server = server; self.startedAt = startedAt; self.uptimeSeconds = uptimeSeconds; self.database = database
        self.databaseBytes = databaseBytes; self.socketActivated = socketActivated; self.clock = clock
        self.students = students; self.openCases = openCases; self.events = events; self.overdueSteps = overdueSteps
        self.channels = channels
    }
}

public struct BackupParams: Codable, Sendable {
    /// An absolute path on the daemon's machine; must not exist yet.
    public var path: String
    public init(path: String) { self.path = path }
}

public struct BackupResult: Codable, Sendable {
    public var path: String
    public var bytes: Int64
    public init(path: String, bytes: Int64) { self.path = path; self.bytes = bytes }
}

public struct RulesShowParams: Codable, Sendable {
    public var kind: String
    public init(kind: String) { self.kind = kind }
}

extension Method {
    public static let caseStep = "case.step"
    public static let caseMeeting = "case.meeting"
    public static let deadlines = "deadlines.list"
    public static let clockAdvance = "clock.advance"
    public static let clockSet = "clock.set"
    public static let clockShow = "clock.show"
}

public struct CaseStepParams: Codable, Sendable {
    public var id: String
    public var step: String
    /// For steps that do not tell parents: attempted, acknowledged or
    /// in-person (never delivered: only a channel's receipt is that).
    public var evidence: String?
    public var channel: String?
    public var note: String?
    /// The guardian reached (id, name or relation), for steps that tell parents.
    public var guardian: String?
    /// spoke, no-answer, left-message or met.
    public var outcome: String?
    public init(id: String, step: String, evidence: String? = nil, channel: String? = nil, note: String? = nil,
                guardian: String? = nil, outcome: String? = nil) {
        self.id = id; self.step = step; self.evidence = evidence; self.channel = channel; self.note = note
        self.guardian = guardian; self.outcome = outcome
    }
}

public struct CaseMeetingParams: Codable, Sendable {
    public var id: String
    public var at: String?
    /// Who attended, e.g. "父亲张建国、辅导员王丽".
    public var with: String
    public var note: String?
    public init(id: String, at: String? = nil, with: String, note: String? = nil) {
        self.id = id; self.at = at; self.with = with; self.note = note
    }
}

public struct DeadlinesParams: Codable, Sendable {
    public var college: String?
    public var overdue: Bool?
    /// e.g. "24h", "3d".
    public var dueWithin: String?
    public init(college: String? = nil, overdue: Bool? = nil, dueWithin: String? = nil) {
        self.college = college; self.overdue = overdue; self.dueWithin = dueWithin
    }
}

public struct DeadlinesResult: Codable, Sendable {
    public var now: Date
    public var rows: [DeadlineRow]
    public init(now: Date, rows: [DeadlineRow]) { self.now = now; self.rows = rows }
}

public struct ClockParams: Codable, Sendable {
    /// For clock.advance: "90m", "3h", "2d", "1d12h".
    public var duration: String?
    /// For clock.set: a time, school time or ISO 8601.
    public var time: String?
    public init(duration: String? = nil, time: String? = nil) { self.duration = duration; self.time = time }
}

public struct ClockResult: Codable, Sendable {
    public var now: Date
    public init(now: Date) { self.now = now }
}

/// `liaisonctl clock show`: the daemon's now, and whether it is virtual.
public struct ClockShowResult: Codable, Sendable {
    public var now: Date
    public var virtual: Bool
    /// The school's time zone, in which people read and type times.
    public var timeZone: String
    public init(now: Date, virtual: Bool, timeZone: String) { self.now = now; self.virtual = virtual; self.timeZone = timeZone }
}

/// Reads "90m", "3h", "2d", "1d12h", "45s" into seconds.
public func parseDuration(_ text: String) -> TimeInterval? {
    var total: TimeInterval = 0
    var number = ""
    var sawUnit = false
    for ch in text.trimmingCharacters(in: .whitespaces) {
        if ch.isNumber { number.append(ch); continue }
        guard let n = Double(number) else { return nil }
        switch ch {
        case "s": total += n
        case "m": total += n * 60
        case "h": total += n * 3600
        case "d": total += n * 86400
        case "w": total += n * 7 * 86400
        default: return nil
        }
        number = ""
        sawUnit = true
    }
    return sawUnit && number.isEmpty ? total : nil
}

extension Method {
    public static let rulesPlan = "rules.plan"
    public static let rulesApply = "rules.apply"
}

public struct RulesPlanParams: Codable, Sendable {
    /// A candidate set, validated by the client (liaisonctl rules plan DIR);
    /// nil: the set in the daemon's own rules directory, as it is now.
    public var rulebooks: [Rulebook]?
    public init(rulebooks: [Rulebook]? = nil) { self.rulebooks = rulebooks }
}

/// `rules.plan` and `rules.apply`: a rule set's plan and the id to hold it to.
public struct RulesPlanResult: Codable, Sendable {
    /// The plan id (`RuleSetPlan.id`): `rules apply` takes it.
    public var plan: String
    /// The set, "accident v3", in kind order.
    public var rulebooks: [String]
    /// Each open case the set would migrate (with its changes) or keep on its version (with the reason).
    public var cases: [CasePlan]
    /// The daemon's rules directory: what `rules apply` installs from.
    public var rulesDirectory: String
    /// True when the set planned is the one in `rulesDirectory`, false for a candidate the client sent.
    public var fromRulesDirectory: Bool
    /// For rules.apply: true once installed.
    public var applied: Bool

    public init(_ plan: RuleSetPlan, rulesDirectory: String, fromRulesDirectory: Bool, applied: Bool) {
        self.plan = plan.id; rulebooks = plan.rulebooks; cases = plan.cases
        self.rulesDirectory = rulesDirectory; self.fromRulesDirectory = fromRulesDirectory; self.applied = applied
    }
}

public struct RulesApplyParams: Codable, Sendable {
    /// The plan id `rules plan` showed.
    public var plan: String
    public init(plan: String) { self.plan = plan }
}

// MARK: channels and messages

extension Method {
    public static let pluginList = "plugin.list"
    public static let pluginStatus = "plugin.status"
    public static let pluginLoad = "plugin.load"
    public static let pluginUnload = "plugin.unload"
    public static let pluginReload = "plugin.reload"
    public static let messageList = "message.list"
    public static let messageShow = "message.show"
    public static let taskList = "task.list"
    public static let channelTest = "channel.test"
    public static let messageReplies = "message.replies"
    public static let messagePlace = "message.place"
}

/// `liaisonctl message replies`: parents' replies, newest first, a page at a time.
public struct MessageRepliesParams: Codable, Sendable {
    /// Only the replies placed on no case (an unknown number, nothing sent
    /// lately, or more than one case could be meant).
    public var unmatched: Bool?
    public var caseID: String?
    public var limit: Int?
    public var offset: Int?
    public init(unmatched: Bool? = nil, caseID: String? = nil, limit: Int? = nil, offset: Int? = nil) {
        self.unmatched = unmatched; self.caseID = caseID; self.limit = limit; self.offset = offset
    }
}

/// `liaisonctl message place REPLY --case C`: a person says which case a reply answers.
public struct MessagePlaceParams: Codable, Sendable {
    public var reply: Int64
    public var caseID: String
    public init(reply: Int64, caseID: String) { self.reply = reply; self.caseID = caseID }
}

/// `liaisonctl channel test`: one message straight through a channel.
public struct ChannelTestParams: Codable, Sendable {
    public var channel: String
    /// The address as the channel knows it: a phone number, a WeCom user id, a postal address.
    public var to: String
    public var subject: String
    public var text: String
    /// How long to wait for a receipt after the send, seconds (0: do not wait).
    public var receiptSeconds: Double
    public init(channel: String, to: String, subject: String, text: String, receiptSeconds: Double) {
        self.channel = channel; self.to = to; self.subject = subject; self.text = text; self.receiptSeconds = receiptSeconds
    }
}

/// What became of a test message.
public struct ChannelTestResult: Codable, Sendable, Equatable {
    public var channel: String
    public var plugin: String
    public var to: String
    /// The test message's idempotency key (channel-test:…), as the provider saw it.
    public var key: String
    /// ok, temporary, permanent, unknown (the host died), or timeout.
    public var outcome: String
    public var providerID: String
    public var error: String
    public var sendMillis: Double
    /// The channel reports receipts and the test waited for one.
    public var receiptsAwaited: Bool = false
    /// delivered, failed, rejected; empty when none came (or none was awaited).
    public var receipt: String
    public var receiptDetail: String
    public var receiptMillis: Double
    public init(channel: String, plugin: String, to: String, key: String, outcome: String, providerID: String = "", error: String = "",
                sendMillis: Double = 0, receipt: String = "", receiptDetail: String = "", receiptMillis: Double = 0) {
        self.channel = channel; self.plugin = plugin; self.to = to; self.key = key; self.outcome = outcome; self.providerID = providerID
        self.error = error; self.sendMillis = sendMillis; self.receipt = receipt; self.receiptDetail = receiptDetail; self.receiptMillis = receiptMillis
    }
}

/// A configured channel as it runs now.
public struct PluginStatus: Codable, Sendable, Equatable {
    public var channel: String
    public var pluginPath: String
    /// running, starting, restarting, refused, failed, stopped.
    public var state: String
    /// Why it is refused, failed or restarting.
    public var reason: String
    public var pluginName: String
    public var pluginVersion: String
    public var capabilities: String
    public var pid: Int32
    /// Host processes started for this channel so far.
    public var generation: Int
    public var restarts: Int
    /// Hosts replaced because they outgrew max_rss_mb.
    public var recycles: Int
    /// The running host's resident memory, KiB (0 when none runs).
    public var residentKiB: Int
    public var inFlight: Int
    public var sent: Int
    public var failed: Int
    public var serves: [String]
    public var quietHours: String
    public var ratePerMinute: Int
    /// Unexpected exits of the channel's host in the last 10 minutes (5
    /// mark the channel failed: a crash loop).
    public var recentExits: Int
    /// How the host last exited unexpectedly ("killed by signal 6 (Aborted)"); empty if never.
    public var lastExit: String
    /// When a failed channel is next tried automatically (nil unless failed).
    public var retryAt: Date?
    public init(channel: String, pluginPath: String, state: String, reason: String = "", pluginName: String = "", pluginVersion: String = "",
                capabilities: String = "", pid: Int32 = 0, generation: Int = 0, restarts: Int = 0, recycles: Int = 0, residentKiB: Int = 0,
                inFlight: Int = 0, sent: Int = 0,
                failed: Int = 0, serves: [String] = [], quietHours: String = "", ratePerMinute: Int = 0,
                recentExits: Int = 0, lastExit: String = "", retryAt: Date? = nil) {
        self.channel = channel; self.pluginPath = pluginPath; self.state = state; self.reason = reason; self.pluginName = pluginName
        self.pluginVersion = pluginVersion; self.capabilities = capabilities; self.pid = pid; self.generation = generation
        self.restarts = restarts; self.recycles = recycles; self.residentKiB = residentKiB; self.inFlight = inFlight; self.sent = sent; self.failed = failed; self.serves = serves
        self.quietHours = quietHours; self.ratePerMinute = ratePerMinute
        self.recentExits = recentExits; self.lastExit = lastExit; self.retryAt = retryAt
    }
}

public struct PluginNameParams: Codable, Sendable {
    public var channel: String
    public init(channel: String) { self.channel = channel }
}

public struct MessageListParams: Codable, Sendable {
    public var caseID: String?
    public var state: String?
    public var limit: Int?
    public init(caseID: String? = nil, state: String? = nil, limit: Int? = nil) { self.caseID = caseID; self.state = state; self.limit = limit }
}

public struct MessageShowParams: Codable, Sendable {
    public var id: Int64
    /// Break-glass, as in `ReadParams`.
    public var reason: String?
    public init(id: Int64, reason: String? = nil) { self.id = id; self.reason = reason }
}

public struct TaskListParams: Codable, Sendable {
    public var caseID: String?
    public init(caseID: String? = nil) { self.caseID = caseID }
}

/// `roster.export`: the roster as the five files `roster.import` reads.
public struct RosterExportResult: Codable, Sendable {
    public var students: String
    public var guardians: String
    public var staff: String
    public var classes: String
    public var records: String
    public var counts: [String: Int]
    public init(students: String, guardians: String, staff: String, classes: String, records: String, counts: [String: Int]) {
        self.students = students; self.guardians = guardians; self.staff = staff; self.classes = classes; self.records = records
        self.counts = counts
    }

    /// Each file's name and text, in the order `roster import DIR` reads them.
    public var files: [(name: String, text: String)] {
        [("students.csv", students), ("guardians.csv", guardians), ("staff.csv", staff), ("classes.csv", classes), ("records.csv", records)]
    }
}

// MARK: audit

extension Method {
    public static let auditList = "audit.list"
    public static let auditVerify = "audit.verify"
}

/// `liaisonctl audit list`: the audit log by seq, a page at a time, with
/// the total; office and administrator only. Result: `AuditPage`.
public struct AuditListParams: Codable, Sendable {
    /// Only rows about this student id.
    public var student: String?
    /// Only rows by this staff id (`root` for the administrator).
    public var staff: String?
    /// Only rows at or after this time (school time or ISO 8601).
    public var since: String?
    /// 1–1000, 100 when absent.
    public var limit: Int?
    /// The previous page's `next`: rows after this seq.
    public var after: Int64?
    public init(student: String? = nil, staff: String? = nil, since: String? = nil, limit: Int? = nil, after: Int64? = nil) {
        self.student = student; self.staff = staff; self.since = since; self.limit = limit; self.after = after
    }
}

// MARK: the data key

extension Method {
    /// The data keys and how many values each seals. Result: `KeyStatus`.
    public static let keyStatus = "key.status"
    /// A new data key (key file) or the credential's newest, and every value
    /// re-sealed under it in batches. Result: `KeyRotation`.
    public static let keyRotate = "key.rotate"
}
