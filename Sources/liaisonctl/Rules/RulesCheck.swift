import ArgumentParser
import Foundation
import LiaisonConfig
import LiaisonCore

struct RulesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a directory of rulebooks before installing it (runs here; no daemon needed).",
        discussion: "Reports every problem with file:line:column: unknown steps, cycles, deadlines that cannot be computed, escalation targets that do not exist, missing or unknown policy ids.")

    @Argument(help: "The rulebook directory, e.g. /etc/liaison/rules.") var directory: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        do {
            let books = try RulebookLoader.load(directory: directory)
            if json {
                print(#"{"ok":true,"rulebooks":\#(books.count)}"#)
            } else {
                print("\(directory): \(books.count) rulebooks, all valid (\(books.map(\.kind.rawValue).sorted().joined(separator: ", ")))")
            }
        } catch let e as LiaisonError {
            if json {
                let body = try JSONEncoder().encode(["message": [e.message], "problems": e.details])
                print(String(decoding: body, as: UTF8.self))
            } else {
                var err = FileHandle.standardError
                print("liaisonctl: \(e.message)", to: &err)
                for d in e.details { print("  \(d)", to: &err) }
            }
            throw ExitCode(1)
        }
    }
}
