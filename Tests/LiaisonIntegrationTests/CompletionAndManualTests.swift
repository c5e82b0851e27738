import Foundation
import Testing

/// install.sh generates liaisonctl's shell completions and man pages from
/// the binary it installs (issue 12, item 17); they work and uninstall cleanly.
@Suite struct CompletionAndManualTests {
    func installed() throws -> String {
        let dest = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("destdir-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        let o = try run("/bin/bash", [projectRoot.appendingPathComponent("Deploy/install.sh").path, "--bin-dir", Binaries.dir.path],
                        env: ["DESTDIR": dest, "PREFIX": "/usr"])
        #expect(o.status == 0, "\(o.err)")
        return dest
    }

    /// Where a program is, or nil.
    func which(_ program: String) -> String? {
        ["/usr/bin", "/bin", "/usr/local/bin"].map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func theThreeCompletionScriptsAreInstalledAndBashCompletesACommand() throws {
        let dest = try installed()
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let bash = dest + "/usr/share/bash-completion/completions/liaisonctl"
        let zsh = dest + "/usr/share/zsh/vendor-completions/_liaisonctl"
        let fish = dest + "/usr/share/fish/vendor_completions.d/liaisonctl.fish"
        let bashText = try String(contentsOfFile: bash, encoding: .utf8)
        let zshText = try String(contentsOfFile: zsh, encoding: .utf8)
        let fishText = try String(contentsOfFile: fish, encoding: .utf8)
        #expect(bashText.contains("complete -o filenames -F _liaisonctl liaisonctl"))
        #expect(zshText.hasPrefix("#compdef liaisonctl"))
        #expect(fishText.contains("complete -c 'liaisonctl'"))
        for text in [bashText, zshText, fishText] { #expect(text.contains("occurred-at"), "every command's options are in each script") }
        // The hidden generator is not offered.
        #expect(!bashText.contains("generate-manual"))

        // Bash reads the script and completes `liaisonctl case op` to `open`, and an option of case open.
        let complete = """
            source "$1"
            COMP_LINE="liaisonctl case op"; COMP_WORDS=(liaisonctl case op); COMP_CWORD=2; COMP_POINT=${#COMP_LINE}
            COMPREPLY=(); _liaisonctl liaisonctl op case; echo "words:${COMPREPLY[*]}"
            COMP_LINE="liaisonctl case open accident --occ"; COMP_WORDS=(liaisonctl case open accident --occ); COMP_CWORD=4; COMP_POINT=${#COMP_LINE}
            COMPREPLY=(); _liaisonctl liaisonctl --occ accident; echo "options:${COMPREPLY[*]}"
            """
        let o = try run("/bin/bash", ["-c", complete, "completion-test", bash])
        #expect(o.status == 0 && o.err.isEmpty, "\(o)")
        #expect(o.out.contains("words:open\n") && o.out.contains("options:--occurred-at\n"), "\(o.out)")
        // zsh and fish check their scripts' syntax where they are installed.
        if let z = which("zsh") { #expect(try run(z, ["-n", zsh]).status == 0) }
        if let f = which("fish") { #expect(try run(f, ["--no-execute", fish]).status == 0) }
    }

    @Test func manPagesRenderAndDescribeTheCommands() throws {
        let dest = try installed()
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let man1 = dest + "/usr/share/man/man1"
        let pages = try FileManager.default.contentsOfDirectory(atPath: man1).sorted()
        #expect(pages.contains("liaisonctl.1") && pages.contains("liaisonctl-case-open.1") && pages.contains("liaisonctl-rules-apply.1"), "\(pages)")
        #expect(pages.allSatisfy { $0.hasPrefix("liaisonctl") && $0.hasSuffix(".1") } && !pages.contains("liaisonctl-generate-manual.1"))

        let groff = try #require(which("groff"), "groff is missing: Deploy/deps.sh installs groff-base")
        // -ww: every warning; a page groff cannot read cleanly fails here.
        for page in ["liaisonctl.1", "liaisonctl-case-open.1"] {
            let o = try run(groff, ["-man", "-Tutf8", "-ww", man1 + "/" + page], env: ["GROFF_NO_SGR": "1"])
            #expect(o.status == 0 && o.err.isEmpty, "\(page): \(o.err)")
            // Bold and italics are overstrikes on a tty device; drop them to read the words.
            let plain = o.out.replacingOccurrences(of: ".\u{8}", with: "", options: .regularExpression)
            #expect(plain.contains("case open") && plain.contains("--summary") && plain.contains("--occurred-at"), "\(page): \(plain.prefix(2000))")
            if page == "liaisonctl.1" {
                #expect(plain.contains("EXIT STATUS") && plain.contains("LIAISON_SOCKET") && plain.contains("rules apply"))
                // The Chinese in the help comes through.
                #expect(plain.contains("意外事故"), "\(plain.prefix(3000))")
            }
        }
        // man(1) reads it too where man-db is installed.
        if let man = which("man") {
            let o = try run(man, ["-l", man1 + "/liaisonctl-case-open.1"], env: ["MANPAGER": "cat", "MAN_KEEP_FORMATTING": "0", "LANG": "C.UTF-8"])
            #expect(o.status == 0 && o.out.contains("liaisonctl-case-open"), "\(o)")
        }
    }
}
