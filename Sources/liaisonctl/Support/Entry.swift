import ArgumentParser
import Foundation
import LiaisonCore
import LiaisonPosix

/// liaisonctl's own entry point, instead of ArgumentParser's, for three
/// promises the library does not keep by itself (docs/PROTOCOL.md, "liaisonctl"):
/// - bad usage exits 2 (the library's default is 64, EX_USAGE);
/// - with --json every failure, usage errors included, is one JSON error
///   object on stdout, with the same exit code as without --json;
/// - an argument that is not valid UTF-8 is refused. Swift would turn the
///   bad bytes into U+FFFD, and the daemon would store that text as if the
///   person had typed it.
extension LiaisonCtl {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let json = wantsJSON(arguments)
        if let problem = invalidArgument() {
            Foundation.exit(reportFailure(problem, json: json).rawValue)
        }
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

    /// The first command-line argument whose bytes are not UTF-8, as the
    /// error to report: which argument, which byte, and what to do.
    static func invalidArgument() -> LiaisonError? {
        for i in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
            guard let offset = TextDecoding.invalidUTF8Offset(bytes) else { continue }
            let shown = TextDecoding.escapingInvalidUTF8(bytes)
            let hint = TextDecoding.isGB18030Text(bytes, decode: GB18030.decode)
                ? "it looks like GBK/GB18030; convert it with iconv -f GB18030 -t UTF-8"
                : "use a UTF-8 terminal and locale, or convert the text with iconv -t UTF-8"
            return LiaisonError.invalid(
                "argument \(i) (\"\(shown)\") is not valid UTF-8 (byte 0x\(String(format: "%02X", bytes[offset])) at offset \(offset)); "
                + "nothing was sent: liaisonctl sends text as UTF-8 and does not guess. \(hint.prefix(1).uppercased() + hint.dropFirst()), then run the command again")
        }
        return nil
    }
}
