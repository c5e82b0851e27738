import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonStore

/// A database the previous release wrote (a guardian one student's, with
/// their own address; numbers as 11 digits or AREA-LOCAL) opens under this
/// one with nothing lost (issue 13): each guardian a household of one, the
/// link kept, numbers in E.164.
@Suite struct RosterUpgradeTests {
    @Test func aDatabaseOfTheLastReleaseMigrates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("liaison.db").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "2026-12-01 guardians: a second number")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO staff VALUES ('T01', '王老师', 'counselor', '旅游管理学院', '', '13800000001');
                    INSERT INTO students VALUES ('S1', '张一', '男', '旅游管理学院', '旅游管理', '旅游2301班', 'T01', 'key', '', '');
                    INSERT INTO guardians (id, student_id, name, relation, phone, wechat, qq, address, preference, phone2)
                        VALUES ('G1', 'S1', '张父', '父亲', '13900000001', 'wx1', '', '云南省丽江市
                    福慧路 1 号', 'wechat>phone>letter', '0888-5123456');
                    """)
            }
        }
        let store = try SQLiteStore(path: path)
        let roster = try store.read { try $0.roster() }
        #expect(roster.guardians == [RosterGuardian(id: "G1", name: "张父", phone: "+8613900000001", phone2: "+868885123456", wechat: "wx1",
                                                    preference: [.wechat, .phone, .letter], householdID: "G1",
                                                    students: [GuardianLink(studentID: "S1", relation: "父亲")])])
        #expect(roster.households == [HouseholdRecord(id: "G1", address: "云南省丽江市\n福慧路 1 号")])
        #expect(roster.staff.first?.phone == "+8613800000001")
        let views = try store.read { try $0.guardians(ofStudent: "S1") }
        #expect(views.map(\.address) == ["云南省丽江市\n福慧路 1 号"] && views.first?.addresses(for: .sms) == ["+8613900000001"])
        // The numbers a reply may come from still find the guardian.
        #expect(try store.read { try $0.guardians(address: "+8613900000001") }.map(\.id) == ["G1"])
    }
}
