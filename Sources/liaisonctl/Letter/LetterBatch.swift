import ArgumentParser
import Foundation
import LetterRender
import LiaisonConfig
import LiaisonCore

/// `liaisonctl letter …`: the letters the `letter` channel spooled
/// (Plugins/letter/README.md). POLICY P2.2.2: term-end good news and the
/// college's formal numbered notices go out as printed letters, in batches.
struct LetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "letter", abstract: "Printed letters to parents (P2.2.2, P2.2.3).",
                                                    subcommands: [LetterBatch.self])
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
}

/// What `letter batch --json` prints.
struct LetterBatchResult: Codable {
    struct Item: Codable {
        var serial: String
        var topic: String
        var recipientName: String
        var title: String
        var date: String
    }
    var campaign: String
    var spool: String
    var output: String
    var pages: Int
    var letters: [Item]
}

struct LetterBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Merge a campaign's letters into one print-ready PDF, each letter starting on a new page.",
        discussion: """
            A campaign is a folder of the letter channel's spool: the channel's `campaign` setting names it for each
            letter (by default "{topic}-{term}", e.g. good-news-2026-spring). Letters are merged in serial order and
            re-rendered from their records, so the batch is one file with its fonts embedded once.
            """)

    @Option(help: "The campaign, e.g. good-news-2026-spring (an unknown one lists those that exist).") var campaign: String
    @Option(help: "The letter channel's spool directory (default: the spool of the letter channel in --config).") var spool: String?
    @Option(help: "liaisond's configuration, read for the spool when --spool is not given.") var config = "/etc/liaison/liaison.yaml"
    @Option(help: "The PDF to write.") var output: String
    @Flag(help: "For double-sided printing: a blank back after each letter with an odd page count, so each starts on a front.") var duplex = false
    @Flag(help: "Print what was merged as JSON.") var json = false

    func run() throws {
        do {
            let result = try merge()
            if json {
                let e = JSONEncoder()
                e.keyEncodingStrategy = .convertToSnakeCase
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try e.encode(result), as: UTF8.self))
            } else {
                print("merged \(result.letters.count) letters (\(result.pages) pages) of campaign \(result.campaign) into \(result.output)")
            }
        } catch let e as LiaisonError {
            throw reportFailure(e, json: json)
        }
    }

    /// The plugin's record of a key: "SERIAL\tCAMPAIGN", in .keys/ under the
    /// name the plugin gives it (letter_key_name, shared with the plugin).
    static func keyRecord(spool: String, key: String) -> String? {
        var name = [CChar](repeating: 0, count: 256)
        guard letter_key_name(key, &name, name.count) == 0 else { return nil }
        return try? String(contentsOfFile: "\(spool)/.keys/\(String(cString: name))", encoding: .utf8)
    }

    func spoolDirectory() throws -> String {
        if let spool { return spool }
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
        return spool
    }

    func merge() throws -> LetterBatchResult {
        let spool = try spoolDirectory()
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: spool) else {
            throw LiaisonError.notFound("the letter spool \(spool) cannot be read")
        }
        let campaigns = entries.filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: "\(spool)/\(name)", isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        guard campaigns.contains(campaign) else {
            throw LiaisonError.notFound("no campaign \"\(campaign)\" in \(spool); "
                + (campaigns.isEmpty ? "it holds no letters yet" : "the campaigns are: \(campaigns.joined(separator: ", "))"))
        }
        let dir = "\(spool)/\(campaign)"
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var records: [LetterRecord] = []
        for name in try fm.contentsOfDirectory(atPath: dir) where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = "\(dir)/\(name)"
            do { records.append(try decoder.decode(LetterRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path)))) } catch {
                throw LiaisonError.invalid("the letter record \(path) is damaged: \(error)")
            }
        }
        // A letter is finished once its key names it (the plugin writes the key
        // last); one a crash left half-done is made again, with a new serial.
        let unfinished = records.filter { Self.keyRecord(spool: spool, key: $0.key)?.hasPrefix($0.serial + "\t") != true }
        if !unfinished.isEmpty {
            FileHandle.standardError.write(Data("letter batch: left out \(unfinished.count) unfinished letter(s), never completed by the channel: \(unfinished.map(\.serial).joined(separator: ", "))\n".utf8))
            records.removeAll { r in unfinished.contains { $0.serial == r.serial } }
        }
        guard !records.isEmpty else { throw LiaisonError.invalid("campaign \"\(campaign)\" in \(spool) has no letters") }
        // Serial order: year, then sequence.
        records.sort { (Int($0.year) ?? 0, Int($0.sequence) ?? 0, $0.serial) < (Int($1.year) ?? 0, Int($1.sequence) ?? 0, $1.serial) }

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
        let first = records[0]
        var options = letter_options(font_family: c(first.fontFamily), title_font_family: c(first.titleFontFamily), duplex: duplex ? 1 : 0)
        let out = URL(fileURLWithPath: output).standardizedFileURL.path
        let tmp = (out as NSString).deletingLastPathComponent + "/." + (out as NSString).lastPathComponent + ".tmp"
        var err = [CChar](repeating: 0, count: 1024)
        let pages = letters.withUnsafeBufferPointer { buffer in
            letter_render_pdf(buffer.baseAddress, buffer.count, &options, tmp, &err, err.count)
        }
        guard pages > 0 else {
            unlink(tmp)
            throw LiaisonError.invalid("cannot merge campaign \(campaign): \(String(cString: err))")
        }
        guard rename(tmp, out) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw LiaisonError.invalid("cannot write \(out): \(why)")
        }
        return LetterBatchResult(campaign: campaign, spool: spool, output: out, pages: Int(pages),
                                 letters: records.map { .init(serial: $0.serial, topic: $0.topic, recipientName: $0.recipientName, title: $0.title, date: $0.date) })
    }
}
