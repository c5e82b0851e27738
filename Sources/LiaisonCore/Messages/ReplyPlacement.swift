import Foundation

/// Where a guardian's reply belongs, pure (issue 12; docs/PLUGINS.md "Replies").
///
/// A reply answers the latest send to that number: the messages sent to it
/// within `window` before the reply, the most recent first. If they all
/// concern one case, the reply answers the latest send of that case (the
/// messages committed together with the latest one, such as a notice and an
/// invitation): "acknowledged" on those messages' steps. If they concern two
/// or more cases (the father of twins, each with a case), nobody can tell
/// which one he meant: the reply is kept, unplaced, and the counselors get a
/// task to place it (`liaisonctl message place`). Nothing sent within the
/// window, or an address no guardian has: unmatched, listed by
/// `message replies --unmatched`.
public enum ReplyPlacement: Equatable, Sendable {
    /// No message went to this address within the window.
    case unmatched
    /// The reply answers these messages (one case, one send), latest first.
    case answers([Message])
    /// These cases could be meant (latest first); the latest message of each.
    case ambiguous([Message])

    /// How far back a reply may answer: three days (a parent who reads the
    /// SMS on Monday about Friday's notice still answers it).
    public static let window: TimeInterval = 72 * 3600

    /// `sent`: the messages sent to the reply's address (to any guardian
    /// with it), in any order; only those sent within the window count.
    public static func place(_ sent: [Message], at now: Date, window: TimeInterval = window) -> ReplyPlacement {
        let recent = sent.filter { now.timeIntervalSince($0.updatedAt) <= window && !$0.caseID.isEmpty }
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        guard let latest = recent.first else { return .unmatched }
        var cases: [String] = []
        for m in recent where !cases.contains(m.caseID) { cases.append(m.caseID) }
        if cases.count > 1 {
            return .ambiguous(cases.compactMap { c in recent.first { $0.caseID == c } })
        }
        return .answers(recent.filter { $0.caseID == latest.caseID && $0.createdAt == latest.createdAt })
    }

    /// The stored forms of a sender's address: 13800000000, +8613800000000
    /// and 8613800000000 are one number; a WeChat or QQ id is itself.
    public static func addressForms(_ from: String) -> [String] {
        let digits = String(from.filter(\.isNumber))
        var forms = [from]
        // A WeChat id such as wx_13900000001 is not a phone number.
        guard digits.count >= 5, from.allSatisfy({ $0.isNumber || "+- ".contains($0) }) else { return forms }
        let national = digits.count == 13 && digits.hasPrefix("86") ? String(digits.dropFirst(2)) : digits
        for f in [national, "+86" + national, "86" + national] where !forms.contains(f) { forms.append(f) }
        return forms
    }

    /// For `message place`: the latest send of `caseID` among `sent`.
    public static func answers(in caseID: String, _ sent: [Message]) -> [Message] {
        let mine = sent.filter { $0.caseID == caseID }.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        guard let latest = mine.first else { return [] }
        return mine.filter { $0.createdAt == latest.createdAt }
    }
}
