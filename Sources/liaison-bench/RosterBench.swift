import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

/// A college-sized roster through the real daemon (issue 13.7): 30,000
/// students and 60,000 guardians written as a student information system
/// exports them (classes with their counselors, parents in one household,
/// one student in 50 a sibling of the one before, an award for one in ten),
/// uploaded over the socket and imported: a dry run, the import, and the
/// same files again (nothing to change).
func rosterSection(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String,
                   students: Int = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_ROSTER"] ?? "") ?? 30_000) throws
    -> (lines: [String], json: [String: Double]) {
    let work = dir.appendingPathComponent("roster")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }

    let roster = benchRosterCSV(students: students)
    let (classes, siblings, guardians) = (roster.classes, roster.siblings, roster.guardians)
    let files = roster.files.map { (name, text) -> String in
        let path = work.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
    let bytes = roster.files.reduce(0) { $0 + $1.text.utf8.count }
    let socket = work.appendingPathComponent("liaison.sock").path
    let daemon = try startDaemon(binDir: binDir, dir: work, rulesDirectory: rulesDirectory, templatesDirectory: templatesDirectory, """
        demo_roster: false
        school: {name: 丽江文化旅游学院, short_name: 丽江文旅学院}
        """)
    defer { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() }
    let client = try LiaisonClient.connect(socketPath: socket, client: "bench")

    func timed(_ dryRun: Bool) throws -> (seconds: Double, result: RosterImportResult) {
        let start = nowNS()
        let ids = try files.map { try client.upload(path: $0) }
        let params = RosterImportParams(students: ids[0], guardians: ids[1], staff: ids[2], classes: ids[3], records: ids[4], dryRun: dryRun)
        let r = try client.call(Method.rosterImport, params, as: RosterImportResult.self)
        return (Double(nowNS() - start) / 1e9, r)
    }
    let dry = try timed(true)
    let apply = try timed(false)
    let again = try timed(false)
    guard dry.result.diff.students.added.count == students, apply.result.diff.guardians.added.count == guardians,
          apply.result.diff.records.added.count == (students + 9) / 10, again.result.events == 0 else {
        throw BenchError("roster import did not do what it should: \(apply.result.diff.students.added.count) students added, \(again.result.events) events the second time")
    }
    let page = try client.call(Method.studentList, StudentListParams(limit: 1000), as: StudentPage.self)
    let lines = [
        String(format: "roster: %d students (%d siblings), %d guardians, %d classes and counselors, %d records (%.1f MB of CSV, upload included)",
               students, siblings, guardians, classes, (students + 9) / 10, Double(bytes) / 1e6),
        String(format: "roster import dry run %.2f s, import %.2f s (%d events), again with nothing to change %.2f s; student list page of %d of %d",
               dry.seconds, apply.seconds, apply.result.events, again.seconds, page.students.count, page.total),
    ]
    return (lines, ["roster_students": Double(students), "roster_dry_run_s": dry.seconds, "roster_import_s": apply.seconds,
                    "roster_again_s": again.seconds])
}

/// A liaisond in `dir` (database and socket there, the shipped rulebooks and
/// templates, `extra` config lines), returned once its socket answers.
func startDaemon(binDir: URL, dir: URL, rulesDirectory: String, templatesDirectory: String, _ extra: String) throws -> Process {
    let socket = dir.appendingPathComponent("liaison.sock").path
    let config = dir.appendingPathComponent("liaison.yaml").path
    try """
        database: \(dir.path)/liaison.db
        rules: \(rulesDirectory)
        templates: \(templatesDirectory)
        socket:
          path: \(socket)
        log_level: warning
        \(extra)
        """.write(toFile: config, atomically: true, encoding: .utf8)
    let daemon = Process()
    daemon.executableURL = binDir.appendingPathComponent("liaisond")
    daemon.arguments = ["--config", config]
    try daemon.run()
    let deadline = Date().addingTimeInterval(60)
    while (try? LiaisonClient(socketPath: socket)) == nil {
        guard daemon.isRunning, Date() < deadline else {
            kill(daemon.processIdentifier, SIGTERM)
            throw BenchError("liaisond did not serve on \(socket) within 60 s (its config: \(config))")
        }
        usleep(20_000)
    }
    return daemon
}

/// The bench's roster as a student information system exports it: 40
/// students a class, one counselor a class (from classes.csv), two guardians
/// each in one household, one student in 50 a sibling of the one before, a
/// key student in 20, an award for one in ten.
func benchRosterCSV(students: Int) -> (files: [(name: String, text: String)], classes: Int, siblings: Int, guardians: Int) {
    // 40 students a class, one counselor a class (from classes.csv), two guardians each.
    var s = "学号,姓名,性别,学院,专业,班级,辅导员工号,关注等级,手机\r\n"
    var g = "guardian_id,student_id,name,relation,phone,wechat,qq,address,preference,household_id\r\n"
    var t = "staff_id,name,role,college,unix_user,phone\r\n"
    var k = "班级,学院,年级,辅导员工号\r\n"
    var r = "学号,类别,名称,级别,日期\r\n"
    var siblings = 0
    let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"), given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英")
    func name(_ i: Int) -> String { String(surnames[i % surnames.count]) + String(given[(i / 7) % given.count]) + String(given[(i / 3) % given.count]) }
    let classes = (students + 39) / 40
    for c in 0..<classes {
        let college = c % 2 == 0 ? "旅游管理学院" : "文化传媒学院"
        t += "T\(10_000 + c),\(name(c)),counselor,\(college),,139\(String(format: "%08d", c))\r\n"
        k += "班\(c),\(college),\(2023 + c % 4),T\(10_000 + c)\r\n"
    }
    var previous = ""
    for i in 0..<students {
        let c = i / 40, id = "20\(23 + c % 4)\(String(format: "%06d", i))"
        let college = c % 2 == 0 ? "旅游管理学院" : "文化传媒学院"
        s += "\(id),\(name(i)),\(i % 2 == 0 ? "男" : "女"),\(college),旅游管理,班\(c),,\(i % 20 == 0 ? "重点" : "一般"),138\(String(format: "%08d", i))\r\n"
        if i % 10 == 0 { r += "\(id),奖励,\(i % 20 == 0 ? "国家奖学金" : "三好学生"),\(i % 20 == 0 ? "国家级" : "校级"),2026-06-30\r\n" }
        defer { previous = id }
        if i % 50 == 1 {
            // A sibling: the same parents, each a second row that leaves their own columns to the first.
            g += "G\(previous)1,\(id),,父亲,,,,,,\r\nG\(previous)2,\(id),,母亲,,,,,,\r\n"
            siblings += 1
            continue
        }
        let address = "\"云南省丽江市古城区\n福慧路\(i % 300)号\""
        g += "G\(id)1,\(id),\(name(i + 1)),父亲,+86 137 \(String(format: "%04d %04d", i / 10_000, i % 10_000)),wx\(i),,\(address),wechat>phone>sms,H\(id)\r\n"
        g += "G\(id)2,\(id),\(name(i + 2)),母亲,１３６\(String(format: "%08d", i).map { String(UnicodeScalar(0xFF10 + Int(String($0))!)!) }.joined()),,\(100_000 + i),,,H\(id)\r\n"
    }
    return ([("students.csv", s), ("guardians.csv", g), ("staff.csv", t), ("classes.csv", k), ("records.csv", r)], classes, siblings,
            (students - siblings) * 2)
}
