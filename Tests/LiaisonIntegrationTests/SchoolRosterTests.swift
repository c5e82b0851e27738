import Foundation
import LiaisonCore
import LiaisonProtocol
import Testing

/// Rosters as schools export them, end to end (issue 13; POLICY P2.1.1:
/// the school holds every student's guardians and can reach them at once).
///
/// A synthetic school of two colleges, eight classes and 401 students is
/// written the way a student information system and a counselor's
/// hand-kept spreadsheet write it (Chinese headers, a byte order mark, CRLF,
/// twins and siblings sharing a guardian, households whose multi-line
/// addresses hold commas and quotes, numbers as people write them, a few bad
/// values) and goes through the real liaisonctl into the real liaisond over
/// its socket. The generator knows the cell of every value it plants, so
/// each warning and error is checked at the line:column it must name.
@Suite struct SchoolRosterTests {
    @Test func aSchoolsExportImportsWholeWarnsWhereItShouldAndAgainChangesNothing() throws {
        let school = SyntheticSchool()
        let d = try Daemon(demo: false)
        try d.start()
        let files = try school.write(into: d)
        let report = d.dir.appendingPathComponent("report.csv").path

        // The import: every record in, the bad values left out and each warned about at its cell.
        let (o, result) = try d.importRoster(files, "--report", report)
        #expect(o.status == 0, "\(o.out)\(o.err)")
        let first = try #require(result)
        #expect(!first.dryRun)
        #expect(first.added == school.expected, "added \(first.added), expected \(school.expected)")
        #expect(first.diff.kinds.allSatisfy { $0.diff.changed.isEmpty && $0.diff.unchanged == 0 })
        // One event per record added, and roster.imported.
        #expect(first.events == school.expected.values.reduce(0, +) + 1, "\(first.events) events")
        #expect(first.warnings.map(\.spot).sorted() == school.warnings.map(\.spot).sorted(), "\(first.warnings.map(\.description))")
        #expect(first.warnings.allSatisfy { $0.severity == .warning })

        // The report: a header and one row per warning, each naming its cell.
        let rows = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\r\n")
        #expect(rows.first == "file,line,column,field,severity,code,message" && rows.count == 1 + school.warnings.count, "\(rows)")
        for w in school.warnings {
            #expect(rows.contains { $0.hasPrefix(w.reportPrefix) }, "no report row starts \(w.reportPrefix)")
        }

        // Twins share their parents: the same guardian ids, the household's
        // address whole (line break, commas and quotes kept), the numbers
        // stored one way (a mobile as 11 digits, a landline AREA-LOCAL).
        let twins = try school.twins.map { try d.json(StudentDetail.self, "student", "show", $0).guardians }
        #expect(twins.count == 2 && twins[0].map(\.id) == school.twinParents && twins[1].map(\.id) == school.twinParents, "\(twins.map { $0.map(\.id) })")
        for guardians in twins {
            let father = try #require(guardians.first { $0.relation == "父亲" }), mother = try #require(guardians.first { $0.relation == "母亲" })
            // Stored in E.164, shown as people write them.
            #expect(father.phone == "+8613812345678" && PhoneNumber.display(father.phone) == "13812345678" && father.phone2.isEmpty, "written ＋８６ １３８ １２３４ ５６７８: \(father.phone)")
            #expect(mother.phone == "+868885123456" && PhoneNumber.display(mother.phone) == "0888-5123456" && mother.phone2 == "+8613987654321", "written (0888)5123456 and 86-13987654321: \(mother.phone) \(mother.phone2)")
            for g in [father, mother] {
                #expect(g.address == SyntheticSchool.showcaseAddress && g.householdID == school.twinHousehold, "\(g.id): \(g.address)")
            }
        }

        // An empty counselor_id is the class's counselor (classes.csv); one given wins.
        for (counselor, n) in school.studentsPerCounselor.sorted(by: { $0.key < $1.key }) {
            #expect(try d.json(StudentPage.self, "student", "list", "--counselor", counselor).total == n, "\(counselor)")
        }

        // The same files again: nothing to change, no event.
        let again = try d.ctl(["roster", "import"] + files.arguments)
        #expect(again.status == 0 && again.out.contains("nothing to change: the roster already matches"), "\(again.out)\(again.err)")

        // Exported and read back as a directory: nothing added, changed or missing in any kind.
        let out = d.dir.appendingPathComponent("export").path
        let exported = try d.ctl("roster", "export", out)
        #expect(exported.status == 0, "\(exported.out)\(exported.err)")
        let back = try d.json(RosterImportResult.self, "roster", "import", out, "--dry-run")
        for (name, diff) in back.diff.kinds {
            #expect(diff.added.isEmpty && diff.changed.isEmpty && diff.removedFromSource.isEmpty, "\(name): \(diff)")
            #expect(diff.unchanged == school.expected[name], "\(name): \(diff.unchanged) unchanged")
        }
        // The bad values were dropped on the way in; what cannot be fixed by dropping is warned about again.
        #expect(back.warnings.map(\.code).sorted() == ["no_valid_channel", "unknown_class"], "\(back.warnings.map(\.description))")

        // Every guardian as held: their students, their stored numbers, their household's address.
        let held = try Self.guardiansAsExported(atPath: "\(out)/guardians.csv")
        #expect(held.count == school.held.count)
        let wrong = school.held.keys.sorted().filter { held[$0] != school.held[$0] }
        #expect(wrong.isEmpty, "\(wrong.count) guardians differ, e.g. \(wrong.prefix(3).map { "\($0): held \(String(describing: held[$0])), expected \(school.held[$0]!)" })")
        #expect(d.stop() == 0)
    }

    @Test func structuralErrorsRefuseTheWholeRosterAndEachIsListedAtItsCell() throws {
        let d = try Daemon(demo: false)
        try d.start()
        let good = SyntheticSchool()
        let (imported, _) = try d.importRoster(try good.write(into: d))
        #expect(imported.status == 0, "\(imported.err)")
        let before = try d.json(StudentPage.self, "student", "list").total
        #expect(before == good.expected["students"])

        // The same school with four structural errors (and its five warnings).
        let broken = SyntheticSchool(broken: true)
        let report = d.dir.appendingPathComponent("refused.csv").path
        let (o, _) = try d.importRoster(try broken.write(into: d, folder: "broken"), "--report", report)
        #expect(o.status == 1, "\(o.out)\(o.err)")
        let err = try #require(try JSONDecoder().decode([String: WireError].self, from: Data(o.out.utf8))["error"], "\(o.out)")
        #expect(err.message.contains("the roster has \(broken.errors.count) errors and \(broken.warnings.count) warnings; nothing was imported"), "\(err.message)")
        let details = err.details ?? []
        let errors = details.filter { !$0.contains(": warning (") }
        #expect(errors.count == broken.errors.count && details.count == broken.errors.count + broken.warnings.count, "\(details)")
        for e in broken.errors {
            #expect(errors.contains { $0.hasPrefix(e.spot) && $0.contains(e.says) }, "no error \(e.spot)…\(e.says) in \(errors)")
        }
        let rows = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\r\n")
        #expect(rows.count == 1 + details.count && rows.filter { $0.contains(",error,") }.count == broken.errors.count, "\(rows)")

        // Nothing of it landed: the same students, the newcomer absent, the twins' father still theirs.
        #expect(try d.json(StudentPage.self, "student", "list").total == before)
        #expect(try d.ctl("student", "show", broken.newcomer).status == 1)
        let twin = try d.json(StudentDetail.self, "student", "show", broken.twins[1])
        #expect(twin.guardians.map(\.id) == broken.twinParents && twin.guardians.first?.phone == "+8613812345678")
    }

    /// guardians.csv as `roster export` wrote it, read back per guardian.
    static func guardiansAsExported(atPath path: String) throws -> [String: SyntheticSchool.HeldGuardian] {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let table = try CSVReader.parse(text, file: "guardians.csv")
        let column = Dictionary(uniqueKeysWithValues: table.header.values.enumerated().map { ($1, $0) })
        var out: [String: SyntheticSchool.HeldGuardian] = [:]
        for row in table.rows {
            func v(_ name: String) -> String { row.values[column[name]!] }
            out[v("guardian_id"), default: .init(phone: v("phone"), phone2: v("phone2"), address: v("address"), students: [])]
                .students.insert(v("student_id"))
        }
        return out
    }
}

// MARK: - Running the import

/// The five files as written, and the arguments of `roster import` naming them.
struct RosterPaths {
    var students, guardians, staff, classes, records: String
    var arguments: [String] { [students, guardians, staff, "--classes", classes, "--records", records] }
}

extension Daemon {
    /// `roster import` of `files` with `--json`: the run, and its result when it succeeded.
    fileprivate func importRoster(_ files: RosterPaths, _ extra: String...) throws -> (Output, RosterImportResult?) {
        let o = try ctl(["roster", "import"] + files.arguments + extra + ["--json"])
        return (o, o.status == 0 ? try Wire.decoder().decode(RosterImportResult.self, from: Data(o.out.utf8)) : nil)
    }
}

extension RosterImportResult {
    /// How many records of each kind are added (RosterDiff's names).
    var added: [String: Int] { Dictionary(uniqueKeysWithValues: diff.kinds.map { ($0.name, $0.diff.added.count) }) }
}

extension RosterProblem {
    /// `CODE FILE:LINE:COLUMN: FIELD: `: what and where, to compare with what was planted.
    var spot: String { "\(code) \(file):\(line):\(column): \(field): " }
}

// MARK: - Writing CSV as a spreadsheet does, knowing where each cell starts

/// Where a cell begins: the line (counting the line breaks inside quoted
/// addresses above it) and the column in Unicode scalars, as CSVReader counts.
struct Cell: Hashable {
    var file: String
    var line: Int
    var column: Int
    var field: String
    /// How a problem in this cell begins: `FILE:LINE:COLUMN: FIELD: `.
    var spot: String { "\(file):\(line):\(column): \(field): " }
}

/// A CSV file written row by row with RFC 4180 quoting.
struct Sheet {
    let name: String
    /// (header as written, column name) in file order.
    let columns: [(header: String, name: String)]
    let lineEnd: String
    private(set) var text: String
    private var line = 1

    init(_ name: String, bom: Bool = false, lineEnd: String = "\n", _ columns: [(String, String)]) {
        self.name = name; self.columns = columns.map { (header: $0.0, name: $0.1) }; self.lineEnd = lineEnd
        text = bom ? "\u{FEFF}" : ""  // (CSVReader never sees the BOM: columns on line 1 start after it)
        append(self.columns.map(\.header))
    }

    /// Appends a row (cells by column name, absent ones empty) and returns where each cell starts.
    @discardableResult
    mutating func add(_ cells: [String: String]) -> [String: Cell] {
        precondition(Set(cells.keys).isSubset(of: columns.map(\.name)), "unknown column in \(cells.keys)")
        let starts = append(columns.map { cells[$0.name] ?? "" })
        return Dictionary(uniqueKeysWithValues: zip(columns, starts).map { ($0.name, Cell(file: name, line: $1.line, column: $1.column, field: $0.name)) })
    }

    @discardableResult
    private mutating func append(_ values: [String]) -> [(line: Int, column: Int)] {
        var column = 1, starts: [(line: Int, column: Int)] = []
        for (i, value) in values.enumerated() {
            if i > 0 { text += ","; column += 1 }
            starts.append((line, column))
            let cell = Self.quoted(value)
            text += cell
            for s in cell.unicodeScalars {
                if s == "\n" { line += 1; column = 1 } else { column += 1 }
            }
        }
        text += lineEnd
        line += 1
        return starts
    }

    static func quoted(_ v: String) -> String {
        v.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }
}

/// Knuth's MMIX linear congruential generator with a fixed seed: the same
/// school on every run and machine, so a failure reproduces.
struct LCG {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[next(xs.count)] }
}

// MARK: - The synthetic school

/// Two colleges of a Yunnan college, eight classes of 50 and one student
/// in a class classes.csv forgot: 401 students, their parents (twins and
/// siblings a year apart share them), 15 staff and their records, as
/// students.csv (the SIS: Chinese headers, BOM, CRLF), classes.csv,
/// staff.csv, records.csv and guardians.csv (a counselor's spreadsheet: one
/// row per guardian per student, a parent of two students named again on
/// the second row with their own columns left empty) export them.
///
/// `broken` adds four structural errors: a student listed twice, a guardian
/// of a student nobody has, a parent whose number differs between their
/// two rows, a record of an unknown kind.
struct SyntheticSchool {
    struct HeldGuardian: Equatable, CustomStringConvertible {
        var phone: String, phone2: String, address: String
        var students: Set<String>
        var description: String { "\(phone)|\(phone2)|\(address.debugDescription)|\(students.sorted())" }
    }
    /// A planted problem: its code (empty for an error), the cell it must name, and for an error what it must say.
    struct Planted {
        var code: String
        var cell: Cell
        var says = ""
        /// `CODE FILE:LINE:COLUMN: FIELD: ` (RosterProblem.spot) for a warning; the description's start for an error.
        var spot: String { code.isEmpty ? cell.spot : "\(code) \(cell.spot)" }
        var reportPrefix: String { "\(cell.file),\(cell.line),\(cell.column),\(cell.field),warning,\(code)," }
    }

    var staff = Sheet("staff.csv", [("staff_id", "staff_id"), ("name", "name"), ("role", "role"), ("college", "college"),
                                    ("unix_user", "unix_user"), ("phone", "phone")])
    var classes = Sheet("classes.csv", bom: true, lineEnd: "\r\n", [("班级", "class"), ("二级学院", "college"), ("专业", "major"),
                                                                    ("年级", "grade"), ("辅导员工号", "counselor_id"), ("班主任工号", "teacher_id")])
    var students = Sheet("students.csv", bom: true, lineEnd: "\r\n", [
        ("学号", "student_id"), ("姓名", "name"), ("性别", "gender"), ("学院", "college"), ("专业", "major"), ("班级", "class"),
        ("辅导员工号", "counselor_id"), ("关注等级", "tier"), ("手机", "phone"), ("出生日期", "birth_date")])
    var guardians = Sheet("guardians.csv", bom: true, lineEnd: "\r\n", [
        ("家长编号", "guardian_id"), ("学号", "student_id"), ("家长姓名", "name"), ("与学生关系", "relation"), ("手机", "phone"),
        ("备用电话", "phone2"), ("微信", "wechat"), ("QQ", "qq"), ("通讯地址", "address"), ("联系偏好", "preference"), ("家庭编号", "household_id")])
    var records = Sheet("records.csv", [("学号", "student_id"), ("类别", "kind"), ("名称", "title"), ("级别", "level"), ("日期", "date"),
                                        ("原因", "reasons"), ("文号", "document")])

    /// What the import must add per kind (RosterDiff's names); guardians are people, not rows.
    var expected: [String: Int] = [:]
    var warnings: [Planted] = []
    var errors: [Planted] = []
    /// Each guardian as the roster must hold them, by id.
    var held: [String: HeldGuardian] = [:]
    /// Students per counselor once each class's counselor is filled in.
    var studentsPerCounselor: [String: Int] = [:]
    /// The first twins, their parents (father first, as ids sort) and household.
    var twins: [String] = [], twinParents: [String] = [], twinHousehold = ""
    /// A student only the broken version lists.
    let newcomer = "2023010151"

    /// The twins' household: two lines, an ASCII comma and quotes a spreadsheet must escape.
    static let showcaseAddress = "云南省丽江市古城区金山白族乡\"白华\"村委会3组,18号\n（转交：和志强，电话联系后送达）"

    // The school's fixed shape.
    struct ClassSpec { var name, college, major, grade, idPrefix, counselor, teacher: String }
    static let tourism = "旅游管理学院", computing = "信息工程学院"
    static let classSpecs = [
        ClassSpec(name: "旅游2301班", college: tourism, major: "旅游管理", grade: "2023", idPrefix: "20230101", counselor: "T0101", teacher: "B0101"),
        ClassSpec(name: "旅游2302班", college: tourism, major: "旅游管理", grade: "2023", idPrefix: "20230102", counselor: "T0101", teacher: "B0102"),
        ClassSpec(name: "酒店2301班", college: tourism, major: "酒店管理", grade: "2023", idPrefix: "20230103", counselor: "T0102", teacher: "B0103"),
        ClassSpec(name: "酒店2401班", college: tourism, major: "酒店管理", grade: "2024", idPrefix: "20240104", counselor: "T0102", teacher: "B0104"),
        ClassSpec(name: "计算机2301班", college: computing, major: "计算机科学与技术", grade: "2023", idPrefix: "20230201", counselor: "T0201", teacher: "B0201"),
        ClassSpec(name: "计算机2302班", college: computing, major: "计算机科学与技术", grade: "2023", idPrefix: "20230202", counselor: "T0201", teacher: "B0202"),
        ClassSpec(name: "软件2301班", college: computing, major: "软件工程", grade: "2023", idPrefix: "20230203", counselor: "T0202", teacher: "B0203"),
        ClassSpec(name: "软件2401班", college: computing, major: "软件工程", grade: "2024", idPrefix: "20240204", counselor: "T0202", teacher: "B0204"),
    ]
    /// (staff_id, name, role as written, college, unix_user)
    static let staffRows: [(String, String, String, String, String)] = [
        ("T0101", "王丽", "辅导员", tourism, "wangli"), ("T0102", "赵敏", "counselor", tourism, "zhaomin"),
        ("T0201", "陈晨", "辅导员", computing, "chenchen"), ("T0202", "刘洋", "辅导员", computing, ""),
        ("B0101", "和丽芳", "班主任", tourism, ""), ("B0102", "木志刚", "班主任", tourism, ""),
        ("B0103", "杨秀英", "班主任", tourism, ""), ("B0104", "李娜", "班主任", tourism, ""),
        ("B0201", "周涛", "班主任", computing, ""), ("B0202", "吴静", "班主任", computing, ""),
        ("B0203", "徐磊", "班主任", computing, ""), ("B0204", "孙艳", "班主任", computing, ""),
        ("S0100", "李强", "分管领导", tourism, "liqiang"), ("S0200", "马军", "supervisor", computing, ""),
        ("O0001", "胡建华", "学生工作处", "", "office1"),
    ]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "和", "木", "欧阳"]
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
                             "秀英", "建华", "玉兰", "海燕", "志强", "嘉怡", "子涵", "浩然", "欣怡", "雨桐", "思远"]
    static let places = ["云南省丽江市古城区", "云南省大理市下关镇", "云南省昆明市五华区", "四川省攀枝花市东区", "云南省玉龙纳西族自治县", "贵州省六盘水市钟山区"]
    static let streets = ["祥和路", "福慧路", "人民路", "金虹路", "七一街", "文化巷"]
    static let estates = ["金沙", "玉龙花园", "雪山", "古城新村"]
    /// (title, level as written, date, document)
    static let awards = [("国家奖学金", "国家级", "2024-11-20", "滇教〔2024〕37号"), ("校级三好学生", "school", "2024-05-04", ""),
                         ("院级优秀学生干部", "院级", "2024-06-15", ""), ("省级大学生职业规划大赛二等奖", "provincial", "2024-04-28", ""),
                         ("国家励志奖学金", "national", "2024-11-20", ""), ("校级优秀志愿者", "校级", "2024-12-05", "")]
    /// (title, level as written, reasons)
    static let sanctions = [("考试作弊", "记过", "期末考试夹带纸条"), ("旷课累计超过20学时", "警告", "本学期旷课22学时"),
                            ("夜不归宿", "serious-warning", "连续三晚未归, 未请假")]

    /// A student as generated, before writing.
    struct Kid {
        var id, name, gender, college, major, className, counselorWritten, counselorHeld, tierWritten, phone, birth: String
        var tier: Tier
        var seq: Int
        var classIndex: Int?
    }
    /// A parent or other guardian as generated: what their first row says.
    struct Parent {
        var id, name, relation: String
        var phone = "", phoneStored = "", phone2 = "", phone2Stored = ""
        var wechat = "", qq = "", preference = ""
        var household = "", address = ""
    }
    struct Family { var kids: [Int]; var parents: [Parent]; var address: String }

    init(broken: Bool = false) {
        var rng = LCG(state: 13)
        var kids = Self.makeKids(&rng)
        let families = Self.makeFamilies(&kids, &rng)
        writeStaffAndClasses()
        writeStudents(kids, broken: broken)
        writeGuardians(kids, families, broken: broken)
        writeRecords(kids, &rng, broken: broken)

        expected["students"] = kids.count
        let parents = families.flatMap(\.parents)
        expected["guardians"] = parents.count
        // A guardian with no household_id is a household of one, under their own id.
        expected["households"] = Set(parents.map { $0.household.isEmpty ? $0.id : $0.household }).count
        for f in families {
            for p in f.parents {
                held[p.id] = HeldGuardian(phone: p.phoneStored, phone2: p.phone2Stored, address: p.household.isEmpty ? p.address : f.address,
                                          students: Set(f.kids.map { kids[$0].id }))
            }
        }
        for k in kids { studentsPerCounselor[k.counselorHeld, default: 0] += 1 }
        let showcase = families[2]
        twins = showcase.kids.map { kids[$0].id }
        twinParents = showcase.parents.map(\.id)
        twinHousehold = showcase.parents[0].household
    }

    // MARK: students

    static func makeKids(_ rng: inout LCG) -> [Kid] {
        var kids: [Kid] = []
        for (c, spec) in classSpecs.enumerated() {
            // Of the college's two counselors, the one this class does not have.
            let other = classSpecs.first { $0.college == spec.college && $0.counselor != spec.counselor }!.counselor
            for seq in 1...50 {
                let tier: Tier = [0: .special, 1: .key, 2: .key][rng.next(20)] ?? .general
                let tierWritten = switch tier {
                case .special: "特殊"
                case .key: rng.pick(["重点", "key", "重点关注"])
                case .general: rng.pick(["一般", "", "general"])
                }
                // Most rows leave the counselor to the class; every 17th student is followed by the other counselor.
                let counselor = seq % 17 == 0 ? other : ""
                let mobile = "150" + pad(kids.count, 8)
                let phone = seq % 4 == 0 ? Self.mobile(mobile, style: rng.next(6)) : ""
                kids.append(Kid(id: spec.idPrefix + pad(seq, 2), name: rng.pick(surnames) + rng.pick(givenNames), gender: rng.pick(["男", "女"]),
                                college: spec.college, major: spec.major, className: spec.name, counselorWritten: counselor,
                                counselorHeld: counselor.isEmpty ? spec.counselor : counselor, tierWritten: tierWritten, phone: phone,
                                birth: seq % 2 == 0 ? "\(spec.grade == "2023" ? 2005 : 2006)-\(pad(1 + rng.next(12), 2))-\(pad(1 + rng.next(28), 2))" : "",
                                tier: tier, seq: seq, classIndex: c))
            }
            if c == 1 {
                // A class classes.csv does not list: its counselor must be given (unknown_class).
                kids.append(Kid(id: "2023019901", name: "欧阳娜娜", gender: "女", college: tourism, major: "旅游管理", className: "旅游2303班",
                                counselorWritten: "T0101", counselorHeld: "T0101", tierWritten: "", phone: "", birth: "", tier: .general, seq: 1))
            }
        }
        return kids
    }

    mutating func writeStaffAndClasses() {
        for (i, s) in Self.staffRows.enumerated() {
            staff.add(["staff_id": s.0, "name": s.1, "role": s.2, "college": s.3, "unix_user": s.4,
                       "phone": i == 3 ? "138 0000 0004" : "138000000" + Self.pad(i + 1, 2)])
        }
        for c in Self.classSpecs {
            classes.add(["class": c.name, "college": c.college, "major": c.major, "grade": c.grade, "counselor_id": c.counselor, "teacher_id": c.teacher])
        }
        expected["staff"] = Self.staffRows.count
        expected["classes"] = Self.classSpecs.count
    }

    mutating func writeStudents(_ kids: [Kid], broken: Bool) {
        var lines: [String: Int] = [:]
        for var k in kids {
            // One number nobody can dial: imported without it (invalid_phone).
            if k.classIndex == 2 && k.seq == 9 { k.phone = "1381234" }
            let row = ["student_id": k.id, "name": k.name, "gender": k.gender, "college": k.college, "major": k.major, "class": k.className,
                       "counselor_id": k.counselorWritten, "tier": k.tierWritten, "phone": k.phone, "birth_date": k.birth]
            let cells = students.add(row)
            lines[k.id] = cells["student_id"]!.line
            if k.phone == "1381234" { warnings.append(Planted(code: "invalid_phone", cell: cells["phone"]!)) }
            if k.classIndex == nil { warnings.append(Planted(code: "unknown_class", cell: cells["class"]!)) }
            guard broken, k.classIndex == 0 else { continue }
            if k.seq == 10 {
                // The second student pasted again further down.
                let twice = kids[1]
                let again = students.add(["student_id": twice.id, "name": twice.name, "college": twice.college, "class": twice.className])
                errors.append(Planted(code: "", cell: again["student_id"]!, says: "duplicate student id \(twice.id); line \(lines[twice.id]!) has it too"))
            }
            if k.seq == 50 {
                students.add(["student_id": newcomer, "name": "新同学", "college": k.college, "class": k.className])
            }
        }
    }

    // MARK: guardians

    /// Families in the order of their first child: twins (seq 3 and 4,
    /// 15 and 16, … of a class), siblings a year apart (the same seq in a
    /// college's 2023 and 2024 class), everyone else alone.
    /// (A brother or sister takes the first child's surname.)
    static func makeFamilies(_ kids: inout [Kid], _ rng: inout LCG) -> [Family] {
        let index = Dictionary(uniqueKeysWithValues: kids.enumerated().map { ($1.id, $0) })
        var taken = Set<Int>(), families: [Family] = [], nextID = 1
        func newID() -> String { defer { nextID += 1 }; return "G" + pad(nextID, 5) }
        for (i, k) in kids.enumerated() where !taken.contains(i) {
            var members = [i]
            if let c = k.classIndex {
                if k.seq % 12 == 3 { members.append(i + 1) }
                if [0, 4].contains(c), [7, 19, 33].contains(k.seq) { members.append(index[classSpecs[c + 3].idPrefix + pad(k.seq, 2)]!) }
            }
            taken.formUnion(members)
            let f = families.count
            let surname = k.name.hasPrefix("欧阳") ? "欧阳" : String(k.name.prefix(1))
            for m in members.dropFirst() { kids[m].name = surname + String(kids[m].name.dropFirst(kids[m].name.hasPrefix("欧阳") ? 2 : 1)) }
            let showcase = f == 2  // the first twins (旅游2301班 03 and 04)
            let address = showcase ? showcaseAddress : Self.address(f, &rng)
            // Every 9th family comes from the spreadsheet's older rows: no household_id, each parent's address on their own row.
            let household = f % 9 == 4 ? "" : "H" + pad(f + 1, 4)
            var parents: [Parent] = []
            if f % 7 != 6 {  // every 7th family: the mother alone
                var father = Parent(id: newID(), name: surname + rng.pick(givenNames), relation: "父亲", household: household)
                father.phoneStored = "139" + pad(nextID * 7919 % 100_000_000, 8)
                father.phone = Self.mobile(father.phoneStored, style: rng.next(6))
                if f % 4 == 1 { father.phone2Stored = "0888-6" + pad(f, 6); father.phone2 = landline("0888", "6" + pad(f, 6), style: rng.next(4)) }
                if f % 2 == 0 { father.wechat = "wxid_" + String(nextID * 104_729, radix: 36) }
                father.preference = [0: "微信>电话", 2: "wechat>phone>letter"][f % 4] ?? ""
                if f == 10 {
                    // A number too short to dial, on a father WeChat still reaches (invalid_phone only).
                    father.phone = "139 0000 12"; father.phoneStored = ""; father.preference = ""
                }
                if showcase { father.phone = "＋８６ １３８ １２３４ ５６７８"; father.phoneStored = "13812345678"; father.phone2 = ""; father.phone2Stored = "" }
                parents.append(father)
            }
            var mother = Parent(id: newID(), name: rng.pick(surnames) + rng.pick(givenNames), relation: "母亲", household: household)
            if f % 5 == 2 {
                mother.phoneStored = "0871-65" + pad(f, 6); mother.phone = landline("0871", "65" + pad(f, 6), style: rng.next(4))
            } else {
                mother.phoneStored = "137" + pad(nextID * 7919 % 100_000_000, 8); mother.phone = Self.mobile(mother.phoneStored, style: rng.next(6))
            }
            if f % 3 == 1 { mother.qq = String(200_000 + nextID * 37) }
            if f == 25 { mother.qq = "qq20231225" }  // letters in a QQ number (invalid_qq)
            mother.preference = f % 6 == 3 ? "电话" : ""
            if showcase {
                mother.phone = "(0888)5123456"; mother.phoneStored = "0888-5123456"
                mother.phone2 = "86-13987654321"; mother.phone2Stored = "13987654321"; mother.qq = ""
            }
            parents.append(mother)
            if f % 11 == 5 {
                var grandmother = Parent(id: newID(), name: surname + "奶奶", relation: "祖母", household: household)
                grandmother.phoneStored = "0888-5" + pad(f, 6); grandmother.phone = landline("0888", "5" + pad(f, 6), style: rng.next(4))
                parents.append(grandmother)
            }
            if f == 40 {
                // A grandfather nobody has a number or address for: kept, and reported (no_valid_channel).
                parents.append(Parent(id: newID(), name: surname + "爷爷", relation: "祖父"))
            }
            // Who writes the address: in a household the first parent, and half the time the others too; else each their own.
            for p in parents.indices where parents[p].relation != "祖父" {
                parents[p].address = household.isEmpty || p == 0 || f % 2 == 1 ? address : ""
            }
            families.append(Family(kids: members, parents: parents, address: address))
        }
        return families
    }

    mutating func writeGuardians(_ kids: [Kid], _ families: [Family], broken: Bool) {
        var familyOf: [Int: Int] = [:]
        for (f, family) in families.enumerated() { for k in family.kids { familyOf[k] = f } }
        var firstRow: [String: [String: Cell]] = [:]
        for (k, kid) in kids.enumerated() {
            let f = familyOf[k]!
            for p in families[f].parents {
                var row = ["guardian_id": p.id, "student_id": kid.id, "name": p.name, "relation": p.relation]
                if let first = firstRow[p.id] {
                    // A parent's second student: the person is named again (name is required), their own columns left empty.
                    if broken && f == 2 && p.relation == "父亲" { row["phone"] = "139-1234-5678" }
                    let cells = guardians.add(row)
                    if row["phone"] != nil {
                        errors.append(Planted(code: "", cell: cells["phone"]!, says: "guardian \(p.id) has \"+8613812345678\" here on line \(first["phone"]!.line)"))
                    }
                    continue
                }
                row.merge(["phone": p.phone, "phone2": p.phone2, "wechat": p.wechat, "qq": p.qq, "address": p.address,
                           "preference": p.preference, "household_id": p.household]) { $1 }
                let cells = guardians.add(row)
                firstRow[p.id] = cells
                if p.phone == "139 0000 12" { warnings.append(Planted(code: "invalid_phone", cell: cells["phone"]!)) }
                if p.qq == "qq20231225" { warnings.append(Planted(code: "invalid_qq", cell: cells["qq"]!)) }
                if p.relation == "祖父" { warnings.append(Planted(code: "no_valid_channel", cell: cells["phone"]!)) }
            }
            if broken && k == 0 {
                let cells = guardians.add(["guardian_id": "G99999", "student_id": "2099010199", "name": "某某", "relation": "父亲", "phone": "13900009999"])
                errors.append(Planted(code: "", cell: cells["student_id"]!, says: "no student 2099010199"))
            }
        }
    }

    // MARK: records

    /// Awards at every level (ids and Chinese names), sanctions, a suspension
    /// and its resumption, and tier histories whose latest entry is the
    /// student's tier (so no tier_mismatch).
    mutating func writeRecords(_ kids: [Kid], _ rng: inout LCG, broken: Bool) {
        var n = 0
        func add(_ r: [String: String]) { records.add(r); n += 1 }
        for (i, k) in kids.enumerated() {
            if k.tier != .general {
                if k.seq % 2 == 0 { add(["student_id": k.id, "kind": "关注等级", "level": "一般", "date": "2023-09-15", "reasons": "新生入学建档"]) }
                add(["student_id": k.id, "kind": rng.pick(["关注等级", "tier"]), "level": k.tier.chineseName, "date": "2024-03-01",
                     "reasons": k.tier == .special ? "心理咨询中心转介;需每周联系家长" : "家庭经济困难;学业预警（2门不及格）"])
            } else if k.seq % 13 == 0 {
                add(["student_id": k.id, "kind": "关注等级", "level": "重点", "date": "2023-10-10", "reasons": "入学适应困难"])
                add(["student_id": k.id, "kind": "tier", "level": "general", "date": "2024-09-01", "reasons": "已结对帮扶,情况好转"])
            }
            if k.seq % 9 == 1 {
                let a = Self.awards[(i / 9) % Self.awards.count]
                add(["student_id": k.id, "kind": rng.pick(["奖励", "award"]), "title": a.0, "level": a.1, "date": a.2, "document": a.3])
            }
            if k.seq % 23 == 11 {
                let s = Self.sanctions[(i / 23) % Self.sanctions.count]
                add(["student_id": k.id, "kind": rng.pick(["处分", "sanction"]), "title": s.0, "level": s.1, "date": "2024-06-20",
                     "reasons": s.2, "document": "院学字〔2024〕\(i % 40 + 1)号"])
            }
            if k.classIndex == 4 && k.seq == 5 {
                add(["student_id": k.id, "kind": "学籍异动", "level": "休学", "date": "2024-03-01", "reasons": "因病休学一年", "document": "信工院〔2024〕3号"])
                add(["student_id": k.id, "kind": "status", "level": "resumption", "date": "2025-03-01", "reasons": "病愈复学"])
            }
            if broken && i == 0 {
                let cells = records.add(["student_id": k.id, "kind": "表彰", "title": "优秀志愿者", "level": "校级", "date": "2024-12-05"])
                errors.append(Planted(code: "", cell: cells["kind"]!, says: "\"表彰\" is not a kind of record"))
            }
        }
        expected["records"] = n
    }

    // MARK: writing

    /// The five files in `folder` of the daemon's directory.
    func write(into d: Daemon, folder: String = "sis") throws -> RosterPaths {
        let dir = d.dir.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func put(_ s: Sheet) throws -> String {
            let path = dir.appendingPathComponent(s.name).path
            try s.text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        return RosterPaths(students: try put(students), guardians: try put(guardians), staff: try put(staff),
                           classes: try put(classes), records: try put(records))
    }

    // MARK: numbers and addresses as people write them

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func fullWidth(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { ("0"..."9").contains($0) ? Unicode.Scalar($0.value - 0x30 + 0xFF10)! : $0 }))
    }

    /// An 11-digit mobile in one of six ways people write it.
    static func mobile(_ d: String, style: Int) -> String {
        let a = String(d.prefix(3)), b = String(d.dropFirst(3).prefix(4)), c = String(d.suffix(4))
        switch style {
        case 0: return d
        case 1: return fullWidth(d)  // １３９…
        case 2: return "+86 \(a) \(b) \(c)"
        case 3: return "86-" + d
        case 4: return "\(a)-\(b)-\(c)"
        default: return "0086 " + d
        }
    }

    /// A landline in one of four ways people write it.
    static func landline(_ area: String, _ local: String, style: Int) -> String {
        switch style {
        case 0: return "\(area)-\(local)"
        case 1: return "(\(area))\(local)"
        case 2: return "\(area) \(local)"
        default: return "（\(fullWidth(area))）\(fullWidth(local))"
        }
    }

    /// Two lines, the first with an ASCII comma, every third with quotes.
    static func address(_ f: Int, _ rng: inout LCG) -> String {
        let first = rng.pick(places) + rng.pick(streets) + "\(1 + rng.next(200))号,\(1 + rng.next(12))栋\(1 + rng.next(4))单元\(101 + rng.next(6) * 100)室"
        let second = f % 3 == 0 ? "\"\(rng.pick(estates))\"小区门卫代收" : "邮编 6741\(pad(rng.next(100), 2))"
        return first + "\n" + second
    }
}
