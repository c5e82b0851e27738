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
            // The same error object every command prints: code, message,
            // and each problem with its file:line:column in details.
            throw reportFailure(e, json: json)
        }
    }
}
