import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore

extension Routes {
    /// `audit.list` and `audit.verify`: the Student Affairs Office, which
    /// answers for the data (PIPL Art. 51, 56), and the administrator.
    static func addAudit(_ r: inout Router, _ engine: Engine) {
        r.add(Method.auditList, AuditListParams.self, Access.office.because("it shows who read and changed whose personal data")) { ctx, p in
            let limit = try pageLimit(p.limit, of: "rows")
            if let after = p.after, after < 0 { throw LiaisonError.invalid("after \(after) is not a row number; pass the previous page's next") }
            let filter = AuditFilter(studentID: nonEmpty(p.student), actor: nonEmpty(p.staff),
                                     since: try instant(p.since, field: "since", engine), after: p.after, limit: limit)
            return try engine.auditLog(filter, by: ctx.actor)
        }
        r.add(Method.auditVerify, Empty.self, Access.office.because("it checks the record of who read and changed whose personal data")) { _, _ in try engine.verifyAudit() }
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return s
    }
}
