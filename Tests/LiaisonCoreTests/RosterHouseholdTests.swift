import Testing
@testable import LiaisonCore

/// Issue 13.3–13.4: a guardian of several students, households with their
/// address, classes and the students' records.
@Suite struct RosterHouseholdTests {
    let staff = """
        staff_id,name,role,college
        T01,王老师,counselor,旅游管理学院
        T02,李老师,counselor,旅游管理学院

        """
    let students = """
        student_id,name,college,class,counselor_id
        2023010101,张一,旅游管理学院,旅游2301班,T01
        2023010102,张二,旅游管理学院,旅游2301班,T01
        2023010103,李三,旅游管理学院,旅游2301班,T01

        """

    /// (The daemon takes the export's byte order mark off as it decodes the upload.)
    func table(_ text: String, _ file: String) throws -> CSVTable { try CSVReader.parse(String(text.drop { $0 == "\u{FEFF}" }), file: file) }

    func parsed(students: String? = nil, guardians: String? = nil, classes: String? = nil, records: String? = nil,
                existing: Roster = Roster()) throws -> (roster: Roster, warnings: [RosterProblem]) {
        try RosterParser.parse(RosterFiles(students: try students.map { try table($0, "students.csv") },
                                           guardians: try guardians.map { try table($0, "guardians.csv") },
                                           staff: try table(staff, "staff.csv"),
                                           classes: try classes.map { try table($0, "classes.csv") },
                                           records: try records.map { try table($0, "records.csv") }), existing: existing)
    }

    /// Twins' father is one guardian with two students; the household's
    /// address is written once and kept with its line break, commas and quotes.
    @Test func aParentOfTwinsIsOneGuardian() throws {
        let guardians = """
            guardian_id,student_id,name,relation,phone,address,household_id
            G1,2023010101,张父,父亲,13900000001,"云南省丽江市古城区
            福慧路 12 号, ""金虹""小区",H1
            G1,2023010102,张父,父亲,,,H1
            G2,2023010101,张母,母亲,13900000002,,H1
            G2,2023010102,张母,母亲,13900000002,,H1
            G3,2023010103,李父,父亲,13900000003,昆明市,

            """
        let (r, warnings) = try parsed(students: students, guardians: guardians)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(r.guardians.map(\.id) == ["G1", "G2", "G3"])
        #expect(r.guardians[0].students.map(\.studentID) == ["2023010101", "2023010102"] && r.guardians[0].phone == "+8613900000001")
        #expect(r.guardians[2].householdID == "G3", "a guardian given no household is a household alone")
        #expect(r.households == [HouseholdRecord(id: "H1", address: "云南省丽江市古城区\n福慧路 12 号, \"金虹\"小区"),
                                 HouseholdRecord(id: "G3", address: "昆明市")])
        let views = r.guardianViews
        #expect(views.count == 5)
        #expect(views.filter { $0.studentID == "2023010102" }.map(\.address) == [r.households[0].address, r.households[0].address])
        #expect(views.allSatisfy { $0.preference.contains(.letter) }, "each has their household's address")
    }

    @Test func aGuardiansOwnColumnsMustAgree() throws {
        let guardians = """
            guardian_id,student_id,name,relation,phone,address,household_id
            G1,2023010101,张父,父亲,13900000001,丽江,H1
            G1,2023010102,张父,父亲,13900000009,,H1
            G2,2023010103,李父,父亲,13900000003,昆明,H1
            G1,2023010101,张父,父亲,,,

            """
        let e = #expect(throws: LiaisonError.self) { try parsed(students: students, guardians: guardians) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("guardians.csv:3:") && $0.contains("phone: guardian G1 has \"+8613900000001\" here on line 2") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("guardians.csv:4:") && $0.contains("household H1 has another address on line 2") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("guardians.csv:5:") && $0.contains("guardian G1 is listed for student 2023010101 twice") }, "\(d)")
    }

    /// A guardians file that names one of a guardian's students keeps the
    /// others held: importing it again changes nothing.
    @Test func aPartialFileKeepsAGuardiansOtherStudents() throws {
        let both = """
            guardian_id,student_id,name,relation,phone
            G1,2023010101,张父,父亲,13900000001
            G1,2023010102,张父,父亲,13900000001

            """
        let held = try parsed(students: students, guardians: both).roster
        let one = "guardian_id,student_id,name,relation,phone\nG1,2023010101,张父,父亲,13900000001\n"
        let (r, _) = try parsed(guardians: one, existing: held)
        #expect(r.guardians[0].students.count == 2)
        #expect(RosterDiff(existing: held, incoming: r).isEmpty)
        let moved = "guardian_id,student_id,name,relation,phone\nG1,2023010101,张父,继父,13900000001\n"
        let d = RosterDiff(existing: held, incoming: try parsed(guardians: moved, existing: held).roster)
        #expect(d.guardians.changed.map(\.fields) == [[FieldChange(field: "students", old: "2023010101 父亲; 2023010102 父亲",
                                                                    new: "2023010101 继父; 2023010102 父亲")]])
    }

    @Test func classesGiveAStudentTheirCounselor() throws {
        let classes = """
            班级,学院,专业,年级,辅导员工号,班主任工号
            旅游2301班,旅游管理学院,旅游管理,2023,T01,T02
            旅游2302班,旅游管理学院,旅游管理,23,T09,

            """
        let students = """
            student_id,name,college,class,counselor_id
            2023010101,张一,旅游管理学院,旅游2301班,
            2023010102,张二,旅游管理学院,旅游2303班,T02
            2023010103,李三,旅游管理学院,旅游2304班,

            """
        let e = #expect(throws: LiaisonError.self) { try parsed(students: students, classes: classes) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("classes.csv:3:") && $0.contains("grade: \"23\" is not a year of entry") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("classes.csv:3:") && $0.contains("counselor_id: no staff member T09") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("students.csv:4:") && $0.contains("counselor_id: is empty and class 旅游2304班 is not in classes.csv") }, "\(d)")
        // Fixed: the counselor comes from the class; an unlisted class is a warning.
        let fixed = classes.replacingOccurrences(of: "23,T09,", with: "2023,T02,")
        let (r, warnings) = try parsed(students: students.replacingOccurrences(of: "旅游2304班,", with: "旅游2304班,T01"), classes: fixed)
        #expect(r.students.map(\.counselorID) == ["T01", "T02", "T01"])
        #expect(r.classes.map(\.teacherID) == ["T02", ""])
        #expect(warnings.map(\.code) == ["unknown_class", "unknown_class"] && warnings.map(\.line) == [3, 4], "\(warnings)")
    }

    @Test func recordsAreCheckedAndKeyed() throws {
        let records = """
            学号,类别,名称,级别,日期,原因,文号
            2023010101,奖励,国家奖学金,国家级,2026-06-30,,
            2023010101,award,国家奖学金,national,2026-06-30,,
            2023010102,处分,考试作弊,记过,2026-05-10,期末考试作弊,丽文旅学〔2026〕8号
            2023010102,sanction,,demerit,2026-05-11,,
            2023010103,学籍异动,,休学,2026-09-01,因病,
            2023010103,tier,,重点,2026-09-15,学业预警; 旷课,
            2099,award,x,lunar,2026-13-01,,
            2023010101,grade,x,y,2026-01-01,,

            """
        let e = #expect(throws: LiaisonError.self) { try parsed(students: students, records: records) }
        let d = e?.details ?? []
        #expect(d.contains { $0.hasPrefix("records.csv:3:") && $0.contains("duplicate record 2023010101/award/2026-06-30/国家奖学金; line 2 has it too") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("records.csv:5:") && $0.contains("title: is empty") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("records.csv:8:") && $0.contains("no student 2099") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("records.csv:8:") && $0.contains("\"lunar\" is not a level of award") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("records.csv:8:") && $0.contains("\"2026-13-01\" is not a date") }, "\(d)")
        #expect(d.contains { $0.hasPrefix("records.csv:9:") && $0.contains("\"grade\" is not a kind of record") }, "\(d)")
        let good = records.split(separator: "\n").enumerated().filter { [0, 1, 3, 5, 6].contains($0.offset) }.map { String($0.element) }.joined(separator: "\n")
        let (r, warnings) = try parsed(students: students, records: good)
        #expect(r.records.map(\.level) == ["national", "demerit", "suspension", "key"])
        #expect(r.records[1].document == "丽文旅学〔2026〕8号" && r.records[3].reasons == "学业预警; 旷课")
        #expect(AwardLevel(rawValue: r.records[0].level)!.isGoodNews && !AwardLevel.college.isGoodNews)
        // 李三 is general in students.csv but key in the latest tier record: a warning; students.csv wins.
        #expect(warnings.map(\.code) == ["tier_mismatch"] && warnings[0].line == 5, "\(warnings)")
        #expect(r.students[2].tier == .general)
    }

    /// Export → parse gives the same roster: no change.
    @Test func exportReadsBackUnchanged() throws {
        let guardians = """
            guardian_id,student_id,name,relation,phone,address,household_id,preference
            G1,2023010101,=张父,父亲,13900000001,"丽江,""古城""
            12 号",H1,letter>phone
            G1,2023010102,=张父,父亲,,,H1,
            G2,2023010103,李父,父亲,0888-5123456,,,

            """
        let classes = "class,college,counselor_id\n旅游2301班,旅游管理学院,T01\n"
        let records = "student_id,kind,title,level,date\n2023010101,award,\"三好学生, 校级\",school,2026-06-30\n"
        let first = try parsed(students: students, guardians: guardians, classes: classes, records: records).roster
        let again = try parsed(students: RosterExport.students(first.students), guardians: RosterExport.guardians(first.guardians, households: first.households),
                               classes: RosterExport.classes(first.classes), records: RosterExport.records(first.records), existing: first).roster
        #expect(RosterDiff(existing: first, incoming: again).isEmpty)
        #expect(again.guardians[0].name == "=张父" && again.households[0].address == "丽江,\"古城\"\n12 号")
        #expect(RosterExport.guardians(first.guardians, households: first.households).contains("'=张父"))
    }
}
