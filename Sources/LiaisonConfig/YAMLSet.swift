import Foundation
import LiaisonCore

/// A directory of YAML files read as one set (rulebooks, message templates):
/// every problem in every file is collected, each with file:line:column,
/// then the set is checked as a whole; one problem refuses the whole set.
enum YAMLSet {
    /// `missing`: the message when the directory is not there; `what`: the
    /// set's name in the refusal ("the rulebooks").
    static func load<T>(directory: String, missing: String, what: String, parse: (YAMLNode) throws -> T,
                        check: ([T]) -> [String]) throws -> [T] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LiaisonError.invalid("\(directory): \(missing)")
        }
        let files = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var items: [T] = []
        var problems: [String] = []
        for name in files {
            do {
                items.append(try parse(YAMLNode.load(path: (directory as NSString).appendingPathComponent(name))))
            } catch let e as LiaisonError {
                problems.append(e.message)
                problems += e.details
            }
        }
        if problems.isEmpty { problems = check(items) }
        guard problems.isEmpty else {
            throw LiaisonError.invalid("\(what) in \(directory) have \(problems.count) problem\(problems.count == 1 ? "" : "s"); none was loaded:",
                                       details: problems)
        }
        return items
    }
}
