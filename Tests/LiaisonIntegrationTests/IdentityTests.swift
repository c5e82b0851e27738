import Foundation
import Glibc
import Testing
@testable import LiaisonCore
import LiaisonProtocol

/// The daemon knows who is asking from the kernel (SO_PEERCRED), not from
/// anything the client says.
@Suite struct IdentityTests {
    @Test func unixUsersMapToStaffAndStrangersAreTurnedAway() throws {
        let d = try Daemon(socketGroup: "nogroup")
        try d.start()
        var st = stat()
        #expect(lstat(d.socket, &st) == 0 && st.st_gid == 65534)
        func asNobody(_ args: String...) throws -> Output { try d.asNobody(args) }

        let stranger = try asNobody("case", "list")
        #expect(stranger.status == 1)
        #expect(stranger.err.contains("Unix user nobody (uid 65534) is not a Liaison user"), "\(stranger.err)")

        let files = [try d.write("students.csv", Fixtures.students), try d.write("guardians.csv", Fixtures.guardians),
                     try d.write("staff.csv", Fixtures.staff)]
        #expect(try d.ctl(["roster", "import"] + files).status == 0)

        // Now nobody is counselor T0102, and acts as them.
        let mine = try asNobody("case", "open", "study-aversion", "--student", "2023010201", "--summary", "连续两周旷课", "--json")
        #expect(mine.status == 0, "\(mine.err)")
        let opened = try Wire.decoder().decode(CaseRecord.self, from: Data(mine.out.utf8))
        #expect(opened.openedBy == "T0102")
        let other = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let list = try asNobody("case", "list", "--mine", "--json")
        let ids = try Wire.decoder().decode(CasePage.self, from: Data(list.out.utf8)).cases.map(\.id)
        #expect(ids == [opened.id])
        #expect(!ids.contains(other.id))
    }
}
