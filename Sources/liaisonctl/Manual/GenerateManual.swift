import ArgumentParser
import Foundation
import LiaisonCore

/// `liaisonctl generate-manual DIR`: the man pages, written from the command
/// tree itself, so they cannot drift from the options. Hidden: install.sh
/// runs it against the binary it installs (Deploy/install.sh).
///
/// Why not swift-argument-parser's `generate-manual` plugin: it works only
/// in the source tree with a toolchain (`swift package generate-manual`
/// builds the tool and liaisonctl itself), while install.sh installs
/// binaries built elsewhere (`--bin-dir`), maybe on a server with no
/// toolchain. Both read the same description, ArgumentParser's
/// `--experimental-dump-help`.
struct GenerateManual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-manual",
        abstract: "Write liaisonctl's man pages (section 1) into a directory: liaisonctl.1 and one page per command.",
        shouldDisplay: false)

    @Argument(help: "The directory to write into; it must exist.") var directory: String
    @Option(help: "The date the pages carry, YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else today).") var date: String?

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LiaisonError.invalid("\(directory) is not a directory; create it first")
        }
        let root = try Self.commandTree()
        let manual = ManualWriter(date: date ?? Self.defaultDate())
        var written: [String] = []
        for (name, text) in manual.pages(root) {
            let path = (directory as NSString).appendingPathComponent(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            written.append(name)
        }
        print("wrote \(written.count) man pages into \(directory): \(written.joined(separator: " "))")
    }

    /// The command tree as ArgumentParser describes it, read from this very
    /// binary (ArgumentParserToolInfo is not a library product, so the JSON is decoded here).
    static func commandTree() throws -> ToolCommand {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = ["--experimental-dump-help"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw LiaisonError(.internal, "liaisonctl --experimental-dump-help exited \(p.terminationStatus)") }
        do {
            return try JSONDecoder().decode(ToolInfo.self, from: data).command
        } catch {
            throw LiaisonError(.internal, "cannot read liaisonctl --experimental-dump-help: \(error)")
        }
    }

    static func defaultDate() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
        return f.string(from: epoch.map { Date(timeIntervalSince1970: $0) } ?? Date())
    }
}

/// The parts of ArgumentParser's dump-help JSON (ToolInfoV0) the pages use.
struct ToolInfo: Decodable {
    var command: ToolCommand
}

struct ToolCommand: Decodable {
    var commandName: String
    var abstract: String?
    var discussion: String?
    var shouldDisplay: Bool?
    var arguments: [ToolArgument]?
    var subcommands: [ToolCommand]?
}

struct ToolArgument: Decodable {
    struct Name: Decodable {
        var kind: String  // long, short, longWithSingleDash
        var name: String
    }
    var kind: String  // positional, option, flag
    var names: [Name]?
    var valueName: String?
    var abstract: String?
    var discussion: String?
    var defaultValue: String?
    var allValues: [String]?
    var isOptional: Bool
    var isRepeating: Bool
    var shouldDisplay: Bool?
}
