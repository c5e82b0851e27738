import Foundation
import Glibc
import LiaisonChannels

/// A child started with posix_spawn and reaped with waitpid. Foundation's
/// Process notices a child's exit by a socket the child inherits; a program
/// that closes descriptors it did not expect (systemd-socket-activate does,
/// before it execs liaisond) makes Process think the child died, and its
/// blocking waitpid then stalls every Process in the test run.
public final class ChildProcess: @unchecked Sendable {
    public let processIdentifier: pid_t
    private var status: Int32?

    public init(_ command: [String], env: [String: String], output: String) throws {
        processIdentifier = try CleanSpawn.spawn(command, env: env.map { "\($0.key)=\($0.value)" }) { (actions: inout posix_spawn_file_actions_t) in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
    }

    public var isRunning: Bool {
        if status != nil { return false }
        var s: Int32 = 0
        if waitpid(processIdentifier, &s, WNOHANG) == processIdentifier { status = s; return false }
        return true
    }

    public func waitUntilExit() {
        guard status == nil else { return }
        var s: Int32 = 0
        while waitpid(processIdentifier, &s, 0) < 0 && errno == EINTR {}
        status = s
    }

    /// The exit code, or 128 + the signal that ended it.
    public var terminationStatus: Int32 {
        guard let s = status else { return -1 }
        let signal = s & 0x7F
        return signal == 0 ? (s >> 8) & 0xFF : 128 + signal
    }
}
