import ArgumentParser
import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct RosterExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the roster back as students.csv, guardians.csv, staff.csv, classes.csv and records.csv (the Student Affairs Office).",
        discussion: """
            The files `roster import` reads, with the same columns (docs/ROSTER.md): `roster import DIR` changes nothing. \
            Cells a spreadsheet would run as formulas get a leading ', which the import takes off. \
            The files hold personal data: they are written readable by you alone, and the export is recorded in the log.
            """)

    @Argument(help: "The directory to write into (created if needed).") var directory: String
    @Flag(help: "Replace files of those names that are already there.") var force = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session { client, _ in
            let paths = RosterImport.fileNames.map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
            if !force, let there = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                throw LiaisonError.conflict("\(there) is already there; choose an empty directory or add --force to replace it")
            }
            // The directory is made and checked first: the daemon records an
            // export as done, so it must not answer one that cannot land.
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw LiaisonError.invalid("cannot create \(directory): \(error.localizedDescription); give a directory you can write to")
            }
            guard access(directory, W_OK) == 0 else {
                throw LiaisonError.invalid("cannot write into \(directory) (\(String(cString: strerror(errno)))); give a directory you can write to")
            }
            let r = try client.call(Method.rosterExport, Empty(), as: RosterExportResult.self)
            do {
                for (path, file) in zip(paths, r.files) {
                    let text = file.text
                    // Personal data: 0600, created before anything is written into it.
                    let tmp = path + ".part"
                    guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                        throw LiaisonError.invalid("cannot write \(tmp); give a directory you can write to")
                    }
                    guard rename(tmp, path) == 0 else {
                        throw LiaisonError.invalid("cannot put \(path) in place: \(String(cString: strerror(errno)))")
                    }
                }
            } catch let e as LiaisonError { throw e } catch {
                throw LiaisonError.invalid("cannot write into \(directory): \(error.localizedDescription)")
            }
            var out = ["directory": directory]
            for (k, v) in r.counts { out[k] = "\(v)" }
            try global.emit(out) {
                let counts = ["students", "guardians", "households", "staff", "classes", "records"].map { "\(r.counts[$0] ?? 0) \($0)" }
                return "wrote \(paths.joined(separator: ", ")): \(counts.joined(separator: ", "))"
            }
        }
    }
}
