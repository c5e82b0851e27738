import Foundation
import Testing
@testable import LiaisonCore

/// Break-glass, pure (issue 14.2): who may read out of scope, what a reason
/// is, and what the notice says.
@Suite struct BreakGlassTests {
    let student = Student(id: "2023020101", name: "张三", college: "文化传媒学院", className: "网络2301班", counselorID: "T0201", tier: .general)
    let admin = Staff(id: "A0001", name: "管理员甲", role: .admin)

    @Test func aReasonIsAFewWords() throws {
        for good in ["家长来电询问", "police enquiry", "家长来电，辅导员联系不上", "  parent called, counselor on leave  "] {
            #expect(try BreakGlass.validReason(good) == good.trimmingCharacters(in: .whitespaces), "\(good)")
        }
        for bad in ["", "   ", "\n", "看看", "查", "check", "a b c", "x\u{0}y z"] {
            #expect(throws: LiaisonError.self, "\(bad)") { try BreakGlass.validReason(bad) }
        }
        #expect(throws: LiaisonError.self) { try BreakGlass.validReason(String(repeating: "原因", count: 300)) }
    }

    @Test func onlyTheRolesTheMethodNamesMayBreakTheGlassAndOnlyOutOfScope() throws {
        let none = Responsibility(staff: admin, classes: [])
        #expect(none == .breakGlassOnly && !none.covers(student))
        // Out of scope: forbidden without a reason, saying how; granted with one.
        let e = #expect(throws: LiaisonError.self) {
            try BreakGlass.decide("student 2023020101", student: student, responsibility: none, mayBreakGlass: true, reason: nil)
        }
        #expect(e?.code == .forbidden && e?.message.contains("--reason TEXT") == true && e?.message.contains("张三") == false)
        let g = try BreakGlass.decide("x", student: student, responsibility: none, mayBreakGlass: true, reason: " 家长来电询问 ")
        #expect(g == BreakGlass.Grant(scope: .breakGlass, reason: "家长来电询问") && g.isBreakGlass)
        // A role the method does not name: forbidden whatever the reason.
        let counselor = Responsibility.students(staffID: "T0101", classes: ["旅游2301班"])
        let refused = #expect(throws: LiaisonError.self) {
            try BreakGlass.decide("x", student: student, responsibility: counselor, mayBreakGlass: false, reason: "家长来电询问")
        }
        #expect(refused?.code == .forbidden && refused?.message.contains("Break-glass (--reason) is for the Student Affairs Office and administrators") == true)
        // In scope: allowed, the reason (if any) only recorded.
        let own = try BreakGlass.decide("x", student: student, responsibility: .students(staffID: "T0201", classes: []), mayBreakGlass: false,
                                        reason: "家长会前查看")
        #expect(own == BreakGlass.Grant(scope: nil, reason: "家长会前查看") && !own.isBreakGlass)
        #expect(try BreakGlass.decide("x", student: student, responsibility: .school, mayBreakGlass: true, reason: nil) == .inScope)
    }

    @Test func rootIsTheSuperuserAndNoRosterRowCanBeIt() {
        #expect(Staff.administrator.isSuperuser && Responsibility(staff: .administrator, classes: []) == .school)
        #expect(!Staff(id: "root", name: "管理员", role: .admin, unixUser: "alice").isSuperuser)
        #expect(!admin.isSuperuser && !Access.officeOnly.allows(admin) && Access.officeOnly.allows(.administrator))
        #expect(Access.studentRead.allowsBreakGlass(admin) && !Access.student().allows(admin) && Access.student().allows(.administrator))
        // staff.csv may name neither the account nor the id.
        for row in ["root,管理员,admin,,,", "A0003,管理员丙,admin,,root,"] {
            let staff = try? CSVReader.parse("staff_id,name,role,college,unix_user,phone\n\(row)\n", file: "staff.csv")
            let e = #expect(throws: LiaisonError.self, "\(row)") { try RosterParser.parse(RosterFiles(staff: staff), existing: Roster()) }
            #expect(e?.details.joined().contains("root") == true, "\(String(describing: e))")
        }
    }

    @Test func theNoticeNamesWhoReadWhatAndWhyNeverTheData() {
        let text = BreakGlass.notice(reader: admin, action: .caseRead, student: student, caseID: "C2026-0007", detail: "",
                                     reason: "家长来电询问", at: "2026-12-01 09:00", auditSeq: 42)
        #expect(text.contains("管理员 管理员甲（A0001）") && text.contains("张三（学号 2023020101）") && text.contains("案件 C2026-0007")
                && text.contains("理由：家长来电询问") && text.contains("第 42 条"), "\(text)")
        let message = BreakGlass.notice(reader: admin, action: .messageRead, student: student, caseID: "C2026-0007", detail: "message 9",
                                        reason: "家长来电询问", at: "2026-12-01 09:00", auditSeq: 43)
        #expect(message.contains("消息 9（含家长联系方式）"), "\(message)")
    }
}
