import Foundation
import LiaisonCore
import LiaisonStore

extension Engine {
    /// Installs the message templates (start, SIGHUP). Checked against the
    /// running rulebooks: a step whose topic has no template is refused.
    public func installTemplates(_ library: TemplateLibrary) throws {
        let problems = library.problems(rulebooks: Array(rulebooks.withLock { $0.values }))
        guard problems.isEmpty else { throw LiaisonError.invalid("the message templates do not fit the rulebooks:", details: problems) }
        templates.withLock { $0 = library }
    }

    public var templateLibrary: TemplateLibrary { templates.withLock { $0 } }

    /// The school's name and short name for new messages (start, SIGHUP).
    public func installSchool(_ name: SchoolName) { schoolName.withLock { $0 = name } }

    public var school: SchoolName { schoolName.withLock { $0 } }

    /// Everything a template may ask about a case; each template keeps only
    /// its topic's fields (the rest never reach the message row).
    func messageValues(_ c: CaseRecord, _ student: Student, stepID: String, _ tx: any StoreReader, now: Date) throws -> [String: String] {
        let counselor = try tx.staff(c.counselorID)
        let rule = try? pinnedRulebook(c, tx).step(stepID)
        let due = c.steps.first { $0.id == stepID }?.due
        let school = self.school
        return [
            MessageField.studentName.rawValue: student.name, MessageField.studentID.rawValue: student.id,
            MessageField.college.rawValue: student.college, MessageField.className.rawValue: student.className,
            MessageField.counselorName.rawValue: counselor?.name ?? c.counselorID,
            MessageField.counselorPhone.rawValue: PhoneNumber.display(counselor?.phone ?? ""),
            MessageField.caseID.rawValue: c.id, MessageField.kindName.rawValue: c.kind.chineseName,
            MessageField.stepID.rawValue: stepID, MessageField.stepTitle.rawValue: rule?.title ?? stepID,
            MessageField.due.rawValue: due.map { calendar.format($0) } ?? "",
            MessageField.overdueBy.rawValue: due.map { now >= $0 ? Lateness.text(now.timeIntervalSince($0)) : "" } ?? "",
            MessageField.schoolName.rawValue: school.fullName(college: student.college),
            MessageField.schoolShortName.rawValue: school.signature(college: student.college),
            MessageField.summary.rawValue: c.summary,
        ]
    }

    /// A message row for one recipient: only the topic's fields are kept,
    /// and the default text is rendered for `message list`.
    func makeMessage(_ purpose: MessagePurpose, topic: String, c: CaseRecord, stepID: String, role: String, recipientID: String, recipientName: String,
                     values: [String: String], routes: [MessageRoute], key: String, urgent: Bool? = nil, now: Date) throws -> Message {
        guard let template = templateLibrary[topic] else {
            throw LiaisonError(.internal, "no template for message topic \(topic); the templates directory must have one")
        }
        let allowed = Set(template.fields.map(\.rawValue))
        let kept = values.filter { allowed.contains($0.key) }
        return Message(purpose: purpose, caseID: c.id, stepID: stepID, recipientRole: role, recipientID: recipientID, recipientName: recipientName,
                       topic: topic, urgent: urgent ?? template.urgent, fields: kept, routes: routes,
                       body: template.render(channel: "default", values: kept).body, idempotencyKey: key, createdAt: now)
    }

    /// The step's message to every guardian (P2.2.3), each along the
    /// guardian's preferred channels. No guardian on record: a task for the
    /// counselor, at once.
    ///
    /// A topic that goes by letter only (`channels: [letter]`, the formal
    /// notices of P2.2.2) is one letter a household: the guardians at one
    /// postal address are addressed together (张建国、刘芳), the message's
    /// recipient id lists them (`G1+G2`) and so does its key
    /// (`notify:CASE:STEP:G1+G2`); a guardian without an address has a
    /// message of their own, which falls to a phone call (issue 12). Other
    /// topics stay one message a guardian: each parent's own phone or chat.
    func notifyGuardians(caseID: String, stepID: String, topic: String, _ tx: any StoreWriter, now: Date, known: Known? = nil) throws {
        let known = known?.c.id == caseID ? known : nil
        guard let c = try known?.c ?? tx.caseRecord(caseID), let student = try known?.student ?? tx.student(c.studentID) else { return }
        let values = try messageValues(c, student, stepID: stepID, tx, now: now)
        let guardians = try known?.guardians ?? tx.guardians(ofStudent: student.id)
        let template = templateLibrary[topic]
        // Urgency is the case kind's (P2.2.3): an accident's notice goes at
        // 23:00, a study-aversion notice waits for the morning.
        let urgent = try? pinnedRulebook(c, tx).urgent
        if guardians.isEmpty {
            try tx.record(PersonTask(caseID: c.id, stepID: stepID, messageID: nil, assignee: c.counselorID, kind: "phone-call",
                                     text: "学生 \(student.name)（\(student.id)）没有登记家长联系方式，请设法联系家长并补登（\(topic)）。", createdAt: now))
            return
        }
        let households = template?.lettersOnly == true ? Household.group(guardians) : guardians.map { Household(guardians: [$0], address: $0.address) }
        var reachable: [(Guardian, [MessageRoute])] = []
        for h in households {
            var v = values
            v[MessageField.guardianName.rawValue] = h.names
            v[MessageField.relation.rawValue] = h.relations
            let routes = Self.routes(for: h, template: template)
            let m = try makeMessage(.caseNotice, topic: topic, c: c, stepID: stepID, role: "guardian", recipientID: h.recipientID, recipientName: h.names,
                                    values: v, routes: routes, key: "notify:\(c.id):\(stepID):\(h.recipientID)",
                                    urgent: urgent ?? nil, now: now)
            try tx.enqueue(m)
            for g in h.guardians { reachable.append((g, m.routes)) }
        }
        try callAtOnceIfNothingCanProve(c, student, stepID: stepID, reachable, tx, now: now)
    }

    /// A household's routes: one guardian's own, kept to the topic's
    /// channels; several guardians' (a letter-only topic): the letter to
    /// their one address, then each one's phone for the person who calls
    /// when the letter cannot go.
    static func routes(for h: Household, template: MessageTemplate?) -> [MessageRoute] {
        guard h.guardians.count > 1 else {
            let own = routes(for: h.guardians[0])
            return template?.allowed(own) ?? own
        }
        var out = [MessageRoute(via: ContactChannel.letter.rawValue, address: h.address)]
        for g in h.guardians {
            for r in routes(for: g) where r.via == ContactChannel.phone.rawValue && !out.contains(r) { out.append(r) }
        }
        return out
    }

    /// A mandatory notification that no channel can prove for any guardian
    /// (a landline only, a channel without receipts or replies, nothing at
    /// all) sends the counselor to the phone at once, with the numbers,
    /// instead of hours later when every channel has failed (issue 12).
    func callAtOnceIfNothingCanProve(_ c: CaseRecord, _ student: Student, stepID: String, _ reachable: [(Guardian, [MessageRoute])],
                                     _ tx: any StoreWriter, now: Date) throws {
        guard let rule = try? pinnedRulebook(c, tx).step(stepID), rule.mandatory, rule.notifiesParents, rule.evidence < .inPerson else { return }
        let can = abilities
        if reachable.contains(where: { _, routes in routes.contains { can.proves(rule.evidence, via: $0.via) } }) { return }
        let whom = reachable.map { g, routes in
            let ways = routes.map(\.via).filter { $0 != "phone" }
            return "\(g.relation) \(g.name) \(g.phone.isEmpty ? "（无电话）" : PhoneNumber.display(g.phone))" + (ways.isEmpty ? "" : "（\(ways.joined(separator: "、")) \(rule.evidence == .delivered ? "无法确认送达" : "收不到家长回复")）")
        }
        try tx.record(PersonTask(caseID: c.id, stepID: stepID, messageID: nil, assignee: c.counselorID, kind: "phone-call",
                                 text: "\(rule.title)：没有任何渠道能证明家长已收到（需要\(rule.evidence.name)），请立即电话联系 \(whom.joined(separator: "；"))，"
                                     + "并记录：liaisonctl case step \(c.id) \(stepID) --guardian … --outcome spoke", createdAt: now))
    }

    /// A guardian's addresses in their order of preference; channels they
    /// have an address for but did not rank come after, then a phone call.
    static func routes(for g: Guardian) -> [MessageRoute] {
        var order = g.preference
        for ch in [ContactChannel.wechat, .sms, .qq, .letter, .phone] where !order.contains(ch) { order.append(ch) }
        return order.flatMap { ch in g.addresses(for: ch).map { MessageRoute(via: ch.rawValue, address: $0) } }
    }

    func escalationMessages(caseID: String, stepID: String, level: Int, target: EscalationTarget, _ tx: any StoreWriter, now: Date) throws {
        guard let c = try tx.caseRecord(caseID), let student = try tx.student(c.studentID) else { return }
        let recipients: [Staff]
        switch target {
        case .counselor: recipients = try tx.staff(c.counselorID).map { [$0] } ?? []
        case .supervisor: recipients = try tx.staff(role: .supervisor, college: student.college)
        case .office: recipients = try tx.staff(role: .office, college: nil)
        }
        let values = try messageValues(c, student, stepID: stepID, tx, now: now)
        for r in recipients.isEmpty ? [Staff(id: "", name: "学生工作部门", role: .office)] : recipients {
            let m = try makeMessage(.escalation, topic: "escalation", c: c, stepID: stepID, role: target.rawValue, recipientID: r.id, recipientName: r.name,
                                    values: values, routes: [MessageRoute(via: "staff", address: r.phone)],
                                    key: "escalation:\(caseID):\(stepID):\(level):\(r.id)", now: now)
            try tx.enqueue(m)
        }
    }

    public func messages(_ filter: MessageFilter) throws -> [Message] { try store.read { try $0.messages(filter) } }

    /// One message with its attempts, receipts and replies: a guardian's
    /// addresses and what was sent, so the read is recorded (`message.read`)
    /// under `scope` (nil: the actor's relation to the case's student) with
    /// `reason`, before it is returned.
    public func messageDetail(_ id: Int64, by actor: Staff, scope: AuditScope? = nil, reason: String = "") throws -> MessageDetail {
        let (detail, studentID, granted) = try store.read { tx -> (MessageDetail, String?, AuditScope) in
            guard let m = try tx.message(id) else { throw LiaisonError.notFound("no message \(id); `liaisonctl message list` shows the messages") }
            let studentID = m.caseID.isEmpty ? nil : try tx.caseRecord(m.caseID)?.studentID
            return (MessageDetail(message: m, attempts: try tx.attempts(messageID: id), receipts: try tx.receipts(messageID: id),
                                  replies: try tx.replies(messageID: id)),
                    studentID, try scope ?? relation(of: actor, toStudent: studentID, tx))
        }
        try audit(.messageRead, by: actor, student: studentID, case: detail.message.caseID.isEmpty ? nil : detail.message.caseID,
                  scope: granted, reason: reason, detail: "message \(id)")
        return detail
    }

    public func tasks(caseID: String?, scope: Responsibility = .school) throws -> [PersonTask] {
        try store.read { try $0.tasks(caseID: caseID, scope: scope) }
    }
}

extension Engine {
    /// Evidence that arrived through a channel (a receipt: delivered; a
    /// guardian's reply: acknowledged), in the caller's transaction. A step
    /// already done, or a closed case, takes nothing: the message is still
    /// recorded on its own. Returns whether evidence was recorded.
    @discardableResult
    /// `onlyIfCompleting`: evidence that cannot complete the step is not
    /// written (a delivered receipt on the in-person meeting's invitation).
    func recordChannelEvidence(_ tx: any StoreWriter, caseID: String, stepID: String, level: EvidenceLevel, channel: String,
                               note: String, now: Date, actor: String = "system", onlyIfCompleting: Bool = false) throws -> Bool {
        guard let c = try tx.caseRecord(caseID), c.state == .open,
              let s = c.steps.first(where: { $0.id == stepID }), [.pending, .overdue, .waiting].contains(s.status),
              let book = try? pinnedRulebook(c, tx),
              !onlyIfCompleting || book.step(stepID).map({ CaseSteps.completes($0, level) }) == true,
              let (events, effects) = try? CaseSteps.evidence(c, book: book, stepID: stepID, level: level, channel: channel, note: note,
                                                              actor: actor, now: now, calendar: calendar, extra: ["source": "channel"]) else { return false }
        let updated = try Projector.record(events, in: tx) ?? c
        try perform(effects, tx, now: now, known: Known(c: updated))
        return true
    }

    /// A letter message the `letter` route sent (spooled, and printed if
    /// the channel prints; `serial` is the channel's provider id): a
    /// `contact.logged` of kind letter by `system` for the student, naming
    /// the guardians the letter went to, in the caller's transaction (the
    /// dispatcher's outcome transaction, with the message marked sent).
    /// POLICY P2.2.1 (it counts among the term's contacts), P3.2 (recorded
    /// when done). Messages to staff and messages without a case or student
    /// record nothing.
    public func recordLetterContact(_ tx: any StoreWriter, message m: Message, serial: String, now: Date) throws {
        guard m.recipientRole == "guardian", let c = try tx.caseRecord(m.caseID), try tx.student(c.studentID) != nil else { return }
        var e = LetterContact.event(m, studentID: c.studentID, kind: c.kind, template: templateLibrary[m.topic], serial: serial,
                                    now: now, calendar: calendar)
        e.seq = try tx.append(e)
        try Projector.project(e, in: tx)
    }

    /// After a commit made outside the engine's own methods (the dispatcher's).
    public func didCommit() { committed() }
}

extension Engine {
    /// Parents' replies, newest first (`message replies`).
    public func replies(unmatchedOnly: Bool, caseID: String?, scope: Responsibility = .school, limit: Int, offset: Int) throws -> [InboundReply] {
        try store.read { try $0.replies(unmatchedOnly: unmatchedOnly, caseID: caseID, scope: scope, limit: limit, offset: offset) }
    }
}
