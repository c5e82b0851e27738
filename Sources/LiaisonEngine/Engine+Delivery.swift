import Foundation
import LiaisonCore
import LiaisonStore

/// What becomes of a message when the channels are done with it, decided
/// here so the dispatcher only carries results: a person's phone call when
/// every route failed, and where a guardian's reply belongs.
extension Engine {
    /// Every route failed: the counselor is asked to phone (never a silent give-up).
    func callInstead(_ m: inout Message, why: String, _ tx: any StoreWriter, now: Date) throws {
        m.state = .failed
        m.note = "no channel could deliver it (\(why)); a phone-call task went to the counselor"
        let counselor = try tx.caseRecord(m.caseID)?.counselorID ?? ""
        // A household's letter carries each guardian's phone: name them all.
        var phones: [String] = []
        for r in m.routes where r.via == "sms" || r.via == "phone" || r.via == "staff" {
            let shown = PhoneNumber.display(r.address)  // as a person dials it
            if !phones.contains(shown) { phones.append(shown) }
        }
        let phone = phones.isEmpty ? "（无电话）" : phones.joined(separator: "、")
        // The step's call-at-once task (no channel could prove it at opening)
        // already names every guardian's number: one call, one task.
        if try tx.tasks(caseID: m.caseID).contains(where: { $0.stepID == m.stepID && $0.messageID == nil && $0.doneAt == nil && $0.assignee == counselor }) {
            m.note = "no channel could deliver it (\(why)); the step's phone-call task covers it"
            return
        }
        try tx.record(PersonTask(caseID: m.caseID, stepID: m.stepID, messageID: m.id, assignee: counselor, kind: "phone-call",
                                 text: "消息 \(m.id)（\(m.topic)）未能送达 \(m.recipientName)：\(why)。请电话联系 \(phone) 并在案件中记录。",
                                 createdAt: now))
        logger.warning("message \(m.id) of case \(m.caseID) could not be delivered on any channel; a phone-call task went to the counselor",
                       metadata: ["case_id": "\(m.caseID)", "message": "\(m.id)"])
    }

    /// A guardian's reply, placed by `ReplyPlacement`: on the one case whose
    /// latest send it answers ("acknowledged" on those messages' steps, and
    /// the counselor is told in their task list); when messages of two or
    /// more cases went to that number, on none, and each counselor gets a
    /// task to place it; when nothing went to it, unmatched. The sender's
    /// address never reaches the log.
    public func recordReply(_ tx: any StoreWriter, channel: String, from: String, text: String, now: Date) throws {
        let (guardians, sent) = try sentTo(from, tx)
        switch ReplyPlacement.place(sent, at: now) {
        case .unmatched:
            try tx.record(InboundReply(at: now, channel: channel, from: from, text: text, guardianID: guardians.first?.id ?? ""))
            logger.warning("channel \(channel): a reply matches no message sent in the last \(Int(ReplyPlacement.window / 3600)) h; kept unmatched (`liaisonctl message replies --unmatched`)")
        case let .answers(ms):
            let latest = ms[0]
            // A household's letter names several guardians: the one who wrote.
            let named = Household.guardianIDs(latest.recipientID)
            let who = guardians.first { named.contains($0.id) }
            let filed = try acknowledge(ms, tx, channel: channel, note: "\(who?.name ?? latest.recipientName)（\(who?.relation ?? "")）回复：\(text)",
                                        actor: "system", now: now)
            let id = try tx.record(InboundReply(at: now, channel: channel, from: from, text: text, guardianID: who?.id ?? latest.recipientID,
                                                caseID: filed.caseID, stepID: filed.stepID, messageID: filed.id))
            if let c = try tx.caseRecord(latest.caseID) {
                try tx.record(PersonTask(caseID: c.id, stepID: "reply:\(id)", messageID: filed.id, assignee: c.counselorID, kind: "reply",
                                         text: "\(who?.relation ?? "家长") \(who?.name ?? latest.recipientName) 回复（\(c.id)）：\(text)", createdAt: now))
            }
        case let .ambiguous(ms):
            let named = Household.guardianIDs(ms[0].recipientID)
            let id = try tx.record(InboundReply(at: now, channel: channel, from: from, text: text,
                                                guardianID: guardians.first { named.contains($0.id) }?.id ?? ms[0].recipientID))
            var cases: [CaseRecord] = []
            for m in ms { if let c = try tx.caseRecord(m.caseID) { cases.append(c) } }
            let choices = try cases.map { c in "\(c.id)（\(try tx.student(c.studentID)?.name ?? c.studentID)，\(c.kind.chineseName)）" }
            var told = Set<String>()
            for c in cases where told.insert(c.counselorID).inserted {
                try tx.record(PersonTask(caseID: c.id, stepID: "reply:\(id)", messageID: nil, assignee: c.counselorID, kind: "place-reply",
                                         text: "家长 \(ms[0].recipientName) 的回复「\(text)」可能针对 \(choices.joined(separator: " 或 "))，"
                                             + "请确认后归档：liaisonctl message place \(id) --case CASE", createdAt: now))
            }
            logger.notice("channel \(channel): reply \(id) could answer \(cases.count) cases; the counselors have a task to place it",
                          metadata: ["reply": "\(id)"])
        }
    }

    /// The guardians with this address (any of its written forms) and the
    /// messages lately sent to them: what a reply from it could answer.
    func sentTo(_ address: String, _ tx: any StoreReader) throws -> (guardians: [Guardian], sent: [Message]) {
        var guardians: [Guardian] = []
        for form in ReplyPlacement.addressForms(address) {
            for g in try tx.guardians(address: form) where !guardians.contains(where: { $0.id == g.id }) { guardians.append(g) }
        }
        var sent: [Message] = []
        for g in guardians { sent += try tx.recentMessages(toGuardian: g.id, limit: 20) }
        return (guardians, sent)
    }

    /// "Acknowledged" on the steps of one send, taken in the order its
    /// messages were made (the notice before the invitation), not by when
    /// each one's result came back; returns the message to file the reply
    /// under: the first whose step took it, else the latest.
    func acknowledge(_ ms: [Message], _ tx: any StoreWriter, channel: String, note: String, actor: String, now: Date) throws -> Message {
        var first: Message?
        var seen = Set<String>()
        for m in ms.sorted(by: { $0.id < $1.id }) where !m.stepID.isEmpty && seen.insert(m.stepID).inserted {
            if try recordChannelEvidence(tx, caseID: m.caseID, stepID: m.stepID, level: .acknowledged, channel: channel, note: note,
                                         now: now, actor: actor), first == nil {
                first = m
            }
        }
        return first ?? ms[0]
    }

    /// A person places a reply on the case it answers (after an ambiguous
    /// reply's task): "acknowledged" on the steps of that case's latest send
    /// to the number, recorded as the person's, and the reply's tasks done.
    public func placeReply(_ replyID: Int64, caseID: String, by actor: Staff) throws -> InboundReply {
        let now = clock.now()
        let placed = try store.write { tx -> InboundReply in
            guard var r = try tx.reply(replyID) else {
                throw LiaisonError.notFound("no reply \(replyID); `liaisonctl message replies --unmatched` lists them")
            }
            guard r.caseID.isEmpty else { throw LiaisonError.conflict("reply \(replyID) is already filed under case \(r.caseID)") }
            let sent = try sentTo(r.from, tx).sent
            let ms = ReplyPlacement.answers(in: caseID, sent)
            guard let latest = ms.first else {
                let cases = Set(sent.map(\.caseID)).sorted()
                throw LiaisonError.invalid("no message of case \(caseID) went to the number of reply \(replyID)"
                    + (cases.isEmpty ? "" : "; it could answer \(cases.joined(separator: ", "))"))
            }
            let filedUnder = try acknowledge(ms, tx, channel: r.channel, note: "\(latest.recipientName) 回复：\(r.text)（\(actor.id) 归档）",
                                             actor: actor.id, now: now)
            try tx.placeReply(replyID, caseID: caseID, stepID: filedUnder.stepID, messageID: filedUnder.id)
            try tx.closeReplyTasks(replyID: replyID, at: now)
            r.caseID = caseID; r.stepID = filedUnder.stepID; r.messageID = filedUnder.id
            // A household's letter names several guardians: keep the one who wrote.
            let named = Household.guardianIDs(latest.recipientID)
            if !named.contains(r.guardianID) { r.guardianID = named.first ?? latest.recipientID }
            return r
        }
        committed()
        return placed
    }
}
