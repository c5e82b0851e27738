import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A consistent copy of the database, made while the daemon serves (SQLite's backup API).",
        discussion: "PATH is written by the daemon, on its machine: an absolute path in a directory it can write, not an existing file.")

    @Argument(help: "Where to write the copy.") var path: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        try global.call(Method.backup, BackupParams(path: absolute), as: BackupResult.self) { r, _ in "backed up to \(r.path) (\(Status.bytes(r.bytes)))" }
    }
}
