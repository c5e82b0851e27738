import Foundation
import Glibc

/// What liaisond checks before a plugin file is handed to a host process
/// (DESIGN.md "Channel plugins"): a file anyone but root or the service
/// user could replace is code anyone could run as Liaison. The host then
/// checks what only loading can tell (ELF, the entry symbol, the ABI version).
public enum PluginFileCheck {
    /// Why the file must not be loaded, or nil when it may.
    public static func problem(path: String, serviceUID: uid_t = geteuid()) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            return "\(path): \(String(cString: strerror(errno))); install the plugin there or fix plugin: in the channel's config"
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            return "\(path) is a symbolic link; install the plugin file itself (a link can be re-pointed by whoever owns it)"
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "\(path) is not a regular file" }
        if let why = ownership(st, path, "file", serviceUID) { return why }
        // The directory: resolved, since a tree like /usr/lib may be reached
        // through links; what matters is who can write the real one.
        let dir = (path as NSString).deletingLastPathComponent
        guard let real = realpath(dir.isEmpty ? "." : dir, nil) else { return "\(dir): \(String(cString: strerror(errno)))" }
        let realDir = String(cString: real)
        free(real)
        guard stat(realDir, &st) == 0 else { return "\(realDir): \(String(cString: strerror(errno)))" }
        return ownership(st, realDir, "directory", serviceUID)
    }

    static func ownership(_ st: stat, _ path: String, _ what: String, _ serviceUID: uid_t) -> String? {
        if st.st_uid != 0 && st.st_uid != serviceUID {
            let owner = getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(st.st_uid)"
            return "the \(what) \(path) is owned by \(owner); it must be owned by root or the service user (chown root)"
        }
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            return "the \(what) \(path) is writable by \(st.st_mode & S_IWOTH != 0 ? "others" : "its group") (mode \(String(st.st_mode & 0o7777, radix: 8))); chmod go-w it"
        }
        return nil
    }
}
