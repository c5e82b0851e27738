import Foundation

/// A letter the `letter` route sent (spooled as a PDF, printed if the
/// channel prints) is a contact with the parents of kind letter: POLICY
/// P2.2.1 counts every individual contact of the term, P2.1.2 names the
/// letter among the ways, P3.2 wants each recorded when done (issue 12).
/// Recorded by `system` in the transaction that marks the message sent.
public enum LetterContact {
    /// The `contact.logged` event for a letter message `m` to a student's
    /// guardians. `guardian` is the message's recipient id (`G1+G2` for a
    /// household's letter: one letter, one contact, every guardian it named).
    /// The summary names the letter's subject, topic, case and serial, never
    /// its text: a formal notice's body may hold the sanction.
    public static func event(_ m: Message, studentID: String, kind: CaseKind?, template: MessageTemplate?, serial: String,
                             now: Date, calendar: SchoolCalendar) -> Event {
        let topics = template.map(\.contactTopics).flatMap { $0.isEmpty ? nil : $0 } ?? kind.map { [ContactTopic.of($0)] } ?? [.feedback]
        var policy = [Policy.termContact, Policy.records, Policy.channels]
        for p in (template?.policy ?? []) + topics.map(\.policyID) where !policy.contains(p) { policy.append(p) }
        let subject = template?.render(channel: ContactChannel.letter.rawValue, values: m.fields).subject ?? ""
        let summary = "寄出信函" + (subject.isEmpty ? "" : "《\(subject)》") + "（\(m.topic)，案件 \(m.caseID)），编号 \(serial.isEmpty ? "—" : serial)"
        return Event(at: now, actor: "system", type: .contactLogged, studentID: studentID, policy: policy, payload: [
            "guardian": m.recipientID, "channel": ContactChannel.letter.rawValue,
            "topics": topics.map(\.rawValue).joined(separator: ","), "summary": summary, "feedback": "",
            "contacted_at": Event.timestamp(now), "term": calendar.term(containing: now),
            "case": m.caseID, "message": "\(m.id)", "serial": serial, "source": "letter",
        ])
    }
}

extension ContactTopic {
    /// What a case of this kind is about, as a contact counts it.
    public static func of(_ kind: CaseKind) -> ContactTopic {
        switch kind {
        case .accident, .suddenIllness, .psychologicalCrisis: .wellbeing
        case .studyAversion, .suspension, .withdrawal: .study
        case .sanction: .sanction
        case .fraudVictim: .fraud
        }
    }
}
