import ArgumentParser
import Foundation
import LetterRender
import LiaisonCore

/// What `letter reprint --json` prints.
struct LetterReprintResult: Codable {
    struct Printed: Codable {
        var queue: String
        var server: String
        var job: Int
    }
    var serial: String
    var docNumber: String
    var campaign: String
    var topic: String
    var recipientName: String
    var date: String
    var spool: String
    /// The spooled PDF the reprint is of.
    var source: String
    var output: String
    /// `copied`: the stored PDF, byte for byte; `rendered`: made again from
    /// the JSON record because the stored PDF is missing or not a PDF.
    var how: String
    var pages: Int
    var printed: Printed?
}

/// `liaisonctl letter reprint SERIAL`: a letter printed again with the same
/// serial and document number (a letter lost in the post, a spoiled print).
///
/// The stored PDF is the record of truth: it is what was printed and posted
/// (what CUPS was sent, byte for byte), so a reprint copies it; rendering
/// again could differ once the fonts or the renderer change. Only when the
/// PDF is gone (or is not a PDF) is the letter rendered again from its JSON
/// record, which keeps every part of it (serial, number, date, addressee,
/// body), and the output says so. liaisonctl only reads the spool: no
/// serial is taken, nothing in the spool changes.
struct LetterReprint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprint",
        abstract: "Print a spooled letter again, with its serial and document number.",
        discussion: """
            Copies the letter's stored PDF (what was printed the first time) to --output; if the PDF is missing, renders the \
            letter again from its JSON record. With --print, also submits it to CUPS: the queue, server and options of the \
            letter channel in --config (cups_queue, cups_server, cups_options), or --queue / --cups-server. The serial is \
            never a new one: the reprint is the same letter (Plugins/letter/README.md).
            """)

    @Argument(help: "The letter's serial number, e.g. LJ01-2026-000012 (`liaisonctl message show ID` shows it as the provider id).")
    var serial: String
    @Option(help: "The letter channel's spool directory (default: the spool of the letter channel in --config).") var spool: String?
    @Option(help: "liaisond's configuration, read for the spool (without --spool) and for the CUPS queue (with --print).")
    var config = "/etc/liaison/liaison.yaml"
    @Option(help: "The PDF to write (default: SERIAL.pdf in the current directory).") var output: String?
    @Flag(help: "Also submit the reprint to CUPS (the letter channel's cups_queue, or --queue).") var print = false
    @Option(help: "With --print: the CUPS queue (default: the letter channel's cups_queue).") var queue: String?
    @Option(help: "With --print: the CUPS server, host:port (default: the channel's cups_server, else libcups's default).")
    var cupsServer: String?
    @Flag(help: "Print what was done as JSON.") var json = false

    func validate() throws {
        if !print && (queue != nil || cupsServer != nil) { throw ValidationError("--queue and --cups-server go with --print") }
    }

    func run() throws {
        do {
            let result = try reprint()
            if json {
                let e = JSONEncoder()
                e.keyEncodingStrategy = .convertToSnakeCase
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Swift.print(String(decoding: try e.encode(result), as: UTF8.self))
            } else {
                let what = result.how == "copied" ? "copied the stored PDF" : "rendered it again from its record (the stored PDF \(result.source) is missing)"
                var line = "reprinted \(result.serial)" + (result.docNumber.isEmpty ? "" : " (\(result.docNumber))")
                    + " of campaign \(result.campaign): \(what) to \(result.output), \(result.pages) page\(result.pages == 1 ? "" : "s")"
                if let p = result.printed { line += "; printed on CUPS queue \(p.queue) at \(p.server) as job \(p.job)" }
                Swift.print(line)
            }
        } catch let e as LiaisonError {
            throw reportFailure(e, json: json)
        }
    }

    func reprint() throws -> LetterReprintResult {
        let spool = try LetterSpool.find(spool: self.spool, config: config)
        let campaigns = try spool.campaigns()
        let serial = serial.trimmingCharacters(in: .whitespaces)
        // A serial is COLLEGE-YEAR-SEQUENCE: a name in a campaign folder, never a path.
        guard !serial.isEmpty, !serial.contains("/"), !serial.hasPrefix(".") else { throw unknown(serial, spool, campaigns) }
        guard let campaign = campaigns.first(where: { FileManager.default.fileExists(atPath: "\(spool.path)/\($0)/\(serial).json") }) else {
            throw unknown(serial, spool, campaigns)
        }
        let record = try spool.record(at: "\(spool.path)/\(campaign)/\(serial).json")
        guard spool.isFinished(record) else {
            throw LiaisonError.invalid("letter \(serial) in \(spool.path)/\(campaign) was never completed by the letter channel "
                + "(its key does not name it: a crash left it half-done, and the message's retry made the letter again under another serial); "
                + "it is not reprinted: `liaisonctl message list` shows the serial its message got")
        }
        let source = "\(spool.path)/\(campaign)/\(serial).pdf"
        let out = URL(fileURLWithPath: output ?? "\(serial).pdf").standardizedFileURL.path
        let how: String
        var pages = record.pages
        if let data = FileManager.default.contents(atPath: source), data.starts(with: Array("%PDF-".utf8)) {
            let tmp = LetterSpool.temporary(for: out)
            guard FileManager.default.createFile(atPath: tmp, contents: data) else {
                throw LiaisonError.invalid("cannot write \(out): \(String(cString: strerror(errno))); give --output a writable place")
            }
            try LetterSpool.rename(tmp, to: out)
            how = "copied"
        } else {
            do { pages = try LetterRecord.render([record], to: out, duplex: false) } catch let e as LiaisonError {
                throw LiaisonError.invalid("cannot render letter \(serial) again from \(spool.path)/\(campaign)/\(serial).json: \(e.message)")
            }
            how = "rendered"
        }
        var printed: LetterReprintResult.Printed?
        if print { printed = try submit(out, serial: serial, spool: spool) }
        return LetterReprintResult(serial: serial, docNumber: record.docNumber, campaign: campaign, topic: record.topic,
                                   recipientName: record.recipientName, date: record.date, spool: spool.path, source: source,
                                   output: out, how: how, pages: pages, printed: printed)
    }

    /// Submits the reprint to CUPS as the plugin submits a letter
    /// (letter_cups_print), job name "SERIAL reprint".
    func submit(_ pdf: String, serial: String, spool: LetterSpool) throws -> LetterReprintResult.Printed {
        let channelQueue = spool.channelConfig["cups_queue"] as? String
        guard let queue = queue ?? channelQueue, !queue.isEmpty else {
            throw LiaisonError.invalid("--print: no CUPS queue to print on: "
                + (spool.configPath.map { "the letter channel in \($0) has no cups_queue" } ?? "with --spool, the channel's configuration is not read")
                + "; give --queue NAME (`lpstat -p` lists the queues)")
        }
        let server = cupsServer ?? spool.channelConfig["cups_server"] as? String
        let options = queue == channelQueue ? spool.channelConfig["cups_options"] as? String : nil
        var err = [CChar](repeating: 0, count: 1024)
        let job = letter_cups_print(server, queue, options, pdf, "\(serial) reprint", &err, err.count)
        guard job > 0 else {
            let why = String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LiaisonError(.conflict, "printing the reprint of \(serial) on CUPS queue \(queue): \(why); the PDF is at \(pdf) "
                + "(print it by hand: lp -d \(queue) \(pdf))")
        }
        return .init(queue: queue, server: server ?? "default", job: Int(job))
    }

    /// An unknown serial names the letters there are.
    func unknown(_ serial: String, _ spool: LetterSpool, _ campaigns: [String]) -> LiaisonError {
        var all: [(serial: String, campaign: String)] = []
        for c in campaigns { all += spool.serials(campaign: c).map { ($0, c) } }
        all.sort { $0.serial < $1.serial }
        let what: String
        if all.isEmpty {
            what = "it holds no letters yet"
        } else if all.count <= 10 {
            what = "its letters are " + all.map { "\($0.serial) (\($0.campaign))" }.joined(separator: ", ")
        } else {
            what = "it holds \(all.count) letters, \(all[0].serial) to \(all[all.count - 1].serial), in \(campaigns.count) campaigns "
                + "(\(campaigns.joined(separator: ", "))); `ls \(spool.path)/CAMPAIGN` lists one"
        }
        return LiaisonError.notFound("no letter \"\(serial)\" in \(spool.path) (a serial reads like LJ01-2026-000012); \(what)")
    }
}
