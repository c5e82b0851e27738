import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    /// `retention.plan` and `retention.purge` (docs/RETENTION.md): the
    /// Student Affairs Office, which answers for the school's personal data
    /// and its deletion (PIPL Art. 47), and the administrator, who sets the
    /// periods in liaison.yaml. School-wide: the plan names students of
    /// every college. Ops, who see no personal data, and the people who
    /// answer for some students only, may not (docs/ACCESS.md says why).
    static func addRetention(_ r: inout Router, _ engine: Engine) {
        r.add(Method.retentionPlan, RetentionPlanParams.self,
              Access.office.because("it lists the school's students whose data a purge would remove")) { _, p in
            let limit = try pageLimit(p.limit, of: "students")
            return try engine.retentionPlan(after: nonEmpty(p.after), limit: limit)
        }
        r.add(Method.retentionPurge, Empty.self,
              Access.office.because("it deletes personal data whose retention period has ended, school-wide, for good")) { ctx, _ in
            try engine.purgeRetention(by: ctx.actor)
        }
    }
}
