import ArgumentParser

@main
struct LiaisonCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liaisonctl",
        abstract: "Drive liaisond, the home-school contact daemon: cases, contacts, the roster.",
        discussion: """
            Talks to liaisond over its control socket: --socket, else $LIAISON_SOCKET, else /run/liaison/liaison.sock.
            Every command that prints data takes --json; with --json a failure is {"error": {"code", "message", "details"}} \
            on stdout instead of a message on stderr.
            Exit codes: 0 done, 1 refused (the message says why), 2 bad usage, 3 the daemon cannot be reached (or holds too many of your connections).
            """,
        subcommands: [WhoAmI.self, StaffCommand.self, RosterCommand.self, StudentCommand.self, CaseCommand.self, ContactCommand.self, Obligations.self, RulesCommand.self, Deadlines.self,
                      ClockCommand.self, CalendarCommand.self, Status.self, Backup.self, KeyCommand.self, AuditCommand.self, RetentionCommand.self, PluginCommand.self, ChannelCommand.self, MessageCommand.self, TaskCommand.self, LetterCommand.self,
                      GenerateManual.self])
}

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugin", abstract: "Channel plugins: state, load, unload, reload (ops).",
                                                    subcommands: [PluginList.self, PluginStatusCommand.self, PluginLoad.self, PluginUnload.self, PluginReload.self])
}

struct MessageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "message", abstract: "Messages to parents and staff and what became of them.",
                                                    subcommands: [MessageList.self, MessageShow.self, MessageReplies.self, MessagePlace.self])
}

struct ChannelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "channel", abstract: "Check a configured channel end to end.",
                                                    subcommands: [ChannelTest.self])
}

struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "task", abstract: "Tasks for people: phone calls when no channel delivered (P2.2.3).",
                                                    subcommands: [TaskList.self])
}

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Staff, their roles and classes (the office and the administrator).",
                                                    subcommands: [StaffList.self, StaffShow.self])
}

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roster", abstract: "Import and export the roster (P2.1.1).",
                                                    subcommands: [RosterImport.self, RosterExportCommand.self])
}

struct StudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "student", abstract: "Look up students and their guardians.",
                                                    subcommands: [StudentShow.self, StudentList.self, StudentTierCommand.self, StudentExportCommand.self])
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "case", abstract: "Incident cases (P2.2.3, P2.2.2, P1.5).",
                                                    subcommands: [CaseOpen.self, CaseList.self, CaseShow.self, CaseTimeline.self, CaseStep.self, CaseMeeting.self,
                                                                  CaseNote.self, CaseClose.self])
}

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contact", abstract: "Individual contacts with parents (P2.2.1, P3.2).",
                                                    subcommands: [ContactLog.self, ContactList.self])
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Incident rulebooks: validate, read, plan and apply them.",
                                                    subcommands: [RulesCheck.self, RulesShow.self, RulesPlan.self, RulesApply.self])
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "The data key personal data is sealed under: status and rotation (ops).",
                                                    subcommands: [KeyStatusCommand.self, KeyRotate.self])
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log: who read, copied or changed whose data (PIPL; office, administrator).",
                                                    subcommands: [AuditList.self, AuditVerify.self])
}

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retention", abstract: "Personal data kept no longer than needed: plan and run the purge (PIPL; office, administrator).",
                                                    subcommands: [RetentionPlanCommand.self, RetentionPurgeCommand.self])
}
