import Foundation

/// The fields a message may carry. A template's topic lists the ones it
/// allows; anything else is never put into its text (POLICY P2.2.3: parents
/// are told to get in touch, not what the diagnosis is).
public enum MessageField: String, CaseIterable, Sendable {
    case guardianName = "guardian_name", relation, studentName = "student_name", studentID = "student_id"
    case college, className = "class_name", counselorName = "counselor_name", counselorPhone = "counselor_phone"
    case caseID = "case_id", kindName = "kind_name", stepID = "step_id", stepTitle = "step_title", due
    /// The school in full (`school.name`), and its SMS signature
    /// (`school.short_name`, else the full name): parents' messages are
    /// signed by the school, not by a roster cell such as C01.
    case schoolName = "school_name", schoolShortName = "school_short_name"
    /// How late the step is when the message is made ("2小时5分钟"): escalations.
    case overdueBy = "overdue_by"
    /// What happened, as staff wrote it: may hold health details. Only
    /// channels in `MessageTemplate.sensitiveChannels` may carry it.
    case summary

    public var sensitive: Bool { self == .summary }
}

/// One topic's texts, one per channel (`default` serves the rest).
public struct MessageTemplate: Sendable, Equatable {
    public var topic: String
    public var policy: [String]
    /// Urgent messages (incidents, escalations) ignore quiet hours.
    public var urgent: Bool
    public var subject: String
    public var fields: [MessageField]
    /// Channel name (sms, wechat, letter, staff, …, or `default`) → text with `{field}` placeholders.
    public var texts: [String: String]
    /// The only guardian channels the topic may go by (a formal document goes
    /// by letter, P2.2.2); empty: any, in the guardian's order. A phone call
    /// by a person stays the last resort either way.
    public var channels: [String]
    /// What a letter of this topic is about, as a contact record counts it
    /// (`contact_topics:`; P2.2.1, P3.2: a letter sent is a contact of kind
    /// letter). Empty: the case kind's topic (`ContactTopic.of`).
    public var contactTopics: [ContactTopic]
    public var source: String

    /// Channels whose messages are sealed letters or staff-only: the only
    /// ones a sensitive field may appear in.
    public static let sensitiveChannels: Set<String> = ["letter", "staff"]

    public init(topic: String, policy: [String], urgent: Bool, subject: String, fields: [MessageField],
                texts: [String: String], channels: [String] = [], contactTopics: [ContactTopic] = [], source: String) {
        self.topic = topic; self.policy = policy; self.urgent = urgent; self.subject = subject
        self.fields = fields; self.texts = texts; self.channels = channels; self.contactTopics = contactTopics; self.source = source
    }

    /// A topic that goes by letter only (`channels: [letter]`: the formal
    /// notices of P2.2.2) is sent one letter a household, naming all the
    /// guardians at that address (`Household`), not one a guardian.
    public var lettersOnly: Bool { !channels.isEmpty && channels.allSatisfy { $0 == ContactChannel.letter.rawValue } }

    /// The guardian channels a topic may name in `channels:`.
    public static let guardianChannels = ["sms", "wechat", "qq", "letter"]

    /// `routes` kept to the topic's channels (in the guardian's order), then
    /// the phone call, last even for a guardian who prefers the phone.
    public func allowed(_ routes: [MessageRoute]) -> [MessageRoute] {
        guard !channels.isEmpty else { return routes }
        return routes.filter { channels.contains($0.via) } + routes.filter { $0.via == ContactChannel.phone.rawValue }
    }

    /// The placeholders a text uses, in order.
    public static func placeholders(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// What is wrong with this template; empty when it may be used.
    public func problems() -> [String] {
        var out: [String] = []
        for (channel, text) in texts.sorted(by: { $0.key < $1.key }) {
            for name in Self.placeholders(in: text) + Self.placeholders(in: subject) {
                guard let field = MessageField(rawValue: name) else {
                    out.append("\(source): topic \(topic), \(channel): {\(name)} is not a message field; the fields are \(MessageField.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                if !fields.contains(field) {
                    out.append("\(source): topic \(topic), \(channel): {\(name)} is not among the topic's fields (\(fields.map(\.rawValue).joined(separator: ", "))); add it to fields: only if this topic may carry it")
                }
                if field.sensitive && !Self.sensitiveChannels.contains(channel) {
                    out.append("\(source): topic \(topic), \(channel): {\(name)} may hold health or disciplinary details and goes only into \(Self.sensitiveChannels.sorted().joined(separator: " or ")) texts, never an SMS or chat message")
                }
            }
        }
        for c in channels where !Self.guardianChannels.contains(c) {
            out.append("\(source): topic \(topic): channels: \"\(c)\" is not a guardian channel; use some of \(Self.guardianChannels.joined(separator: ", "))")
        }
        if texts["default"] == nil { out.append("\(source): topic \(topic) needs a default: text for channels without their own") }
        return out
    }

    /// The text for `channel`, with the allowed fields filled in; fields the
    /// topic does not allow are never read from `values`.
    public func render(channel: String, values: [String: String]) -> (subject: String, body: String) {
        let text = texts[channel] ?? texts["default"] ?? ""
        return (fill(subject, values), fill(text, values))
    }

    /// `{name}` replaced by the value of an allowed field, by UTF-8 bytes
    /// (a brace is never part of a multi-byte character): walking the
    /// Chinese text by Characters was most of rendering's cost, and every
    /// message is rendered as it is queued and as it is sent.
    func fill(_ t: String, _ values: [String: String]) -> String {
        var t = t
        return t.withUTF8 { b -> String in
            guard b.contains(0x7B) else { return String(decoding: b, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 64)
            var i = 0
            while i < b.count {
                guard b[i] == 0x7B, let close = b[(i + 1)...].firstIndex(of: 0x7D) else {
                    out.append(b[i]); i += 1; continue
                }
                let name = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<close]), as: UTF8.self)
                if fields.contains(where: { $0.rawValue == name }), let v = values[name] { out.append(contentsOf: v.utf8) }
                i = close + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Every topic, by name.
public struct TemplateLibrary: Sendable, Equatable {
    public var templates: [String: MessageTemplate]
    public init(_ templates: [MessageTemplate] = []) {
        self.templates = Dictionary(templates.map { ($0.topic, $0) }, uniquingKeysWith: { a, _ in a })
    }
    public subscript(topic: String) -> MessageTemplate? { templates[topic] }

    /// Problems in the set, and topics rulebooks ask for that it lacks.
    public func problems(rulebooks: [Rulebook]) -> [String] {
        var out = templates.values.sorted { $0.topic < $1.topic }.flatMap { $0.problems() }
        for book in rulebooks {
            for step in book.steps {
                if let topic = step.message, templates[topic] == nil {
                    out.append("\(step.source): step \(step.id) sends message topic \(topic), which has no template in the templates directory")
                }
            }
        }
        if templates["escalation"] == nil { out.append("the templates directory has no escalation topic (the message an overdue step sends up the chain)") }
        return out
    }
}
