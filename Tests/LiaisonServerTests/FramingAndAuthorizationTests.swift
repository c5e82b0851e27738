import Foundation
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonProtocol
@testable import LiaisonServer
@testable import LiaisonStore

@Suite struct LineFramerTests {
    @Test func framesSplitAcrossReadsAndJoinedInOne() {
        var f = LineFramer(limit: 16)
        #expect(f.feed(Array("{\"a\":".utf8)).isEmpty)
        #expect(f.feed(Array("1}\n{}\r\n{\"b".utf8)) == [.frame(Array("{\"a\":1}".utf8)), .frame(Array("{}".utf8))])
        #expect(f.pending == 3)
        #expect(f.feed(Array("\":2}\n".utf8)) == [.frame(Array("{\"b\":2}".utf8))])
        #expect(f.pending == 0)
    }

    @Test func theLimitIsInclusiveAndNothingPastItIsKept() {
        var f = LineFramer(limit: 4)
        #expect(f.feed(Array("abcd\n".utf8)) == [.frame(Array("abcd".utf8))])
        #expect(f.feed(Array("abcde\n".utf8)) == [.tooLarge])
        var g = LineFramer(limit: 4)
        #expect(g.feed(Array("abc".utf8)).isEmpty)
        #expect(g.feed(Array("de".utf8)) == [.tooLarge])
        #expect(g.pending == 0)
    }

    @Test func framesBeforeAnOversizedOneAreStillDelivered() {
        var f = LineFramer(limit: 4)
        #expect(f.feed(Array("ok\nwaytoolong".utf8)) == [.frame(Array("ok".utf8)), .tooLarge])
    }
}

@Suite struct AuthorizerTests {
    @Test func opsSeeNoPersonalData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let a = Authorizer(engine: Engine(store: try SQLiteStore(path: dir.appendingPathComponent("a.db").path)))
        let ops = Staff(id: "O1", name: "运维", role: .ops)
        #expect(throws: LiaisonError(.forbidden, "O1 has the ops role, which sees no personal data; student.show needs a counselor, supervisor, office or admin account")) {
            try a.authorize(ops, method: Method.studentShow)
        }
        try a.authorize(ops, method: Method.hello)
        for role in [StaffRole.counselor, .supervisor, .office, .admin] {
            try a.authorize(Staff(id: "X", name: "x", role: role), method: Method.caseOpen)
        }
        // A copy of the whole roster: the office and the administrator only.
        for role in [StaffRole.counselor, .supervisor, .ops] {
            let e = #expect(throws: LiaisonError.self) { try a.authorize(Staff(id: "X", name: "x", role: role), method: Method.rosterExport) }
            #expect(e?.code == .forbidden && e?.message.contains("Student Affairs Office") == true)
        }
        for role in [StaffRole.office, .admin] { try a.authorize(Staff(id: "X", name: "x", role: role), method: Method.rosterExport) }
        // The audit log: the office and the administrator only.
        for method in [Method.auditList, Method.auditVerify] {
            for role in [StaffRole.counselor, .supervisor, .ops] {
                let e = #expect(throws: LiaisonError.self) { try a.authorize(Staff(id: "X", name: "x", role: role), method: method) }
                #expect(e?.code == .forbidden && e?.message.contains("Student Affairs Office") == true)
            }
            for role in [StaffRole.office, .admin] { try a.authorize(Staff(id: "X", name: "x", role: role), method: method) }
        }
        #expect(try a.identify(PeerCredentials(pid: 1, uid: 0, gid: 0)) == Staff.administrator)
        let e = #expect(throws: LiaisonError.self) { try a.identify(PeerCredentials(pid: 1, uid: 65534, gid: 65534)) }
        #expect(e?.code == .notALiaisonUser)
    }

    @Test func decodingErrorsNameTheField() {
        struct P: Decodable { var summary: String; var n: Int }
        func describe(_ json: String) -> String {
            do { _ = try JSONDecoder().decode(P.self, from: Data(json.utf8)); return "" } catch let e as DecodingError { return Router.describe(e) } catch { return "\(error)" }
        }
        #expect(describe(#"{"n":1}"#) == "missing field summary")
        #expect(describe(#"{"summary":"x","n":"one"}"#) == "field n should be Int")
        #expect(describe(#"{"summary":null,"n":1}"#).contains("summary"))
    }
}
