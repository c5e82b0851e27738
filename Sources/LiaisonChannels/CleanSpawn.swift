import Foundation
import Glibc

/// posix_spawn with the child's signals reset: liaisond blocks its signals
/// for sigwait, and a test process blocks some too; a child must start with
/// none blocked and every handler at its default. Used for the plugin hosts
/// and, through LiaisonTestSupport, for the daemons and servers tests start.
public enum CleanSpawn {
    /// Starts `argv[0]` with `env` (nil: this process's environment) after
    /// `files` has set up its descriptors; returns the pid.
    public static func spawn(_ argv: [String], env: [String]? = nil,
                             files: (inout posix_spawn_file_actions_t) -> Void) throws(POSIXError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envs: [UnsafeMutablePointer<CChar>?]? = env.map { $0.map { strdup($0) } + [nil] }
        defer { (args + (envs ?? [])).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = envs.map { posix_spawn(&pid, argv[0], &actions, &attr, args, $0) } ?? posix_spawn(&pid, argv[0], &actions, &attr, args, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }
}
