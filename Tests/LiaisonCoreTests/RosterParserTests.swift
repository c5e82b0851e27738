import Testing
@testable import LiaisonCore

@Suite struct RosterParserTests {
    let staffCSV = "staff_id,name,role,college,unix_user,phone\nT01,王老师,counselor,旅游管理学院,wangls,13800000001\n"
    let studentsCSV = "student_id,name,college,class,counselor_id,tier\n2023010101,张三,旅游管理学院,旅游2301班,T01,key\n"
    let guardiansCSV = "guardian_id,student_id,name,relation,phone,wechat,preference\nG1,2023010101,张父,父亲,13900000002,wx1,wechat>phone\n"

    func table(_ text: String, _ file: String) throws -> CSVTable { try CSVReader.parse(text, file: file) }

    func parse(students: String? = nil, guardians: String? = nil, staff: String? = nil, existing: Roster = Roster()) throws -> Roster {
        try parsed(students: students, guardians: guardians, staff: staff, existing: existing).roster
    }

    func parsed(students: String? = nil, guardians: String? = nil, staff: String? = nil, classes: String? = nil, records: String? = nil,
                existing: Roster = Roster()) throws -> (roster: Roster, warnings: [RosterProblem]) {
        try RosterParser.parse(RosterFiles(students: students.map { try table($0, "students.csv") },
                                           guardians: guardians.map { try table($0, "guardians.csv") },
                                           staff: staff.map { try table($0, "staff.csv") },
                                           classes: classes.map { try table($0, "classes.csv") },
                                           records: records.map { try table($0, "records.csv") }), existing: existing)
    }

    @Test func readsAllThreeFiles() throws {
        let r = try parse(students: studentsCSV, guardians: guardiansCSV, staff: staffCSV)
        #expect(r.staff == [Staff(id: "T01", name: "王老师", role: .counselor, college: "旅游管理学院", unixUser: "wangls", phone: "+8613800000001")])
        #expect(r.students.first?.tier == .key)
        #expect(r.guardians.first?.preference == [.wechat, .phone])
    }

    @Test func chineseHeadersAreAccepted() throws {
        let students = "学号,姓名,学院,班级,辅导员工号,关注等级\n2023010101,张三,旅游管理学院,旅游2301班,T01,重点\n"
        let r = try parse(students: students, staff: staffCSV)
        #expect(r.students.first?.tier == .key)
    }

    @Test func everyProblemIsReportedWithItsPlace() throws {
        let students = """
            student_id,name,college,class,counselor_id,tier
            2023010101,张三,旅游管理学院,旅游2301班,T01,key
            bad id!,李四,旅游管理学院,旅游2301班,T01,
            2023010101,王五,旅游管理学院,旅游2301班,T99,vip
            2023010104,,旅游管理学院,旅游2301班,T01,general

            """
        let e = #expect(throws: LiaisonError.self) { try parse(students: students, staff: staffCSV) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("students.csv:3:1: student_id:") && $0.contains("not a valid id") })
        #expect(d.contains { $0.hasPrefix("students.csv:4:") && $0.contains("duplicate student id 2023010101; line 2") })
        #expect(d.contains { $0.hasPrefix("students.csv:4:") && $0.contains("no staff member T99") })
        #expect(d.contains { $0.hasPrefix("students.csv:4:") && $0.contains("\"vip\" is not a tier") })
        #expect(d.contains { $0.hasPrefix("students.csv:5:12: name: is empty") })
        #expect(e?.message.contains("nothing was imported") == true)
    }

    @Test func rowWidthAndMissingColumns() {
        let e = #expect(throws: LiaisonError.self) {
            try parse(students: "student_id,name\n1,2,3\n", staff: "staff_id,name,role\nT1,x,counselor,extra\n")
        }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("students.csv:1:1: missing columns college, class") })
        #expect(d.contains { $0.hasPrefix("staff.csv:2:") && $0.contains("4 fields but the header has 3") })
    }

    @Test func guardianChecks() {
        let guardians = """
            guardian_id,student_id,name,relation,phone,wechat,preference
            G1,2023010101,张父,父亲,12345,wx1,wechat
            G2,2099999999,某某,母亲,13900000003,,phone
            G3,2023010101,张母,母亲,13900000004,,wechat
            G4,2023010101,张叔,叔叔,,,

            """
        let e = #expect(throws: LiaisonError.self) { try parse(students: studentsCSV, guardians: guardians, staff: staffCSV) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("guardians.csv:2:") && $0.contains("\"12345\" is not a phone number") })
        #expect(d.contains { $0.hasPrefix("guardians.csv:3:") && $0.contains("no student 2099999999") })
        #expect(d.contains { $0.hasPrefix("guardians.csv:4:") && $0.contains("prefers wechat but has no wechat") })
        #expect(d.contains { $0.hasPrefix("guardians.csv:5:") && $0.contains("warning (no_valid_channel)") && $0.contains("no usable phone, WeChat, QQ or address") })
        // The error comes first; every warning is listed too.
        #expect(e?.message.contains("1 error and 3 warnings") == true, "\(e?.message ?? "")")
        #expect(d.first?.contains("no student 2099999999") == true && d.count == 4, "\(d)")
    }

    /// Data-quality problems are warnings: the rows are imported without the bad values (issue 13).
    @Test func badNumbersAndUnreachableGuardiansAreWarningsNotAWall() throws {
        let guardians = """
            guardian_id,student_id,name,relation,phone,wechat,qq,preference
            G1,2023010101,张父,父亲,12345,wx1,,wechat>phone
            G2,2023010101,张母,母亲,0888-5123456,,abc,sms>phone
            G3,2023010101,张叔,叔叔,,,,

            """
        let (r, warnings) = try parsed(students: studentsCSV, guardians: guardians, staff: staffCSV)
        #expect(r.guardians.map(\.id) == ["G1", "G2", "G3"])
        #expect(r.guardians[0].phone == "" && r.guardians[0].preference == [.wechat], "\(r.guardians[0])")
        #expect(r.guardians[1].qq == "" && r.guardians[1].preference == [.phone], "\(r.guardians[1])")
        // (G1's number gone, "phone" in its preference has nothing to call.)
        #expect(warnings.map(\.code) == ["invalid_phone", "unusable_preference", "invalid_qq", "unusable_preference", "no_valid_channel"], "\(warnings)")
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.file == "guardians.csv" && $0.line > 1 && $0.column > 0 })
        #expect(warnings[0].description.hasPrefix("guardians.csv:2:21: phone: warning (invalid_phone): \"12345\""), "\(warnings[0])")
        // The text form reads back (the CLI's --report of a refused import), and the CSV guards formulas.
        #expect(warnings.allSatisfy { RosterProblem(parsing: $0.description) == $0 })
        let csv = RosterProblem.csv([RosterProblem(file: "g.csv", line: 2, column: 3, field: "name", message: "=HYPERLINK(\"x\"), bad")])
        #expect(csv == "file,line,column,field,severity,code,message\r\ng.csv,2,3,name,error,,\"'=HYPERLINK(\"\"x\"\"), bad\"\r\n", "\(csv)")
    }

    /// A second number has its own column (issue 13): tried after the first,
    /// for calls, and for SMS when it is a mobile.
    @Test func aSecondNumberHasItsOwnColumn() throws {
        let guardians = """
            家长编号,学号,姓名,关系,手机,备用电话,微信
            G1,2023010101,张父,父亲,13900000002,＋８６ １３７ ００００ ０００３,
            G2,2023010101,张母,母亲,,(0888)5123456,
            G3,2023010101,张叔,叔叔,13900000004,123,

            """
        let (r, warnings) = try parsed(students: studentsCSV, guardians: guardians, staff: staffCSV)
        #expect(r.guardians.map(\.phone2) == ["+8613700000003", "+868885123456", ""])
        let views = r.guardianViews
        #expect(views[0].addresses(for: .sms) == ["+8613900000002", "+8613700000003"] && views[0].addresses(for: .phone).count == 2)
        // A guardian with only a landline as the second number is reached by calls, never SMS.
        #expect(views[1].addresses(for: .sms).isEmpty && views[1].addresses(for: .phone) == ["+868885123456"])
        #expect(r.guardians[1].preference == [.phone])
        #expect(warnings.map(\.code) == ["invalid_phone"] && warnings[0].field == "phone2", "\(warnings)")
    }

    /// Numbers as people write them (issue 13): stored in E.164 with their
    /// kind, shown the usual way, and read back from either.
    @Test func numbersAsPeopleWriteThem() {
        let cases: [(String, String?, String?)] = [
            ("13812345678", "+8613812345678", "13812345678"), ("１３８１２３４５６７８", "+8613812345678", nil),
            ("+86 138 1234 5678", "+8613812345678", nil), ("86-138-1234-5678", "+8613812345678", nil),
            ("0086 13812345678", "+8613812345678", nil), ("＋８６ １３８１２３４５６７８", "+8613812345678", nil),
            ("0888-5123456", "+868885123456", "0888-5123456"), ("(0888)5123456", "+868885123456", nil), ("0888 5123456", "+868885123456", nil),
            ("（０８８８）５１２３４５６", "+868885123456", nil), ("010-12345678", "+861012345678", "010-12345678"),
            ("02112345678", "+862112345678", "021-12345678"), ("+86 888 5123456", "+868885123456", "0888-5123456"),
            ("+86 1390000001", nil, nil), ("+1 415 555 0100", nil, nil), ("12345", nil, nil), ("1381234567x", nil, nil), ("", nil, nil),
        ]
        for (raw, e164, display) in cases {
            let n = PhoneNumber(raw)
            #expect(n?.e164 == e164, "\(raw)")
            if let display { #expect(n?.display == display, "\(raw)") }
            // The stored form reads back as itself, and so does the usual one.
            if let n { #expect(PhoneNumber(n.e164) == n && PhoneNumber(n.display) == n, "\(raw)") }
        }
        #expect(PhoneNumber("+8613812345678")?.kind == .mobile && PhoneNumber("+868885123456")?.kind == .landline)
        #expect(Guardian(id: "g", studentID: "s", name: "n", relation: "r", phone: "+868885123456").phoneKind == .landline)
        #expect(Guardian(id: "g", studentID: "s", name: "n", relation: "r", phone: "+8613812345678").phoneKind == .mobile)
        #expect(PhoneNumber.display("wx_1") == "wx_1" && PhoneNumber.stored("0888-5123456") == "+868885123456")
    }

    @Test func referencesResolveAgainstWhatIsHeld() throws {
        let held = Roster(staff: [Staff(id: "T01", name: "王老师", role: .counselor)])
        let r = try parse(students: studentsCSV, existing: held)
        #expect(r.students.count == 1)
    }

    @Test func ids() {
        #expect(RosterParser.isValidID("2023010101"))
        #expect(RosterParser.isValidID("G-1_a"))
        #expect(!RosterParser.isValidID("张三"))
        #expect(!RosterParser.isValidID("a b"))
        #expect(!RosterParser.isValidID(String(repeating: "1", count: 33)))
        #expect(!RosterParser.isValidID("-x"))
    }

    /// SMS goes to the first mobile of the two numbers: a landline first and a
    /// mobile second may prefer sms (an export of such a guardian reads back unchanged).
    @Test func smsPreferenceWithAMobileSecondNumber() throws {
        let guardians = "guardian_id,student_id,name,relation,phone,phone2,preference\nG1,2023010101,张母,母亲,0888-5123456,13900000002,sms>phone\nG2,2023010101,张奶奶,祖母,0888-5123457,,sms>phone\n"
        let (r, warnings) = try parsed(students: studentsCSV, guardians: guardians, staff: staffCSV)
        #expect(r.guardians[0].preference == [.sms, .phone] && r.guardianViews[0].addresses(for: .sms) == ["+8613900000002"])
        #expect(r.guardians[1].preference == [.phone] && warnings.map(\.code) == ["unusable_preference"] && warnings[0].line == 3, "\(warnings)")
    }

    /// Hostile values (issue 14.7): control characters, text reordering and
    /// values past their column's length are refused where they are.
    @Test func hostileValuesAreRefusedWithTheirPlace() {
        let guardians = "guardian_id,student_id,name,relation,phone,address\n"
            + "G1,2023010101,坏\u{0}名字,父亲,13900000001,丽江\n"
            + "G2,2023010101,\(String(repeating: "长", count: 65)),母亲,13900000002,\(String(repeating: "址", count: 301))\n"
            + "G3,2023010101,张\u{202E}三,叔叔,13900000003,\"两行\n地址\"\n"
            + "G4,2023010101,\"张\n四\",叔叔,13900000004,\n"
        let e = #expect(throws: LiaisonError.self) { try parse(students: studentsCSV, guardians: guardians, staff: staffCSV) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("guardians.csv:2:15: name: holds the control character U+0000 at character 2") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("guardians.csv:3:15: name: is 65 characters long; name holds at most 64") }, "\(d)")
        #expect(d.contains { $0.contains("address: is 301 characters long; address holds at most 300") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("guardians.csv:4:15: name: holds U+202E, which reorders") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("guardians.csv:6:15: name: holds the control character U+000A") && $0.contains("only an address may hold") }, "\(d)")
        // (The two-line address of G3 is fine.)
        #expect(!d.contains { $0.contains("address: holds") }, "\(d)")
    }

    @Test func phones() {
        #expect(PhoneNumber("+86 138 0000 0001")?.e164 == "+8613800000001")
        #expect(PhoneNumber("0888-5123456")?.e164 == "+868885123456")
        #expect(PhoneNumber("12800000001") == nil)
        #expect(PhoneNumber("1380000000a") == nil)
    }
}

@Suite struct RosterDiffTests {
    @Test func addedChangedUnchangedAbsent() {
        let a = Student(id: "1", name: "甲", college: "c", className: "k", counselorID: "T")
        let b = Student(id: "2", name: "乙", college: "c", className: "k", counselorID: "T")
        var b2 = b
        b2.phone = "13800000001"
        let c = Student(id: "3", name: "丙", college: "c", className: "k", counselorID: "T")
        let d = RosterDiff(existing: Roster(students: [a, b]), incoming: Roster(students: [b2, c]))
        #expect(d.students.added == ["3"])
        #expect(d.students.changed == [RecordChange(id: "2", fields: [FieldChange(field: "phone", old: "", new: "13800000001")])])
        #expect(d.students.unchanged == 0)
        #expect(d.students.removedFromSource == ["1"])
        #expect(RosterDiff(existing: Roster(students: [a]), incoming: Roster(students: [a])).isEmpty)
    }

    @Test func fieldsRoundTrip() {
        let g = RosterGuardian(id: "G", name: "父", phone: "+8613800000001", preference: [.phone, .sms], householdID: "H1",
                               students: [GuardianLink(studentID: "1", relation: "父亲"), GuardianLink(studentID: "2", relation: "继父")])
        #expect(RosterGuardian(fields: g.fields) == g)
        // A guardian.added written before households: one student, their own household.
        let old = ["id": "G", "student_id": "1", "name": "父", "relation": "父亲", "phone": "13800000001", "address": "丽江", "preference": "phone"]
        #expect(RosterGuardian(fields: old) == RosterGuardian(id: "G", name: "父", phone: "+8613800000001", preference: [.phone],
                                                               students: [GuardianLink(studentID: "1", relation: "父亲")]))
        let c = ClassRecord(name: "旅游2301班", college: "旅游管理学院", grade: "2023", counselorID: "T1", teacherID: "T2")
        #expect(ClassRecord(fields: c.fields) == c)
        let r = StudentRecord(studentID: "1", kind: .award, title: "国家奖学金", level: "national", date: "2026-06-30", reasons: "a; b")
        #expect(StudentRecord(fields: r.fields) == r)
        let s = Staff(id: "T", name: "王", role: .supervisor, college: "c", unixUser: "wang")
        #expect(Staff(fields: s.fields) == s)
    }
}
