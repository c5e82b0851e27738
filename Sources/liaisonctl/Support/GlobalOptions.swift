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
    /// message on stderr and the documented exit code.
    func session(_ body: (LiaisonClient, Display) throws -> Void) throws {
        do {
            let client = try LiaisonClient.connect(socketPath: socketPath, client: "liaisonctl")
            try body(client, Display(hello: client.hello!))
        } catch let e as LiaisonError {
            throw fail(e)
        }
    }

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
/// to throw: 3 when the daemon cannot be reached, 1 otherwise.
func fail(_ e: LiaisonError) -> ExitCode {
    var err = FileHandle.standardError
    print("liaisonctl: \(e.message)", to: &err)
    for d in e.details { print("  \(d)", to: &err) }
    return ExitCode(e.code == .unavailable ? 3 : 1)
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
