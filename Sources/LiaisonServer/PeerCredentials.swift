import Glibc

/// Who is on the other end of a Unix socket, as the kernel says (SO_PEERCRED):
/// not something the client can claim.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// Layout-identical to `struct ucred` (pid_t, uid_t, gid_t), which Swift
    /// does not import.
    struct UCred { var pid: Int32 = 0; var uid: UInt32 = 0; var gid: UInt32 = 0 }

    public static func of(socket fd: Int32) -> PeerCredentials? {
        var cred = UCred()
        var len = socklen_t(MemoryLayout<UCred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0, len == MemoryLayout<UCred>.size else { return nil }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }

    /// The login name of `uid`, or nil if the system has none.
    public static func userName(uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return nil }
        return String(cString: name)
    }
}
