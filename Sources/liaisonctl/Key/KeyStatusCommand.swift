import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct KeyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The data keys personal data is sealed under, and how many values each seals (ops, administrator).",
        discussion: "A key with no values left is retired: it may be removed from the key file. Nothing personal is shown.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.keyStatus, Empty(), as: KeyStatus.self) { s, display in Self.render(s, display) }
    }

    static func render(_ s: KeyStatus, _ display: Display) -> String {
        guard s.sealing else { return "sealing: OFF (data_key: none) — personal data is stored in plaintext; \(s.plaintextValues) values" }
        var t = TextTable(["key", "state", "sealed values", "added", "retired", "in key file"])
        for k in s.keys {
            let state = k.current ? "current" : k.retiredAt != nil ? "retired" : "re-seal pending"
            t.add([k.id, state, "\(k.values)", display.time(k.addedAt), display.time(k.retiredAt), k.inKeyFile ? "yes" : "no (may be removed)"])
        }
        let plaintext = s.plaintextValues == 0 ? "" : "\n\(s.plaintextValues) values are not sealed yet: run `liaisonctl key rotate`"
        return t.render() + plaintext
    }
}
