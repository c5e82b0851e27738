import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// The `letter` channel (Plugins/letter) through the real daemon and host:
/// Chinese PDFs laid out after GB/T 9704 with an embedded CJK font, serial
/// numbers that never repeat, one letter per idempotency key, and
/// `liaisonctl letter batch`. POLICY P2.2.2 (formal numbered letters), P2.2.3
/// (the notice and the invitation to come to campus).
@Suite(.serialized) struct LetterTests {
    /// The shipped letter templates.
    static let templates = URL(fileURLWithPath: Daemon.templatesDirectory).appendingPathComponent("letters").path
    /// Page images a person can look at after the run.
    static let pictures: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-letter-tests").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// The letter text of each topic's letter template (Config/templates/letters).
    static let titles = ["incident-notice": "学生情况告知书", "campus-invitation": "到校沟通通知书"]

    /// One spool, shared by the daemons of a test.
    static func channel(spool: String, extra: String = "") -> String {
        """
        channels:
          letter:
            plugin: letter
            serves: [letter]
            config: {spool: \(spool), templates: \(templates), college_code: LJ01, document_prefix: 丽文旅家, issuer: 丽江文化旅游学院旅游管理学院\(extra)}
        """
    }

    /// Letters to the letter channel; SMS, WeChat, QQ and staff messages to the outbox.
    static func lettersAndOutbox(spool: String, outbox: String) -> String {
        channel(spool: spool) + """

              outbox:
                plugin: outbox
                serves: [sms, wechat, qq, staff]
                config: {directory: \(outbox), receipts: true}
            """
    }

    /// The term a daemon without school.terms counts by: the first term of a
    /// year runs August to January, the second February to July (the
    /// plugin's default campaign is "{topic}-{term}", the daemon's term).
    static func term(_ date: Date = Date()) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let (year, month) = (cal.component(.year, from: date), cal.component(.month, from: date))
        return month >= 8 ? "\(year)-\(year + 1)-1" : month == 1 ? "\(year - 1)-\(year)-1" : "\(year - 1)-\(year)-2"
    }

    static func chineseDate(_ date: Date = Date()) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return "\(c.year!)年\(c.month!)月\(c.day!)日"
    }

    /// What the plugin stores beside each PDF.
    struct Record: Decodable {
        var serial, sequence, year, docNumber, key, topic, campaign, recipientName, postalAddress, title, addressee, body, closing,
            issuer, date, pdf: String
        var pages: Int
    }

    static func records(_ spool: String) throws -> [Record] {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        var out: [Record] = []
        for campaign in try FileManager.default.contentsOfDirectory(atPath: spool) where !campaign.hasPrefix(".") {
            for f in try FileManager.default.contentsOfDirectory(atPath: "\(spool)/\(campaign)") where f.hasSuffix(".json") {
                out.append(try d.decode(Record.self, from: Data(contentsOf: URL(fileURLWithPath: "\(spool)/\(campaign)/\(f)"))))
            }
        }
        return out.sorted { Int($0.sequence)! < Int($1.sequence)! }
    }

    /// pdftotext's text with every space and line break removed: the layout
    /// breaks lines, the characters must come back exactly.
    static func text(_ pdf: String, page: Int? = nil) throws -> String {
        let o = try run("/usr/bin/pdftotext", ["-enc", "UTF-8"] + (page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []) + [pdf, "-"])
        #expect(o.status == 0, "pdftotext: \(o.err)")
        return squeeze(o.out)
    }

    static func squeeze(_ s: String) -> String { String(s.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init)) }

    /// pdffonts' rows: (name, type, embedded).
    static func fonts(_ pdf: String) throws -> [(name: String, type: String, embedded: Bool)] {
        let o = try run("/usr/bin/pdffonts", [pdf])
        #expect(o.status == 0, "pdffonts: \(o.err)")
        return o.out.split(separator: "\n").dropFirst(2).map { line in
            let t = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // name, type (several words), encoding, emb, sub, uni, object, generation
            return (t[0], t[1..<(t.count - 6)].joined(separator: " "), t[t.count - 5] == "yes")
        }
    }

    static func pages(_ pdf: String) throws -> Int {
        let o = try run("/usr/bin/pdfinfo", [pdf])
        let line = o.out.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
        return Int(line.split(separator: " ").last ?? "") ?? -1
    }

    /// Opens an accident case and waits until every guardian's messages are sent.
    static func openCase(_ d: Daemon, student: String) throws -> (CaseRecord, [Message], [Guardian]) {
        let guardians = try d.json(StudentDetail.self, "student", "show", student).guardians
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", student, "--summary", "摔伤")
        let ms = try d.messages(["--case", c.id]) { ms in
            let g = ms.filter { $0.recipientRole == "guardian" }
            return g.count == guardians.count * 2 && g.allSatisfy { $0.state == .sent || $0.state == .failed }
        }.filter { $0.recipientRole == "guardian" }
        return (c, ms, guardians)
    }

    @Test func aCaseLetterIsAChinesePDFWithEmbeddedCJKFontsAndSerialsNeverRepeat() throws {
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(Self.channel(spool: spool))
        try d.start()
        let status = try d.pluginStatus("letter")
        #expect(status.state == "running" && status.pluginName == "letter" && status.capabilities.contains("idempotent"), "\(status)")

        // The demo guardians prefer wechat, phone, sms, qq; only letters are served here.
        let (c, ms, guardians) = try Self.openCase(d, student: "2023010101")
        #expect(ms.count == guardians.count * 2 && ms.allSatisfy { $0.state == .sent && $0.channel == "letter" },
                "\(ms.map { "\($0.topic) \($0.state) \($0.note)" })")
        #expect(ms.allSatisfy { $0.note.contains("gives no receipts") }, "a spooled letter is sent, not delivered")
        let records = try Self.records(spool)
        #expect(records.count == ms.count)
        let serialPattern = try Regex("^LJ01-\\d{4}-\\d{6}$")
        for m in ms {
            let g = try #require(guardians.first { $0.id == m.recipientID })
            let r = try #require(records.first { $0.key == m.idempotencyKey }, "a record for \(m.idempotencyKey)")
            #expect(m.providerID == r.serial && r.serial.wholeMatch(of: serialPattern) != nil, "\(m.providerID) \(r.serial)")
            #expect(r.campaign == "\(m.topic)-\(Self.term())" && r.pdf == "\(spool)/\(r.campaign)/\(r.serial).pdf")
            #expect(r.title == Self.titles[m.topic] && r.postalAddress == g.address && r.recipientName == g.name)
            #expect(r.date == Self.chineseDate() || r.date == Self.chineseDate(Date().addingTimeInterval(-600)), "\(r.date)")
            #expect(r.docNumber == "丽文旅家〔\(r.year)〕\(r.sequence)号")
            #expect(m.body.contains(c.id) && !m.body.hasPrefix(g.name), "the letter text, not the default: \(m.body)")

            // The Chinese text comes back exactly from the PDF.
            let text = try Self.text(r.pdf)
            for part in ["丽江文化旅游学院旅游管理学院", r.docNumber, Self.titles[m.topic]!, "尊敬的\(g.name)家长：", m.body, r.closing,
                         Self.chineseDate(), "编号：\(r.serial)", "收件：\(g.name)\(g.address)"] {
                #expect(text.contains(Self.squeeze(part)), "\(part) is not in the text of \(r.pdf):\n\(text)")
            }
            // In order: letterhead, document number, title, addressee, body, issuer, date, the record block.
            var rest = Substring(text)
            for part in [r.issuer, r.docNumber, r.title, r.addressee, m.body, r.closing, r.issuer, r.date, "收件：\(g.name)", "编号：\(r.serial)"] {
                let found = rest.range(of: Self.squeeze(part))
                #expect(found != nil, "GB/T 9704 order: \(part) is not where it belongs in\n\(text)")
                if let found { rest = rest[found.upperBound...] }
            }

            // The fonts are embedded CJK fonts: none fell back to a Latin one.
            let fonts = try Self.fonts(r.pdf)
            #expect(!fonts.isEmpty && fonts.allSatisfy { $0.embedded && $0.type.hasPrefix("CID") && $0.name.contains("CJK") },
                    "\(fonts)")
            #expect(try Self.pages(r.pdf) == r.pages && r.pages == 1)
        }
        let serials = ms.map(\.providerID)
        #expect(Set(serials).count == serials.count, "\(serials)")
        #expect(records.map { Int($0.sequence)! } == Array(1...records.count), "one sequence, no gaps: \(records.map(\.sequence))")

        // Page 1 as a picture, for a person to look at.
        let png = "\(Self.pictures)/\(records[0].serial)"
        let o = try run("/usr/bin/pdftoppm", ["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", records[0].pdf, png])
        #expect(o.status == 0, "\(o.err)")
        let image = try Data(contentsOf: URL(fileURLWithPath: png + ".png"))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.count > 5_000, "page 1 is at \(png).png")

        // After a restart, the sequence goes on: no serial is used twice.
        d.stop()
        try d.start()
        let (_, more, _) = try Self.openCase(d, student: "2023010102")
        #expect(!more.isEmpty && more.allSatisfy { $0.state == .sent && $0.channel == "letter" })
        let after = try Self.records(spool)
        #expect(after.count == records.count + more.count)
        #expect(Set(after.map(\.serial)).count == after.count && after.map { Int($0.sequence)! } == Array(1...after.count))
        #expect(Set(more.map(\.providerID)).isDisjoint(with: serials))
        d.stop()

        // The same idempotency keys again (a second daemon, a fresh database:
        // its first case has the same id, so the same keys): the letters that
        // exist, no new serial.
        let again = try Daemon(channels: "")
        try again.configure(Self.channel(spool: spool))
        try again.start()
        let (c2, resent, _) = try Self.openCase(again, student: "2023010101")
        #expect(c2.id == c.id)
        #expect(Set(resent.map(\.idempotencyKey)) == Set(ms.map(\.idempotencyKey)))
        for m in resent {
            #expect(m.state == .sent && m.providerID == ms.first { $0.idempotencyKey == m.idempotencyKey }?.providerID, "\(m)")
        }
        #expect(try Self.records(spool).count == after.count, "no new letter")
        #expect(again.log.contains("was spooled before as"))
    }

    @Test func letterBatchMergesACampaignIntoOnePrintReadyPDF() throws {
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(Self.channel(spool: spool, extra: ", campaign: \"{topic}-2026春季学期\""))
        try d.start()
        var sent: [Message] = []
        for student in ["2023010101", "2023010102", "2023010201"] { sent += try Self.openCase(d, student: student).1 }
        #expect(!sent.isEmpty && sent.allSatisfy { $0.state == .sent })
        let invitations = try Self.records(spool).filter { $0.topic == "campus-invitation" }
        #expect(invitations.count == sent.filter { $0.topic == "campus-invitation" }.count && invitations.count >= 3)
        #expect(invitations.allSatisfy { $0.campaign == "campus-invitation-2026春季学期" })

        let out = d.dir.appendingPathComponent("batch.pdf").path
        let o = try d.ctl(["letter", "batch", "--campaign", "campus-invitation-2026春季学期", "--spool", spool, "--output", out, "--json"])
        #expect(o.status == 0, "\(o.err)")
        let result = try JSONSerialization.jsonObject(with: Data(o.out.utf8)) as? [String: Any]
        let merged = (result?["letters"] as? [[String: Any]])?.compactMap { $0["serial"] as? String } ?? []
        #expect(merged == invitations.map(\.serial), "in serial order: \(merged)")
        let pageCount = try Self.pages(out)
        #expect(result?["pages"] as? Int == invitations.count && pageCount == invitations.count)

        // Each letter on a page of its own, in serial order, with its text.
        for (i, r) in invitations.enumerated() {
            let page = try Self.text(out, page: i + 1)
            #expect(page.hasPrefix(Self.squeeze(r.issuer)) && page.contains(r.serial) && page.contains(Self.squeeze(r.body))
                    && page.contains(Self.squeeze(r.addressee)), "page \(i + 1):\n\(page)")
        }
        #expect(try Self.fonts(out).allSatisfy { $0.embedded && $0.name.contains("CJK") })

        // Duplex: letters with an odd page count get a blank back.
        let duplex = d.dir.appendingPathComponent("duplex.pdf").path
        #expect(try d.ctl(["letter", "batch", "--campaign", "campus-invitation-2026春季学期", "--spool", spool, "--output", duplex, "--duplex"]).status == 0)
        #expect(try Self.pages(duplex) == 2 * invitations.count - 1)

        // The spool found through the daemon's configuration.
        let viaConfig = try d.ctl(["letter", "batch", "--campaign", "campus-invitation-2026春季学期", "--config", d.configPath, "--output", out])
        #expect(viaConfig.status == 0 && viaConfig.out.contains("merged \(invitations.count) letters"), "\(viaConfig.err)")

        // An unknown campaign names those that exist; an empty one says so.
        let unknown = try d.ctl(["letter", "batch", "--campaign", "good-news-2025-2026-2", "--spool", spool, "--output", out])
        #expect(unknown.status == 1 && unknown.err.contains("no campaign \"good-news-2025-2026-2\"")
                && unknown.err.contains("campus-invitation-2026春季学期") && unknown.err.contains("incident-notice-2026春季学期"), "\(unknown.err)")
        try FileManager.default.createDirectory(atPath: "\(spool)/good-news-2025-2026-2", withIntermediateDirectories: true)
        let empty = try d.ctl(["letter", "batch", "--campaign", "good-news-2025-2026-2", "--spool", spool, "--output", out])
        #expect(empty.status == 1 && empty.err.contains("has no letters"), "\(empty.err)")
    }

    @Test func aBadConfigurationIsRefusedNamingTheKey() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("letter-not-a-dir-\(UUID().uuidString.prefix(6))").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let cases: [(extra: String, spool: String?, expect: [String])] = [
            (", font_family: Nonexistent Song", nil, ["font_family:", "\"Nonexistent Song\" is not installed", "fc-list :lang=zh"]),
            (", font_family: DejaVu Sans", nil, ["font_family:", "does not cover Chinese"]),
            ("", "\(file)/spool", ["spool:", "is not a directory"]),
            (", fonts: x", nil, ["unknown configuration key \"fonts\""]),
        ]
        for (extra, spool, expect) in cases {
            let d = try Daemon(channels: "")
            try d.configure(Self.channel(spool: spool ?? d.dir.appendingPathComponent("spool").path, extra: extra))
            try d.start()
            let status = try d.pluginStatus("letter")
            #expect(status.state == "failed" && expect.allSatisfy { status.reason.contains($0) }, "\(extra): \(status.state) \(status.reason)")
        }
        // A missing required key, and templates without a default.
        let d = try Daemon(channels: "")
        let templates = d.dir.appendingPathComponent("letters").path
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Self.templates)/good-news.yaml", toPath: "\(templates)/good-news.yaml")
        try d.configure("""
            channels:
              letter:
                plugin: letter
                serves: [letter]
                config: {spool: \(d.dir.path)/spool, templates: \(templates), document_prefix: 丽文旅家, issuer: 学院}
              letter2:
                plugin: letter
                serves: [letter]
                config: {spool: \(d.dir.path)/spool, templates: \(templates), college_code: LJ01, document_prefix: 丽文旅家, issuer: 学院}
            """)
        try d.start()
        let missing = try d.pluginStatus("letter")
        #expect(missing.state == "failed" && missing.reason.contains("college_code: required"), "\(missing.reason)")
        let noDefault = try d.json(PluginStatus.self, "plugin", "status", "letter2")
        #expect(noDefault.state == "failed" && noDefault.reason.contains("templates:") && noDefault.reason.contains("no default.yaml"), "\(noDefault.reason)")
    }

    @Test func lettersArePrintedThroughARealCupsdByteIdenticalAndRetriedWhileItIsDown() throws {
        let cups = try Cupsd()
        let d = try Daemon(channels: "")
        let spool = d.dir.appendingPathComponent("spool").path
        try d.configure(Self.channel(spool: spool, extra: ", cups_queue: letters, cups_server: \"127.0.0.1:\(cups.port)\", cups_options: \"media=A4\"")
                        + "\n    retries: 20\n    backoff_seconds: 1")
        try d.start()
        let (_, ms, _) = try Self.openCase(d, student: "2023010101")
        #expect(!ms.isEmpty && ms.allSatisfy { $0.state == .sent }, "\(ms.map { "\($0.state) \($0.note)" })")
        var captured = cups.captured(atLeast: ms.count)
        let pdfs = try Self.records(spool).map { try Data(contentsOf: URL(fileURLWithPath: $0.pdf)) }
        #expect(captured.count == ms.count && Set(captured) == Set(pdfs), "every letter arrived byte-identical: \(captured.map(\.count)) vs \(pdfs.map(\.count))")
        for r in try Self.records(spool) {
            let job = try String(contentsOfFile: "\(spool)/\(r.campaign)/\(r.serial).job", encoding: .utf8)
            #expect(job.hasPrefix("letters\t"), "\(job)")
        }

        // CUPS down: the letter is spooled, the send fails for now and is retried;
        // the retry prints the letter it has, with no new serial.
        cups.stop()
        let guardians = try d.json(StudentDetail.self, "student", "show", "2023010102").guardians
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010102", "--summary", "摔伤")
        let waiting = try d.messages(["--case", c.id]) { ms in ms.filter { $0.recipientRole == "guardian" && $0.note.contains("CUPS") }.count == guardians.count * 2 }
            .filter { $0.recipientRole == "guardian" }
        #expect(waiting.allSatisfy { $0.state == .pending && $0.note.contains("on CUPS queue letters") && $0.note.contains("127.0.0.1:\(cups.port)") }, "\(waiting.map(\.note))")
        try cups.start()
        let printed = try d.messages(["--case", c.id]) { ms in ms.filter { $0.recipientRole == "guardian" && $0.state == .sent }.count == guardians.count * 2 }
            .filter { $0.recipientRole == "guardian" }
        #expect(printed.count == guardians.count * 2 && printed.allSatisfy { $0.state == .sent }, "\(printed.map { "\($0.state) \($0.note)" })")
        let records = try Self.records(spool)
        #expect(records.count == ms.count + printed.count && records.map { Int($0.sequence)! } == Array(1...records.count), "no serial taken twice")
        captured = cups.captured(atLeast: records.count)
        let all = try records.map { try Data(contentsOf: URL(fileURLWithPath: $0.pdf)) }
        #expect(captured.count == records.count && Set(captured) == Set(all))
    }
}

/// A real cupsd on loopback with one raw queue, `letters`, whose device is a
/// capture backend that copies each job into a directory (NOTES.md: CUPS, by hand).
final class Cupsd: @unchecked Sendable {
    let dir: String
    let port = Int.random(in: 20_000..<60_000)
    var pid: pid_t = 0
    var server: String { "127.0.0.1:\(port)" }
    var capture: String { "\(dir)/capture" }

    init() throws {
        dir = "/tmp/liaison-cups-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        for sub in ["root", "spool", "tmp", "cache", "state", "log", "serverbin/backend", "serverbin/daemon", "capture"] {
            try fm.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        chmod(dir, 0o755)
        chmod(capture, 0o777) // the backend runs as lp
        try """
            Listen \(server)
            LogLevel warn
            WebInterface No
            Browsing No
            DefaultAuthType None
            <Location />
              Order allow,deny
              Allow all
            </Location>
            <Location /admin>
              Order allow,deny
              Allow all
            </Location>
            <Policy default>
              <Limit All>
                Order deny,allow
              </Limit>
            </Policy>

            """.write(toFile: "\(dir)/root/cupsd.conf", atomically: true, encoding: .utf8)
        try """
            ServerRoot \(dir)/root
            RequestRoot \(dir)/spool
            TempDir \(dir)/tmp
            CacheDir \(dir)/cache
            StateDir \(dir)/state
            ServerBin \(dir)/serverbin
            DataDir /usr/share/cups
            AccessLog \(dir)/log/access_log
            ErrorLog \(dir)/log/error_log
            PageLog \(dir)/log/page_log
            FileDevice Yes

            """.write(toFile: "\(dir)/root/cups-files.conf", atomically: true, encoding: .utf8)
        try """
            #!/bin/sh
            [ $# -eq 0 ] && { echo 'direct capture "Unknown" "Capture"'; exit 0; }
            dir=${DEVICE_URI#capture:}
            # Written aside and renamed, so a job- file is always whole.
            if [ -n "$6" ]; then cp "$6" "$dir/.part-$1"; else cat > "$dir/.part-$1"; fi
            mv "$dir/.part-$1" "$dir/job-$1.pdf"

            """.write(toFile: "\(dir)/serverbin/backend/capture", atomically: true, encoding: .utf8)
        chmod("\(dir)/serverbin/backend/capture", 0o755)
        // cupsd starts backends through cups-exec, from its ServerBin.
        try fm.copyItem(atPath: "/usr/lib/cups/daemon/cups-exec", toPath: "\(dir)/serverbin/daemon/cups-exec")
        try start()
    }

    /// posix_spawn with a clean signal mask, reaped with waitpid: cupsd
    /// closes the descriptors it inherits, which Foundation's Process takes
    /// for an exit (and then stalls), and it must not inherit the test
    /// process's blocked signals (it would ignore SIGTERM).
    func start() throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "\(dir)/log/stdout", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let args: [String] = ["/usr/sbin/cupsd", "-f", "-c", "\(dir)/root/cupsd.conf", "-s", "\(dir)/root/cups-files.conf"]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/usr/sbin/cupsd", &actions, &attr, argv, environ)
        guard rc == 0 else { throw LiaisonError(.internal, "cannot start cupsd: \(String(cString: strerror(rc)))") }
        pid = child
        guard eventually({ (try? run("/usr/bin/lpstat", ["-h", server, "-r"]))?.out.contains("is running") == true }) else {
            throw LiaisonError(.unavailable, "cupsd at \(server) did not answer within \(Int(Patience.seconds)) s")
        }
        let o = try run("/usr/sbin/lpadmin", ["-h", server, "-p", "letters", "-v", "capture:\(capture)", "-E", "-m", "raw"])
        guard o.status == 0 else { throw LiaisonError(.internal, "lpadmin: \(o.err)") }
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    /// The jobs the backend wrote, once there are at least n (or the patience is spent).
    func captured(atLeast n: Int) -> [Data] {
        let files = poll({ ((try? FileManager.default.contentsOfDirectory(atPath: capture)) ?? []).filter { $0.hasPrefix("job-") } }) { $0.count >= n }
        return files.compactMap { FileManager.default.contents(atPath: "\(capture)/\($0)") }
    }

    /// What cupsd says about its queue and jobs, and the end of its error
    /// log: for a test's message when the jobs did not arrive.
    func diagnosis() -> String {
        let queue = (try? run("/usr/bin/lpstat", ["-h", server, "-p", "-o"]))?.out ?? "lpstat failed"
        let log = (try? String(contentsOfFile: "\(dir)/log/error_log", encoding: .utf8)) ?? ""
        return "lpstat: \(queue)\nerror_log: \(log.split(separator: "\n").suffix(20).joined(separator: "\n"))"
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
