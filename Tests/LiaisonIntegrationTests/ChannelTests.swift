import Foundation
import Glibc
import LiaisonCore
import LiaisonProtocol
import Testing

/// Channel plugins through the real liaison-channel-host processes of a real liaisond.
@Suite(.serialized) struct ChannelTests {
    @Test func anAccidentMessageReachesTheOutboxAndItsReceiptCompletesTheStep() throws {
        let d = try Daemon(channels: "")
        d.config += "\n" + Daemon.outbox(d.outboxDirectory)
        try d.config.write(toFile: d.configPath, atomically: true, encoding: .utf8)
        try d.start()
        let plugins = try d.json([PluginStatus].self, "plugin", "list")
        #expect(plugins.map(\.channel) == ["outbox"] && plugins[0].state == "running" && plugins[0].pluginName == "outbox")
        #expect(plugins[0].capabilities.contains("receipts") && plugins[0].pid > 0)

        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "右腿骨折，已送医院")
        let messages = try d.messages(["--case", c.id]) { ms in
            ms.count >= 2 && ms.filter { $0.stepID == "notify-parents" }.allSatisfy { $0.state == .delivered }
        }
        let notices = messages.filter { $0.stepID == "notify-parents" }
        #expect(notices.count == 2 && notices.allSatisfy { $0.state == .delivered && $0.recipientRole == "guardian" })
        // The step is done, at level "delivered", by the system.
        let detail = try d.json(CaseDetail.self, "case", "show", c.id)
        let step = try #require(detail.record.steps.first { $0.id == "notify-parents" })
        #expect(step.status == .done && step.evidence == .delivered)
        #expect(detail.events.contains { $0.type == .stepCompleted && $0.actor == "system" && $0.payload["step"] == "notify-parents" })
        // The files are the rendered messages; the diagnosis stays out of them.
        let files = try FileManager.default.contentsOfDirectory(atPath: d.outboxDirectory).filter { $0.hasPrefix("notify_\(c.id)_notify-parents") }
        #expect(files.count == 2)
        for f in files {
            let text = try String(contentsOfFile: "\(d.outboxDirectory)/\(f)", encoding: .utf8)
            #expect(text.contains("Key: notify:\(c.id):notify-parents:") && text.contains("您好") && !text.contains("骨折"))
        }
        // message show: the attempt, the provider id, the receipt.
        let shown = try d.json(MessageDetail.self, "message", "show", "\(notices[0].id)")
        #expect(shown.attempts.count == 1 && shown.attempts[0].outcome == "ok" && shown.attempts[0].channel == "outbox")
        #expect(shown.receipts.map(\.receipt) == ["delivered"] && shown.receipts[0].providerID == shown.attempts[0].providerID)
        #expect(try d.ctl("message", "show", "\(notices[0].id)").out.contains("delivered"))
    }

    @Test func theCPluginRunsInItsHost() throws {
        let d = try Daemon(channels: "")
        let logFile = d.dir.appendingPathComponent("sent.log").path
        d.config += """

            channels:
              log:
                plugin: log
                serves: [sms, wechat, qq, letter, staff]
                config: {path: \(logFile), receipts: true}
            """
        try d.config.write(toFile: d.configPath, atomically: true, encoding: .utf8)
        try d.start()
        let status = try d.pluginStatus("log")
        #expect(status.state == "running" && status.pluginName == "log" && status.pluginVersion == "1.0.0")
        let c = try d.json(CaseRecord.self, "case", "open", "sudden-illness", "--student", "2023010101", "--summary", "急性阑尾炎")
        _ = try d.messages(["--case", c.id]) { ms in !ms.isEmpty && ms.allSatisfy { $0.state == .delivered } }
        let lines = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 2 && lines.allSatisfy { $0.contains("notify:\(c.id):") && !$0.contains("阑尾") })
    }

    @Test(arguments: ["group-writable", "symlink", "wrong owner", "missing symbol", "wrong ABI version", "missing file"])
    func aBadPluginFileIsRefused(_ flaw: String) throws {
        let d = try Daemon(channels: "")
        let pluginDir = try d.pluginDirectory()
        var path = "\(pluginDir)/libliaison-channel-bad.so"
        let expected: String
        switch flaw {
        case "group-writable":
            _ = try TestPlugin.compile(into: pluginDir, name: "libliaison-channel-bad.so")
            chmod(path, 0o775)
            expected = "writable by its group"
        case "symlink":
            let real = try TestPlugin.compile(into: pluginDir, name: "real.so")
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: real)
            expected = "is a symbolic link"
        case "wrong owner":
            _ = try TestPlugin.compile(into: pluginDir, name: "libliaison-channel-bad.so")
            chown(path, 65534, 65534)
            expected = "must be owned by root or the service user"
        case "missing symbol":
            _ = try TestPlugin.compile(into: pluginDir, name: "libliaison-channel-bad.so", defines: ["NO_ENTRY"])
            expected = "has no liaison_channel_entry_v1 symbol"
        case "wrong ABI version":
            _ = try TestPlugin.compile(into: pluginDir, name: "libliaison-channel-bad.so", defines: ["WRONG_ABI"])
            expected = "declares ABI version 99"
        default:
            path = "\(pluginDir)/libliaison-channel-absent.so"
            expected = "No such file"
        }
        d.config += """

            channels:
              bad:
                plugin: \(path)
                serves: [sms]
                config: {path: \(d.dir.path)/out.txt}
            """
        try d.config.write(toFile: d.configPath, atomically: true, encoding: .utf8)
        try d.start()
        let status = try d.pluginStatus("bad")
        #expect(status.state == "refused", "\(status)")
        #expect(status.reason.contains(expected), "\(status.reason)")
        #expect(try d.ctl("plugin", "list").out.contains(expected))
        // The daemon goes on: cases open, the message waits as a task-to-be.
        #expect(try d.ctl("case", "open", "accident", "--student", "2023010101", "--summary", "x").status == 0)
    }

    @Test func aCrashingPluginTakesOnlyItsHostDownAndTheMessageIsDeliveredOnce() throws {
        let d = try Daemon(channels: "")
        let pluginDir = try d.pluginDirectory()
        let plugin = try TestPlugin.compile(into: pluginDir, name: "libliaison-channel-crashy.so")
        let out = d.dir.appendingPathComponent("crashy.out").path
        let marker = d.dir.appendingPathComponent("crashed").path
        d.config += """

            channels:
              crashy:
                plugin: \(plugin)
                serves: [sms, wechat, qq, letter, staff]
                config: {path: \(out), marker: \(marker), crash_on: notify-parents:G20230101011}
                backoff_seconds: 1
            """
        try d.config.write(toFile: d.configPath, atomically: true, encoding: .utf8)
        try d.start()
        let c = try d.json(CaseRecord.self, "case", "open", "accident", "--student", "2023010101", "--summary", "x")
        let messages = try d.messages(["--case", c.id]) { ms in ms.count == 4 && ms.allSatisfy { $0.state == .sent } }
        #expect(messages.count == 4 && messages.allSatisfy { $0.state == .sent }, "\(messages.map { "\($0.id) \($0.state) \($0.note)" })")
        #expect(FileManager.default.fileExists(atPath: marker), "the plugin crashed once")
        let status = try d.json(PluginStatus.self, "plugin", "status", "crashy")
        #expect(status.state == "running" && status.restarts >= 1 && status.generation >= 2, "\(status)")
        // Delivered once: the plugin wrote the marked message exactly one time.
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let key = "notify:\(c.id):notify-parents:G20230101011"
        #expect(lines.filter { $0.hasPrefix(key + "\t") }.count == 1)
        #expect(lines.count == 4 && Set(lines.map { $0.split(separator: "\t")[0] }).count == 4)
        // Its history: the attempt that died with the host, then the one that went through.
        let marked = try #require(messages.first { $0.idempotencyKey == key })
        let shown = try d.json(MessageDetail.self, "message", "show", "\(marked.id)")
        #expect(shown.attempts.map(\.outcome) == ["unknown", "ok"], "\(shown.attempts)")
        #expect(shown.attempts[0].error.contains("killed by signal 6"))
        // The daemon never stopped.
        #expect(d.process?.isRunning == true && d.log.contains("restarts in"))
    }
}

/// `channel test` writes only to the channel's `test_recipients` (issue
/// 14.5): ops, who see no personal data, cannot use it to send any text to
/// any number. The outbox plugin writes a file per message it is given, so
/// an empty directory is proof that nothing reached the channel.
extension ChannelTests {
    func outboxFiles(_ d: Daemon) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: d.outboxDirectory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    @Test func channelTestSendsOnlyToTheListedRecipientsInAnyFormOfTheNumber() throws {
        let d = try Daemon(demo: false, channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory, extra: #"    test_recipients: ["13800138000", wx_ops_zhang]"#))
        try d.start()
        _ = try d.pluginStatus("outbox") { $0.state == "running" }

        // Not listed: refused as forbidden, naming the key and the channel, and nothing sent.
        for to in ["13900139000", "wx_2023010101_f", "138001380000"] {
            let refused = try d.ctl("channel", "test", "outbox", "--to", to, "--wait", "0")
            #expect(refused.status == 1 && refused.err.contains("not among channel outbox's test_recipients (")
                    && refused.err.contains("Nothing was sent"), "\(to): \(refused.out)\(refused.err)")
        }
        let json = try d.ctl("channel", "test", "outbox", "--to", "13900139000", "--json")
        #expect(json.status == 1 && json.out.contains("\"forbidden\""), "\(json.out)\(json.err)")
        #expect(outboxFiles(d).isEmpty, "\(outboxFiles(d))")

        // Listed, written another way: the same number, so it goes.
        let o = try d.ctl("channel", "test", "outbox", "--to", "+86 138 0013 8000", "--json")
        #expect(o.status == 0, "\(o.out)\(o.err)")
        let r = try Wire.decoder().decode(ChannelTestResult.self, from: Data(o.out.utf8))
        #expect(r.outcome == "ok" && r.receipt == "delivered", "\(r)")
        let files = poll({ outboxFiles(d) }) { !$0.isEmpty }
        try #require(files.count == 1, "\(files)")
        let text = try String(contentsOfFile: "\(d.outboxDirectory)/\(files[0])", encoding: .utf8)
        #expect(text.contains("<+86 138 0013 8000>") && text.contains("Key: \(r.key)"), "\(text)")
        // A listed WeCom-style id, exactly as written.
        #expect(try d.ctl("channel", "test", "outbox", "--to", "wx_ops_zhang", "--wait", "0").status == 0)
        #expect(poll({ outboxFiles(d) }) { $0.count == 2 }.count == 2)
    }

    @Test func aChannelWithoutTestRecipientsRefusesEveryTestAndSaysHowToAddThem() throws {
        let d = try Daemon(demo: false, channels: "")
        try d.configure(Daemon.outbox(d.outboxDirectory))
        try d.start()
        _ = try d.pluginStatus("outbox") { $0.state == "running" }
        let refused = try d.ctl("channel", "test", "outbox", "--to", "13800138000", "--wait", "0")
        #expect(refused.status == 1 && refused.err.contains("channel outbox has no test_recipients (\(d.configPath):")
                && refused.err.contains("test_recipients: [\"13800138000\"]"), "\(refused.out)\(refused.err)")
        // --json carries the code for scripts.
        let json = try d.ctl("channel", "test", "outbox", "--to", "13800138000", "--json")
        #expect(json.status == 1 && json.out.contains("\"forbidden\""), "\(json.out)\(json.err)")
        #expect(outboxFiles(d).isEmpty, "\(outboxFiles(d))")
    }
}
