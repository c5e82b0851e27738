/// What the configured channels can prove, as the dispatcher last saw them:
/// the contact channels (`sms`, `wechat`, …) a running channel serves, and
/// whether its plugin reports delivery receipts or guardians' replies.
/// The engine reads it at a case's opening to know whether a mandatory
/// notification can be proven at all (issue 12), without knowing plugins.
public struct ChannelAbilities: Sendable, Equatable {
    /// Served by a channel whose plugin reports delivery receipts.
    public var receipts: Set<String>
    /// Served by a channel whose plugin passes guardians' replies.
    public var replies: Set<String>
    /// Served by a channel whose host has not said yet (starting): counted
    /// as able, so that a daemon starting up does not send staff to the
    /// phone for every case.
    public var unknown: Set<String>

    public init(receipts: Set<String> = [], replies: Set<String> = [], unknown: Set<String> = []) {
        self.receipts = receipts; self.replies = replies; self.unknown = unknown
    }

    /// Can a message on `via` produce evidence at `level`? A phone call or a
    /// visit is a person's work, never a channel's proof.
    public func proves(_ level: EvidenceLevel, via: String) -> Bool {
        if unknown.contains(via) { return true }
        switch level {
        case .attempted, .delivered: return receipts.contains(via) || replies.contains(via)
        case .acknowledged: return replies.contains(via)
        case .inPerson: return false
        }
    }
}
