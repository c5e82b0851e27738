import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "liaisond's control socket (default: $LIAISON_SOCKET, else /run/liaison/liaison.sock).")
    var socket: String?

    @Flag(help: "Print the result as JSON instead of a table.")
    var json = false

    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["LIAISON_SOCKET"] ?? "/run/liaison/liaison.sock"
    }

    /// Connects, says hello, runs `body`, and turns any failure into a
    /// message (on stderr, or the error object on stdout with --json) and
    /// the documented exit code.
    func session(_ body: (LiaisonClient, Display) throws -> Void) throws {
        do {
            let client = try LiaisonClient.connect(socketPath: socketPath, client: "liaisonctl")
            try body(client, Display(hello: client.hello!))
        } catch let e as LiaisonError {
            throw fail(e)
        }
    }

    /// `reportFailure(_:json:)` with this command's --json.
    func fail(_ e: LiaisonError) -> ExitCode { reportFailure(e, json: json) }

    /// One request, its result printed: what most commands are.
    func call<P: Encodable, R: Codable>(_ method: String, _ params: P, as: R.Type,
                                        human: (R, Display) -> String) throws {
        try session { client, display in
            let result = try client.call(method, params, as: R.self)
            try emit(result) { human(result, display) }
        }
    }

    /// Prints `value` as JSON with --json, else the human rendering.
    func emit<T: Encodable>(_ value: T, human: () -> String) throws {
        if json {
            let e = Wire.encoder()
            e.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try e.encode(value), as: UTF8.self))
        } else {
            print(human())
        }
    }
}

/// Prints a refusal the way every command does, and returns the exit code
/// to throw: 3 when the daemon cannot be reached (or will not take another
/// connection from this user now), 1 otherwise. Without
/// --json the message and its details go to stderr; with --json the error
/// object goes to stdout instead (docs/PROTOCOL.md, "liaisonctl"), so a
/// script reads one JSON document whatever happened. The exit code is the same.
func reportFailure(_ e: LiaisonError, json: Bool) -> ExitCode {
    printError(code: e.code.rawValue, message: e.message, details: e.details, json: json)
    return ExitCode(e.code == .unavailable || e.code == .tooManyConnections ? 3 : 1)
}

/// What `--json` prints when a command fails: `{"error": {"code", "message", "details"}}`,
/// the daemon's wire error (docs/PROTOCOL.md) or one of liaisonctl's own
/// codes (`usage`).
struct ErrorOutput: Encodable {
    var error: WireError
}

func printError(code: String, message: String, details: [String], json: Bool) {
    if json {
        let e = Wire.encoder()
        e.outputFormatting.insert(.prettyPrinted)
        let body = ErrorOutput(error: WireError(code: code, message: message, details: details))
        print(String(decoding: (try? e.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"cannot encode the error"}}"#.utf8), as: UTF8.self))
    } else {
        var err = FileHandle.standardError
        print("liaisonctl: \(message)", to: &err)
        for d in details { print("  \(d)", to: &err) }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
