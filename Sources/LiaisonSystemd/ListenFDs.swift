import CSystemd
import Glibc

/// Socket activation: the listening socket systemd passed (LISTEN_FDS), if
/// any. Descriptors that are not a listening Unix stream socket are closed,
/// so nothing unexpected stays open in the daemon.
public enum ListenFDs {
    public struct Taken: Sendable {
        public var socket: Int32?
        /// Passed descriptors that were not usable and were closed.
        public var closed: [Int32]
    }

    public static func take() -> Taken {
        let n = sd_listen_fds(1)
        guard n > 0 else { return Taken(socket: nil, closed: []) }
        var found: Int32?
        var closed: [Int32] = []
        for fd in SD_LISTEN_FDS_START..<(SD_LISTEN_FDS_START + n) {
            if found == nil, sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0 {
                found = fd
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            } else {
                close(fd)
                closed.append(fd)
            }
        }
        return Taken(socket: found, closed: closed)
    }
}
