import Foundation
import Glibc
import Testing
import LiaisonCore
import LiaisonProtocol

/// Whoever may use liaisonctl must not be able to read the data instead
/// (issue 14.5): the database, its WAL and SHM and a backup are the
/// daemon's user's alone, the socket 0660.
@Suite struct FileModeTests {
    func mode(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & 0o777 : nil
    }

    @Test func theDatabaseItsJournalAndBackupsAreTheDaemonsAlone() throws {
        let d = try Daemon()
        try d.start()
        _ = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "摔伤")
        let backup = d.dir.appendingPathComponent("copy.db").path
        #expect(try d.ctl("backup", backup).status == 0)
        for path in [d.database, d.database + "-wal", d.database + "-shm", backup] {
            #expect(mode(path) == 0o600, "\(path): \(String(mode(path) ?? 0, radix: 8))")
        }
        #expect(mode(d.socket) == 0o660)
    }
}
