import Foundation
import Glibc
import LiaisonCore

/// The listening Unix socket: created with mode 0660 (and the configured
/// group), a stale file from a dead daemon replaced, a live daemon on the
/// same path refused.
public enum ControlSocket {
    public static func bind(path: String, group: String?) throws -> Int32 {
        try refuseLiveOrRemoveStale(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw sysError("cannot create a Unix socket") }
        var addr = try address(path)
        // Create the file with 0660 from the start; chmod again below, as
        // umask semantics for sockets differ between kernels.
        let old = umask(0o117)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(old)
        guard rc == 0 else {
            let e = sysError("cannot bind \(path)")
            close(fd)
            throw e
        }
        do {
            guard chmod(path, 0o660) == 0 else { throw sysError("cannot chmod 0660 \(path)") }
            if let group {
                guard let gr = getgrnam(group) else {
                    throw LiaisonError.invalid("socket.group \(group) is not a group on this machine; create it (sysusers.d) or remove the key")
                }
                guard chown(path, UInt32.max, gr.pointee.gr_gid) == 0 else { throw sysError("cannot give \(path) to group \(group)") }
            }
            guard listen(fd, 128) == 0 else { throw sysError("cannot listen on \(path)") }
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        return fd
    }

    static func address(_ path: String) throws -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw LiaisonError.invalid("socket path \(path) is too long for a Unix socket (\(bytes.count) bytes, at most 107)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    /// A socket file that accepts connections belongs to a running daemon:
    /// refuse. One that refuses them is stale: remove it.
    static func refuseLiveOrRemoveStale(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw LiaisonError.invalid("\(path) exists and is not a socket; remove it or set another socket.path")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc == 0 {
            throw LiaisonError.conflict("another liaisond is already serving on \(path); stop it first (or set another socket.path)")
        }
        guard unlink(path) == 0 || errno == ENOENT else { throw sysError("cannot remove the stale socket \(path)") }
    }

    static func sysError(_ what: String) -> LiaisonError {
        LiaisonError(.unavailable, "\(what): \(String(cString: strerror(errno)))")
    }
}
