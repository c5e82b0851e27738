import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A case and the timeline of its events.")

    @Argument(help: "Case id, e.g. C2026-0001.") var id: String
    @Option(help: ArgumentHelp("Why you read this outside the students you answer for (break-glass, the office and administrators only).",
                                discussion: "A few words: who asked and why. Recorded in the audit log with scope break-glass, and the student's counselor and college supervisors are told who read what and why. For a student you answer for it is only recorded."))
    var reason: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.caseShow, ReadParams(id: id, reason: reason), as: CaseDetail.self) { d, display in
            let c = d.record
            var pairs = [("case", c.id), ("kind", display.kind(c.kind)), ("state", c.state.rawValue),
                         ("student", "\(c.studentID) \(d.student?.name ?? "") \(d.student?.className ?? "")"),
                         ("counselor", c.counselorID), ("occurred", display.time(c.occurredAt)),
                         ("opened", "\(display.time(c.openedAt)) by \(c.openedBy)"), ("summary", Self.purged(d) ?? c.summary),
                         ("policy", c.kind.policyIDs.joined(separator: ", "))]
            if let level = c.facts.sanctionLevel { pairs.append(("sanction", "\(level.chineseName) (\(level.rawValue))")) }
            if let effective = c.facts.effectiveAt { pairs.append(("effective", display.time(effective))) }
            if c.facts.unreachable { pairs.append(("warning", "no guardian could be reached by any channel or phone when it opened")) }
            if let t = c.facts.proposedTier, let s = d.student, s.tier.rank < t.rank {
                pairs.append(("proposed tier", "\(t.rawValue) \(t.chineseName); the student is \(s.tier.rawValue): `liaisonctl student tier \(s.id) --set \(t.rawValue) --reason TEXT`"))
            }
            if c.state == .closed {
                pairs.append(("closed", "\(display.time(c.closedAt)) by \(c.closedBy ?? "?")"))
                pairs.append(("resolution", Self.purged(d) ?? c.resolution ?? ""))
            }
            var steps = TextTable(["step", "status", "due", "set by", "left", "evidence", "escalations"])
            for s in c.steps {
                let left: String
                switch (s.status, s.due) {
                case (.done, _): left = s.lateSeconds.map { "done \(Duration.words($0)) late" } ?? "done on time"
                case (.waived, _), (.notApplicable, _): left = "—"
                case let (_, due?): let l = due.timeIntervalSince(d.now ?? Date()); left = l < 0 ? "OVERDUE \(Duration.words(l))" : Duration.words(l)
                default: left = "—"
                }
                let setBy = s.due == nil ? "—" : s.dueBy == "effective" ? "effective date" : "rulebook"
                steps.add([s.id, s.status.rawValue, display.time(s.due), setBy, left, s.evidence?.name ?? "—", "\(s.escalations)"])
            }
            let stepText = c.steps.isEmpty ? "" : "\n\nsteps (rulebook version \(c.rulebookVersion))\n" + steps.render()
            return display.fields(pairs) + stepText + "\n\ntimeline\n" + Self.timeline(d.events, display)
        }
    }

    /// `(purged: case_content 2029-07-01)` when a retention purge emptied the case's texts.
    static func purged(_ d: CaseDetail) -> String? {
        guard d.record.summary.isEmpty, let mark = d.events.first(where: { $0.type == .caseOpened })?.payload[RetentionCut.marker] else { return nil }
        return "(purged: \(mark), docs/RETENTION.md)"
    }

    static func timeline(_ events: [Event], _ display: Display) -> String {
        var t = TextTable(["when", "who", "event", "policy", "detail"])
        for e in events {
            // A retention purge emptied its texts (docs/RETENTION.md): say so.
            let cut = e.payload[RetentionCut.marker].map { " [purged: \($0)]" } ?? ""
            t.add([display.time(e.at), e.actor, e.type.rawValue, e.policy.joined(separator: ","), detail(e, display) + cut])
        }
        return t.render()
    }

    static func detail(_ e: Event, _ display: Display) -> String {
        switch e.type {
        case .caseOpened: return "occurred \(display.time(Event.parseTimestamp(e.payload["occurred_at"]))): \(e.payload["summary"] ?? "")"
        case .caseNoted: return e.payload["text"] ?? ""
        case .caseClosed:
            return (e.payload["resolution"] ?? "") + (e.payload["waived"].map { " (waived \($0): \(e.payload["reason"] ?? ""))" } ?? "")
        case .stepWaived: return "\(e.payload["step"] ?? "") waived: \(e.payload["reason"] ?? "")"
        case .stepEvidence:
            let p = e.payload
            var who = ""
            switch p["source"] {
            case "staff": who = "staff claim: " + [p["guardian_name"].flatMap { $0.isEmpty ? nil : $0 }, p["outcome"]].compactMap { $0 }.joined(separator: " ") + " → "
            case "channel": who = "channel: "
            default: break
            }
            return "\(p["step"] ?? ""): \(who)\(p["level"] ?? "") \(p["channel"] ?? "") \(p["note"] ?? "")"
        case .stepCompleted: return "\(e.payload["step"] ?? "") done" + (e.payload["late_seconds"].flatMap(Double.init).map { ", \(Duration.words($0)) late" } ?? "")
        case .deadlineMissed: return "\(e.payload["step"] ?? "") was due \(display.time(Event.parseTimestamp(e.payload["due"])))"
        case .escalationSent: return "\(e.payload["step"] ?? "") → \(e.payload["target"] ?? "")"
        case .meetingRecorded: return "met \(e.payload["with"] ?? "") at \(display.time(Event.parseTimestamp(e.payload["at"]))) \(e.payload["note"] ?? "")"
        default: return e.payload.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }
}
