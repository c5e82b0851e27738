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
    @Test func rootIsTheAdministratorAndStrangersAreNobody() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let a = Authorizer(engine: Engine(store: try SQLiteStore(path: dir.appendingPathComponent("a.db").path)))
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
