import ArgumentParser
import Foundation
import Glibc
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StudentExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Everything held about a student and their guardians, as JSON (the Student Affairs Office; PIPL Art. 45).",
        discussion: """
            The student and their guardians with their households' addresses, class, siblings and records; every case with its \
            timeline; contacts; the messages of their cases and the parents' replies; and who read, copied or changed their data \
            (this export included: it is audited). Written readable by you alone.
            """)

    @Argument(help: "Student id.") var id: String
    @Option(help: "Write the JSON to this file (created 0600) instead of standard output.") var output: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let output, !FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw LiaisonError.invalid("cannot write \(output) (\(String(cString: strerror(errno)))); give a path you can write to. Nothing was exported")
        }
        try global.session { client, _ in
            let export = try client.call(Method.studentExport, IDParams(id: id), as: StudentExport.self)
            let encoder = Wire.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            let data = try encoder.encode(export)
            guard let output else {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
                return
            }
            try data.write(to: URL(fileURLWithPath: output))
            let counts = ["cases": export.cases.count, "contacts": export.contacts.count, "messages": export.messages.count, "audit": export.audit.count]
            try global.emit(["output": output, "student": id].merging(counts.mapValues { "\($0)" }) { a, _ in a }) {
                "wrote \(output): \(export.cases.count) cases, \(export.contacts.count) contacts, \(export.messages.count) messages, \(export.audit.count) audit rows"
            }
        }
    }
}
