import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// `liaisonctl letter reprint SERIAL` (issue 12; POLICY P2.2.2): a letter
/// printed again is the same letter, with its serial and document number:
/// the stored PDF copied byte for byte, or, if it is gone, rendered again
/// from the letter's record; optionally submitted to a real cupsd.
@Suite(.serialized) struct LetterReprintTests {
    struct Result: Decodable {
        struct Printed: Decodable { var queue: String; var server: String; var job: Int }
        var serial, docNumber, campaign, topic, recipientName, date, spool, source, output, how: String
        var pages: Int
        var printed: Printed?
    }

    static func result(_ o: Output) throws -> Result {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return try d.decode(Result.self, from: Data(o.out.utf8))
    }

    @Test func aLetterIsReprintedWithItsSerialFromItsPDFOrItsRecord() throws {
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(LetterTests.channel(spool: spool))
        try d.start()
        let (_, ms, _) = try LetterTests.openCase(d, student: "2023010101")
        #expect(!ms.isEmpty && ms.allSatisfy { $0.state == .sent })
        let records = try LetterTests.records(spool)
        let r = try #require(records.last)

        // The stored PDF, byte for byte.
        let out = d.dir.appendingPathComponent("again.pdf").path
        let copied = try d.ctl("letter", "reprint", r.serial, "--spool", spool, "--output", out, "--json")
        #expect(copied.status == 0, "\(copied.err)")
        let c = try Self.result(copied)
        #expect(c.how == "copied" && c.serial == r.serial && c.docNumber == r.docNumber && c.campaign == r.campaign && c.output == out
                && c.source == r.pdf && c.printed == nil, "\(copied.out)")
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: r.pdf))

        // Its PDF gone: made again from its record, the same serial, number, date and address.
        try FileManager.default.removeItem(atPath: r.pdf)
        let rendered = try d.ctl("letter", "reprint", r.serial, "--config", d.configPath, "--output", out)
        #expect(rendered.status == 0 && rendered.out.contains("reprinted \(r.serial)") && rendered.out.contains("rendered it again from its record"),
                "\(rendered.out)\(rendered.err)")
        let text = try LetterTests.text(out)
        for part in ["编号：\(r.serial)", r.docNumber, r.date, r.title, r.addressee, "收件：\(r.recipientName)\(r.postalAddress)"] {
            #expect(text.contains(LetterTests.squeeze(part)), "\(part) is not in the reprint:\n\(text)")
        }
        // Nothing new in the spool: no serial taken, no record written.
        #expect(try LetterTests.records(spool).map(\.serial) == records.map(\.serial))
        #expect(!FileManager.default.fileExists(atPath: r.pdf))

        // Without --output: SERIAL.pdf where it runs.
        let here = try run(Binaries.liaisonctl, ["letter", "reprint", records[0].serial, "--spool", spool], cwd: d.dir)
        #expect(here.status == 0 && FileManager.default.fileExists(atPath: d.dir.appendingPathComponent("\(records[0].serial).pdf").path), "\(here.err)")

        // An unknown serial names those there are.
        let unknown = try d.ctl("letter", "reprint", "LJ01-1999-000001", "--spool", spool, "--output", out)
        #expect(unknown.status == 1 && unknown.err.contains("no letter \"LJ01-1999-000001\"") && records.allSatisfy { unknown.err.contains($0.serial) },
                "\(unknown.err)")
        let asJSON = try d.ctl("letter", "reprint", "../x", "--spool", spool, "--output", out, "--json")
        #expect(asJSON.status == 1 && asJSON.out.contains("\"not_found\""), "\(asJSON.out)")

        // A letter a crash left half-done (its key never written) is not reprinted.
        let campaignDir = (r.pdf as NSString).deletingLastPathComponent
        let orphan = try String(contentsOfFile: "\(campaignDir)/\(r.serial).json", encoding: .utf8)
            .replacingOccurrences(of: r.serial, with: "LJ01-\(r.year)-999999")
        try orphan.write(toFile: "\(campaignDir)/LJ01-\(r.year)-999999.json", atomically: true, encoding: .utf8)
        let half = try d.ctl("letter", "reprint", "LJ01-\(r.year)-999999", "--spool", spool, "--output", out)
        #expect(half.status == 1 && half.err.contains("never completed"), "\(half.err)")

        // --print with no queue configured says what to give.
        let noQueue = try d.ctl("letter", "reprint", records[0].serial, "--config", d.configPath, "--output", out, "--print")
        #expect(noQueue.status == 1 && noQueue.err.contains("has no cups_queue") && noQueue.err.contains("--queue"), "\(noQueue.err)")
    }

    @Test func aReprintGoesToTheChannelsCupsQueueByteIdentical() throws {
        let cups = try Cupsd()
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(LetterTests.channel(spool: spool, extra: ", cups_queue: letters, cups_server: \"127.0.0.1:\(cups.port)\""))
        try d.start()
        let (_, ms, _) = try LetterTests.openCase(d, student: "2023010102")
        #expect(!ms.isEmpty && ms.allSatisfy { $0.state == .sent })
        _ = cups.captured(atLeast: ms.count)
        let r = try #require(try LetterTests.records(spool).first)
        let out = d.dir.appendingPathComponent("again.pdf").path
        let o = try d.ctl("letter", "reprint", r.serial, "--config", d.configPath, "--output", out, "--print", "--json")
        #expect(o.status == 0, "\(o.out)\(o.err)")
        let p = try Self.result(o).printed
        #expect(p?.queue == "letters" && p?.server == "127.0.0.1:\(cups.port)" && (p?.job ?? 0) > 0, "\(o.out)")
        let captured = cups.captured(atLeast: ms.count + 1)
        let original = try Data(contentsOf: URL(fileURLWithPath: r.pdf))
        #expect(captured.count == ms.count + 1 && captured.filter { $0 == original }.count == 2, "the letter printed twice, the same bytes: \(captured.count) jobs for \(ms.count) letters and a reprint; \(cups.diagnosis())")

        // CUPS down: the reprint is written, the print refused with where the PDF is.
        cups.stop()
        let down = try d.ctl("letter", "reprint", r.serial, "--config", d.configPath, "--output", out, "--print")
        #expect(down.status == 1 && down.err.contains("cannot reach CUPS") && down.err.contains(out), "\(down.err)")
    }
}
