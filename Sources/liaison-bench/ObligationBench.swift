import Foundation
import GRDB
import LiaisonConfig
import LiaisonCore
import LiaisonEngine
import LiaisonStore

// What `liaisonctl obligations` costs at a college's size (issue 16.3): the
// bench roster of 30,000 students and 60,000 guardians imported into an
// engine in this process, 300,000 contacts this term written straight into
// the contacts projection (the table obligations read; going through
// `contact log` one by one would take the bench minutes), then a counselor's,
// a college's and the school's obligations, median of 9 each. Goals: a
// counselor's < 50 ms. Obligations are decided on read, so logging a contact
// writes nothing more than before (0 % added to contact logging).
func obligationSection(dir: URL, rulesDirectory: String, templatesDirectory: String,
                       students: Int = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_ROSTER"] ?? "") ?? 30_000,
                       contactsPerStudent: Int = 10) throws -> (lines: [String], json: [String: Double]) {
    let work = dir.appendingPathComponent("obligations")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let path = work.appendingPathComponent("liaison.db").path
    let store = try SQLiteStore(path: path)
    let engine = Engine(store: store)
    let books = try RulebookLoader.load(directory: rulesDirectory)
    engine.setRulebooks(books, templates: try TemplateLoader.load(directory: templatesDirectory, rulebooks: books))
    let roster = benchRosterCSV(students: students)
    let tables = try roster.files.map { try CSVReader.parse($0.text, file: $0.name) }
    _ = try engine.importRoster(RosterFiles(students: tables[0], guardians: tables[1], staff: tables[2], classes: tables[3], records: tables[4]),
                                dryRun: false, by: .administrator)

    // The contacts: spread over the term so far, one in three a fortnight ago or less.
    let now = Date()
    let calendar = engine.calendar
    let term = calendar.termBounds(calendar.term(containing: now))!
    let termStart = calendar.startOfDay(term.start)!.timeIntervalSince1970
    let span = max(now.timeIntervalSince1970 - termStart, 86400)
    let ids = try store.read { tx in try tx.students(className: nil, counselorID: nil, scope: .school, after: nil, limit: Int(Int32.max)).students.map(\.id) }
    let pool = try DatabasePool(path: path)
    let written = nowNS()
    try pool.write { db in
        let insert = try db.makeStatement(sql: """
            INSERT INTO contacts (student_id, guardian_id, channel, topics, summary, feedback, contacted_at, recorded_by, term)
            VALUES (?, ?, 'phone', 'study', '', '', ?, 'T10000', ?)
            """)
        var n = 0
        for id in ids {
            for j in 0..<contactsPerStudent {
                n += 1
                let at = j % 3 == 0 ? now.timeIntervalSince1970 - Double(n % 14) * 86400 : termStart + Double((n * 7919) % Int(span))
                try insert.execute(arguments: [id, "G\(id)1", Int64(at * 1000), term.id])
            }
        }
    }
    try pool.close()
    let writeSeconds = Double(nowNS() - written) / 1e9

    func timed(_ scope: Responsibility, runs: Int = 9) throws -> (ms: Double, page: ObligationPage) {
        var times: [Double] = [], last: ObligationPage?
        for _ in 0..<runs {
            let t0 = nowNS()
            last = try engine.obligations(ObligationFilter(), scope: scope)
            times.append(Double(nowNS() - t0) / 1e6)
        }
        return (median(times), last!)
    }
    let counselor = try store.read { try $0.staff("T10000") }!
    let own = try timed(try engine.responsibility(of: counselor))
    let college = try timed(.college("旅游管理学院"), runs: 5)
    let school = try timed(.school, runs: 3)
    let lines = [
        String(format: "obligations: %d students, %d contacts this term (written in %.1f s); a counselor's (%d students) %.1f ms (goal < 50), a college's (%d) %.0f ms, the school's (%d) %.0f ms; %d overdue school-wide",
               ids.count, ids.count * contactsPerStudent, writeSeconds, own.page.total, own.ms, college.page.total, college.ms,
               school.page.total, school.ms, school.page.overdue),
    ]
    return (lines, ["obligations_counselor_ms": own.ms, "obligations_college_ms": college.ms, "obligations_school_ms": school.ms])
}
