import Foundation
import LiaisonCore

/// Reads Config/templates/messages/*.yaml: one file per topic (docs/PLUGINS.md,
/// "Templates"). Like rulebooks, every problem in every file is reported,
/// each with file:line:column, and one problem refuses the whole set.
public enum TemplateLoader {
    public static func load(directory: String, rulebooks: [Rulebook]) throws -> TemplateLibrary {
        let dir = (directory as NSString).appendingPathComponent("messages")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw LiaisonError.invalid("\(dir): the message templates directory does not exist (templates: in the config names its parent)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        var templates: [MessageTemplate] = []
        var problems: [String] = []
        for name in files {
            do { templates.append(try parse(YAMLNode.load(path: (dir as NSString).appendingPathComponent(name)))) } catch let e as LiaisonError {
                problems.append(e.message)
            }
        }
        let library = TemplateLibrary(templates)
        if problems.isEmpty { problems = library.problems(rulebooks: rulebooks) }
        guard problems.isEmpty else {
            throw LiaisonError.invalid("the message templates in \(dir) have \(problems.count) problem\(problems.count == 1 ? "" : "s"); none was loaded:",
                                       details: problems)
        }
        return library
    }

    public static func parse(_ root: YAMLNode) throws -> MessageTemplate {
        let top = try root.mapping(allowed: ["topic", "policy", "urgent", "subject", "fields", "text"], what: "a message template")
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
        return MessageTemplate(topic: try topicNode.string("topic"), policy: try top["policy"]?.strings("policy") ?? [],
                               urgent: try top["urgent"]?.bool("urgent") ?? false, subject: try top["subject"]?.string("subject") ?? "",
                               fields: fields, texts: texts, source: root.place)
    }
}
