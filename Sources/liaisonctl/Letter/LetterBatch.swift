import ArgumentParser
import Foundation
import LetterRender
import LiaisonConfig
import LiaisonCore

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

    func merge() throws -> LetterBatchResult {
        let letterSpool = try LetterSpool.find(spool: spool, config: config)
        let spool = letterSpool.path
        let campaigns = try letterSpool.campaigns()
        guard campaigns.contains(campaign) else {
            throw LiaisonError.notFound("no campaign \"\(campaign)\" in \(spool); "
                + (campaigns.isEmpty ? "it holds no letters yet" : "the campaigns are: \(campaigns.joined(separator: ", "))"))
        }
        var records = try letterSpool.records(campaign: campaign)
        // A letter is finished once its key names it (the plugin writes the key
        // last); one a crash left half-done is made again, with a new serial.
        let unfinished = records.filter { !letterSpool.isFinished($0) }
        if !unfinished.isEmpty {
            FileHandle.standardError.write(Data("letter batch: left out \(unfinished.count) unfinished letter(s), never completed by the channel: \(unfinished.map(\.serial).joined(separator: ", "))\n".utf8))
            records.removeAll { r in unfinished.contains { $0.serial == r.serial } }
        }
        guard !records.isEmpty else { throw LiaisonError.invalid("campaign \"\(campaign)\" in \(spool) has no letters") }
        // Serial order: year, then sequence.
        records.sort { (Int($0.year) ?? 0, Int($0.sequence) ?? 0, $0.serial) < (Int($1.year) ?? 0, Int($1.sequence) ?? 0, $1.serial) }

        let out = URL(fileURLWithPath: output).standardizedFileURL.path
        let pages: Int
        do { pages = try LetterRecord.render(records, to: out, duplex: duplex) } catch let e as LiaisonError {
            throw LiaisonError.invalid("cannot merge campaign \(campaign): \(e.message)")
        }
        return LetterBatchResult(campaign: campaign, spool: spool, output: out, pages: pages,
                                 letters: records.map { .init(serial: $0.serial, topic: $0.topic, recipientName: $0.recipientName, title: $0.title, date: $0.date) })
    }
}
