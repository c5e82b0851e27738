import LiaisonClient

/// A page of a list as people read it: the table (or "no …"), then how many
/// of how many, and the option that shows the next page (issue 14: lists
/// page explicitly, never a silent cut).
func renderPage(_ table: TextTable, shown: Int, total: Int, noun: String, next: String?) -> String {
    let more = next.map { "; next page: --after \($0)" } ?? ""
    return (shown == 0 ? "no \(noun)" : table.render()) + "\n\(shown) of \(total) \(noun)\(more)"
}
