import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct KeyRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Seal all personal data under a new data key, while the daemon serves (ops, administrator).",
        discussion: """
            With a key file (make run, a daemon outside systemd) liaisond adds a new key to it, seals new values under it at once, \
            re-seals every stored value in batches, and retires the older keys. Under systemd the key is a credential liaisond \
            cannot write: append a new key line to /etc/liaison/data-key, restart liaisond, then run this (docs/DEPLOY.md). \
            Backups made before keep their old key: keep the old key file with them.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.keyRotate, Empty(), as: KeyRotation.self) { r, display in
            let head = display.fields([
                ("sealing under", r.current + (r.newKey ? " (new)" : "")),
                ("re-sealed", "\(r.resealed) rows in \(String(format: "%.1f", r.seconds)) s"),
                ("retired", r.retired.isEmpty ? "—" : r.retired.joined(separator: ", ") + " (no value sealed under them; they may leave the key file once no backup needs them)"),
            ])
            return head + "\n\n" + KeyStatusCommand.render(r.status, display)
        }
    }
}
