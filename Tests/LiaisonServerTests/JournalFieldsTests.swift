import Logging
import Testing
@testable import LiaisonSystemd

@Suite struct JournalFieldsTests {
    @Test func fieldsAreNativeJournalFields() {
        let f = JournalFields.make(level: .warning, message: "多行\n消息", metadata: ["case_id": "C2026-0001", "message_id": "abc", "_trusted": "x", "9x": "y"],
                                   file: "LiaisonEngine/Engine.swift", function: "openCase()", line: 42, identifier: "liaisond")
        #expect(f == [
            "MESSAGE=多行\n消息", "PRIORITY=4", "CODE_FILE=LiaisonEngine/Engine.swift", "CODE_LINE=42", "CODE_FUNC=openCase()",
            "SYSLOG_IDENTIFIER=liaisond", "CASE_ID=C2026-0001", "MESSAGE_ID=abc",
        ])
    }

    @Test func levelsMapToSyslogPriorities() {
        #expect([Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(JournalFields.priority) == [7, 7, 6, 5, 4, 3, 2])
        #expect(JournalFields.fieldName("code-file") == "CODE_FILE")
        #expect(JournalFields.fieldName("_PID") == nil)
    }

    @Test func targetSelection() {
        #expect(DaemonLogging.journalWanted(env: ["LIAISON_LOG_TARGET": "journal"]))
        #expect(!DaemonLogging.journalWanted(env: ["LIAISON_LOG_TARGET": "stderr", "JOURNAL_STREAM": "1:1"]))
        #expect(!DaemonLogging.journalWanted(env: ["JOURNAL_STREAM": "0:0"]))
    }
}
