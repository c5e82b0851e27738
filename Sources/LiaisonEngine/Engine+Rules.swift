import LiaisonCore

extension Engine {
    /// Installs a validated set of rulebooks (at start and on reload).
    public func setRulebooks(_ books: [Rulebook], templates library: TemplateLibrary? = nil) {
        rulebooks.withLock { $0 = Dictionary(books.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a }) }
        if let library { templates.withLock { $0 = library } }
    }

    /// True once `book`'s version is known to be stored; marks it so.
    /// (Marking before the commit is harmless: a pin that rolls back is
    /// retried by the next install, and openCase's pin is idempotent.)
    func isPinned(_ book: Rulebook) -> Bool {
        pinnedVersions.withLock { !$0.insert("\(book.kind.rawValue)#\(book.version)").inserted }
    }

    public func rulebook(_ kind: CaseKind) throws -> Rulebook {
        guard let book = rulebooks.withLock({ $0[kind] }) else {
            throw LiaisonError.notFound("no rulebook for \(kind.rawValue) is loaded; check the rules directory in the daemon config")
        }
        return book
    }
}
