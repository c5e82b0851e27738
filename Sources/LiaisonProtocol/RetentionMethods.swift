import LiaisonCore

/// Retention (issue 14.6; PIPL Art. 19, 47; docs/RETENTION.md).
extension Method {
    /// What a purge now would remove: `RetentionPlan`.
    public static let retentionPlan = "retention.plan"
    /// Removes now what is due: `RetentionPurgeResult`.
    public static let retentionPurge = "retention.purge"
}

/// `retention.plan`: a page of the students with data due, by id.
public struct RetentionPlanParams: Codable, Sendable {
    /// 1–1000 students, 100 when absent.
    public var limit: Int?
    /// The previous page's `next`: students after this id.
    public var after: String?
    public init(limit: Int? = nil, after: String? = nil) { self.limit = limit; self.after = after }
}
