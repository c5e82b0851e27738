import Foundation
import Glibc
import LiaisonCore

/// One daemon per database: an exclusive flock on `DATABASE.lock`, holding
/// the owner's pid so the refusal can name it. The kernel drops the lock when
/// the process dies, so a crash never leaves it stuck.
struct DaemonLock {
    let fd: Int32
    let path: String

    static func acquire(database: String) throws -> DaemonLock {
        let path = database + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw LiaisonError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buf, 31)
            let pid = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw LiaisonError.conflict("another liaisond (pid \(pid)) is using the database \(database); stop it first")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return DaemonLock(fd: fd, path: path)
    }

    func release() {
        ftruncate(fd, 0)
        close(fd)
    }
}
