import LiaisonCore
import Synchronization

/// Where a running daemon reads its rulebooks and message templates: the
/// config's `rules:` and `templates:`, as of the last start or reload. The
/// daemon installs from here at start, on SIGHUP, and on `rules apply`, so
/// what runs is always what the directory holds and a restart brings back
/// the same set.
public final class RuleSource: Sendable {
    let paths: Mutex<(rules: String, templates: String)>

    public init(rules: String, templates: String) { paths = Mutex((rules, templates)) }

    public var rulesDirectory: String { paths.withLock { $0.rules } }

    /// After a reload changed the directories.
    public func set(rules: String, templates: String) { paths.withLock { $0 = (rules, templates) } }

    /// Reads and checks both sets now; every problem with file:line:column.
    public func load() throws -> (rulebooks: [Rulebook], templates: TemplateLibrary) {
        let (rules, templates) = paths.withLock { $0 }
        let books = try RulebookLoader.load(directory: rules)
        return (books, try TemplateLoader.load(directory: templates, rulebooks: books))
    }
}
