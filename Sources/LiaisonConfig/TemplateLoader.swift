import Foundation
import LiaisonCore

/// Reads Config/templates/messages/*.yaml: one file per topic (docs/PLUGINS.md,
/// "Templates"). Like rulebooks, every problem in every file is reported,
/// each with file:line:column, and one problem refuses the whole set.
public enum TemplateLoader {
    public static func load(directory: String, rulebooks: [Rulebook]) throws -> TemplateLibrary {
        TemplateLibrary(try YAMLSet.load(directory: (directory as NSString).appendingPathComponent("messages"),
                                         missing: "the message templates directory does not exist (templates: in the config names its parent)",
                                         what: "the message templates", parse: parse,
                                         check: { TemplateLibrary($0).problems(rulebooks: rulebooks) }))
    }

    public static func parse(_ root: YAMLNode) throws -> MessageTemplate {
        let top = try root.mapping(allowed: ["topic", "policy", "urgent", "subject", "fields", "text", "channels", "contact_topics"], what: "a message template")
        guard let topicNode = top["topic"] else { throw root.error("missing topic:") }
        var fields: [MessageField] = []
        for node in try top["fields"]?.sequence("fields") ?? [] {
            let name = try node.string("fields")
            guard let f = MessageField(rawValue: name) else {
                throw node.error("\"\(name)\" is not a message field; the fields are \(MessageField.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            fields.append(f)
        }
        guard let textNode = top["text"], let map = textNode.node.mapping else {
            throw root.error("text: must map channels (sms, wechat, letter, staff, default) to their text")
        }
        var texts: [String: String] = [:]
        for (k, v) in map {
            guard let channel = k.string else { throw YAMLNode(node: k, file: root.file).error("a channel name must be a plain word") }
            texts[channel] = try YAMLNode(node: v, file: root.file).string("text.\(channel)")
        }
        var contactTopics: [ContactTopic] = []
        for node in try top["contact_topics"]?.sequence("contact_topics") ?? [] {
            let name = try node.string("contact_topics")
            guard let t = ContactTopic(rawValue: name) else {
                throw node.error("contact_topics: \"\(name)\" is not a contact topic; use some of \(ContactTopic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            contactTopics.append(t)
        }
        return MessageTemplate(topic: try topicNode.string("topic"), policy: try top["policy"]?.strings("policy") ?? [],
                               urgent: try top["urgent"]?.bool("urgent") ?? false, subject: try top["subject"]?.string("subject") ?? "",
                               fields: fields, texts: texts, channels: try top["channels"]?.strings("channels") ?? [],
                               contactTopics: contactTopics, source: root.place)
    }
}
