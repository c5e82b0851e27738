import ArgumentParser
import Foundation
import LetterRender
import LiaisonConfig
import LiaisonCore

/// `liaisonctl letter …`: the letters the `letter` channel spooled
/// (Plugins/letter/README.md). POLICY P2.2.2: term-end good news and the
/// college's formal numbered notices go out as printed letters, in batches;
/// a letter lost or spoiled in the post is printed again with its serial.
struct LetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letter", abstract: "Printed letters to parents (P2.2.2, P2.2.3).",
                                                    subcommands: [LetterBatch.self, LetterReprint.self])
}

/// One letter's record, the JSON file the plugin writes beside its PDF.
struct LetterRecord: Codable {
    var serial: String
    var sequence: String
    var year: String
    var docNumber: String
    var key: String
    var topic: String
    var policy: String
    var campaign: String
    var recipientName: String
    var postalAddress: String
    var letterhead: String
    var title: String
    var addressee: String
    var body: String
    var closing: String
    var issuer: String
    var date: String
    var seal: String
    var fontFamily: String
    var titleFontFamily: String
    var pdf: String
    var pages: Int

    /// Renders `records` into one PDF at `path` (through a temporary file
    /// and a rename), with the first record's fonts; returns the pages.
    static func render(_ records: [LetterRecord], to path: String, duplex: Bool) throws -> Int {
        // C strings for the renderer, freed after it returns.
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func c(_ s: String) -> UnsafePointer<CChar> {
            let p = strdup(s)!
            owned.append(p)
            return UnsafePointer(p)
        }
        let letters = records.map { r in
            letter(serial: c(r.serial), doc_number: c(r.docNumber), letterhead: c(r.letterhead), title: c(r.title), addressee: c(r.addressee),
                   body: c(r.body), closing: c(r.closing), issuer: c(r.issuer), date: c(r.date), seal: c(r.seal),
                   recipient_name: c(r.recipientName), postal_address: c(r.postalAddress))
        }
        guard let first = records.first else { throw LiaisonError.invalid("no letters to render") }
        var options = letter_options(font_family: c(first.fontFamily), title_font_family: c(first.titleFontFamily), duplex: duplex ? 1 : 0)
        let tmp = LetterSpool.temporary(for: path)
        var err = [CChar](repeating: 0, count: 1024)
        let pages = letters.withUnsafeBufferPointer { buffer in
            letter_render_pdf(buffer.baseAddress, buffer.count, &options, tmp, &err, err.count)
        }
        guard pages > 0 else {
            unlink(tmp)
            throw LiaisonError.invalid(String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        try LetterSpool.rename(tmp, to: path)
        return Int(pages)
    }
}

/// The letter channel's spool as liaisonctl reads it (never writes it):
/// campaign folders of `SERIAL.pdf` + `SERIAL.json`, and `.keys/`.
struct LetterSpool {
    let path: String
    /// The letter channel's `config:` in the daemon's configuration, when
    /// the spool was found through it (cups_queue, cups_server, cups_options).
    var channelConfig: [String: Any] = [:]
    /// The configuration file read, if any.
    var configPath: String?

    /// `--spool DIR`, else the spool of the channel whose plugin is `letter`
    /// in `config` (liaisond's configuration).
    static func find(spool: String?, config: String) throws -> LetterSpool {
        if let spool { return LetterSpool(path: spool) }
        let daemon: DaemonConfig
        do { daemon = try DaemonConfig.load(path: config) } catch {
            throw LiaisonError.invalid("no --spool given, and \(config) cannot be read for it: \(error)")
        }
        guard let channel = daemon.channels.first(where: { $0.pluginPath.hasSuffix("/libliaison-channel-letter.so") }) else {
            throw LiaisonError.invalid("no --spool given, and \(config) configures no channel with plugin: letter")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(channel.configJSON.utf8)) as? [String: Any],
              let spool = object["spool"] as? String, !spool.isEmpty else {
            throw LiaisonError.invalid("channel \(channel.name) in \(config) has no config.spool")
        }
        return LetterSpool(path: spool, channelConfig: object, configPath: config)
    }

    /// The campaign folders, sorted.
    func campaigns() throws -> [String] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: path) else {
            throw LiaisonError.notFound("the letter spool \(path) cannot be read")
        }
        return entries.filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: "\(path)/\(name)", isDirectory: &isDir) && isDir.boolValue
        }.sorted()
    }

    /// The serials of a campaign's records (file names only, nothing decoded).
    func serials(campaign: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(campaign)")) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
    }

    func record(at file: String) throws -> LetterRecord {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(LetterRecord.self, from: Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw LiaisonError.invalid("the letter record \(file) is damaged: \(error)")
        }
    }

    func records(campaign: String) throws -> [LetterRecord] {
        try serials(campaign: campaign).map { try record(at: "\(path)/\(campaign)/\($0).json") }
    }

    /// The plugin's record of a key: "SERIAL\tCAMPAIGN", in .keys/ under the
    /// name the plugin gives it (letter_key_name, shared with the plugin).
    func keyRecord(key: String) -> String? {
        var name = [CChar](repeating: 0, count: 256)
        guard letter_key_name(key, &name, name.count) == 0 else { return nil }
        let file = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return try? String(contentsOfFile: "\(path)/.keys/\(file)", encoding: .utf8)
    }

    /// A letter is finished once its key names it (the plugin writes the key
    /// last); one a crash left half-done was made again, with a new serial.
    func isFinished(_ r: LetterRecord) -> Bool { keyRecord(key: r.key)?.hasPrefix(r.serial + "\t") == true }

    /// `.NAME.tmp` beside `path`.
    static func temporary(for path: String) -> String {
        (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp"
    }

    static func rename(_ tmp: String, to path: String) throws {
        guard Glibc.rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw LiaisonError.invalid("cannot write \(path): \(why)")
        }
    }
}
