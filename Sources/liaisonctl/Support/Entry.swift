import ArgumentParser
import Foundation
import LiaisonCore

/// liaisonctl's own entry point, instead of ArgumentParser's, for three
/// promises the library does not keep by itself (docs/PROTOCOL.md, "liaisonctl"):
/// - bad usage exits 2 (the library's default is 64, EX_USAGE);
/// - with --json every failure, usage errors included, is one JSON error
///   object on stdout, with the same exit code as without --json.
extension LiaisonCtl {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let json = wantsJSON(arguments)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            Foundation.exit(finish(error, json: json))
        }
        Foundation.exit(0)
    }

    /// True when --json was given before any `--` (after which words are values).
    static func wantsJSON(_ arguments: [String]) -> Bool {
        (arguments.firstIndex(of: "--").map { arguments[..<$0] } ?? arguments[...]).contains("--json")
    }

    /// Reports `error` and returns the exit code.
    static func finish(_ error: any Error, json: Bool) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }  // the command has said what went wrong
        if let e = error as? LiaisonError { return reportFailure(e, json: json).rawValue }
        let code = exitCode(for: error)
        // Help, --version and the completion scripts print and succeed as the library does.
        if code == .success { exit(withError: error) }
        if code == .validationFailure {
            // Bad usage: the library's message, with the usage lines.
            let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
            if json {
                printError(code: "usage", message: message(for: error), details: Array(lines.dropFirst()), json: true)
            } else {
                var err = FileHandle.standardError
                print(fullMessage(for: error), to: &err)
            }
            return 2
        }
        printError(code: ErrorCode.internal.rawValue, message: message(for: error), details: [], json: json)
        return code.rawValue
    }
}
