import Foundation
import LiaisonCore
import Yams

/// A YAML node together with the file it came from, so that every complaint
/// about it, syntax or meaning, names file:line:column.
public struct YAMLNode {
    public let node: Node
    public let file: String

    /// Reads and parses a YAML file; a missing file or a syntax error becomes
    /// an `invalid_input` error that names the place.
    public static func load(path: String) throws -> YAMLNode {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot be read (check its permissions)" : "does not exist"
            throw LiaisonError.invalid("\(path): the config file \(why)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LiaisonError.invalid("\(path): is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw LiaisonError.invalid("\(file):1:1: the file is empty")
            }
            return YAMLNode(node: node, file: file)
        } catch let error as YamlError {
            throw LiaisonError.invalid(describe(error, file: file))
        }
    }

    static func describe(_ error: YamlError, file: String) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "\(file):\(mark.line):\(mark.column): YAML syntax: \(problem)\(ctx)"
        case let .reader(problem, offset, _, _):
            return "\(file): YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")"
        default:
            return "\(file): YAML: \(error)"
        }
    }

    public var place: String {
        let m = node.mark
        return "\(file):\(m?.line ?? 1):\(m?.column ?? 1)"
    }

    public func error(_ message: String) -> LiaisonError {
        LiaisonError.invalid("\(place): \(message)")
    }

    /// The keys of a mapping, checked against the allowed ones.
    public func mapping(allowed: [String], what: String) throws -> [String: YAMLNode] {
        guard let map = node.mapping else { throw error("\(what) must be a mapping of keys to values") }
        var out: [String: YAMLNode] = [:]
        for (k, v) in map {
            let key = YAMLNode(node: k, file: file)
            guard let name = k.string else { throw key.error("a key must be a plain word") }
            guard allowed.contains(name) else {
                throw key.error("unknown key \"\(name)\" in \(what); the keys are \(allowed.joined(separator: ", "))")
            }
            if out[name] != nil { throw key.error("key \"\(name)\" appears twice") }
            out[name] = YAMLNode(node: v, file: file)
        }
        return out
    }

    public func string(_ key: String) throws -> String {
        guard let s = node.scalar?.string, !s.isEmpty else { throw error("\(key) must be a non-empty text value") }
        return s
    }

    public func int(_ key: String) throws -> Int {
        guard let i = node.int else { throw error("\(key) must be a whole number") }
        return i
    }

    public func sequence(_ key: String) throws -> [YAMLNode] {
        guard let seq = node.sequence else { throw error("\(key) must be a list") }
        return seq.map { YAMLNode(node: $0, file: file) }
    }

    /// A list of plain words, written `[a, b]` or one per line.
    public func strings(_ key: String) throws -> [String] {
        try sequence(key).map { try $0.string(key) }
    }

    public func bool(_ key: String) throws -> Bool {
        guard let b = node.bool else { throw error("\(key) must be true or false") }
        return b
    }
}

extension YAMLNode {
    /// The node as JSON text (a plugin's `config:`): true/false, numbers and
    /// null stay typed, every other scalar is a string.
    public func jsonText() throws -> String {
        switch node {
        case let .scalar(s):
            if s.style == .plain {
                if let b = node.bool { return b ? "true" : "false" }
                if node.null != nil { return "null" }
                if let i = node.int { return "\(i)" }
                if let d = node.float, d.isFinite { return "\(d)" }
            }
            var out = ""
            FlatJSON.appendString(s.string, to: &out)
            return out
        case let .mapping(m):
            var parts: [String] = []
            for (k, v) in m {
                guard let name = k.string else { throw YAMLNode(node: k, file: file).error("a key must be a plain word") }
                var key = ""
                FlatJSON.appendString(name, to: &key)
                parts.append(key + ":" + (try YAMLNode(node: v, file: file).jsonText()))
            }
            return "{" + parts.joined(separator: ",") + "}"
        case let .sequence(seq):
            return "[" + (try seq.map { try YAMLNode(node: $0, file: file).jsonText() }).joined(separator: ",") + "]"
        case .alias:
            throw error("aliases are not allowed here")
        }
    }
}
