import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    /// `whoami` for everyone; the staff, their roles and classes for the office and the administrator (issue 14.1).
    static func addStaff(_ r: inout Router, _ engine: Engine, _ table: AccessTable) {
        r.add(Method.whoami, Empty.self, .anyone) { ctx, _ in
            let me = ctx.actor
            let scope = try engine.responsibility(of: me).summary
                + (me.isSuperuser ? " (the Unix superuser: every method, since it holds the database, its key and the files)" : "")
            return WhoAmIResult(staff: me, responsibility: scope, classes: try engine.classes(of: me),
                                may: table.methods(for: me))
        }
        r.add(Method.staffList, StaffListParams.self, Access.office.because("it lists every member of staff and their roles")) { _, p in
            let limit = try pageLimit(p.limit, of: "staff")
            var role: StaffRole?
            if let text = p.role {
                guard let v = StaffRole(text: text) else { throw LiaisonError.invalid("\"\(text)\" is not a role; use one of \(StaffRole.usageList)") }
                role = v
            }
            let page = try engine.staffPage(role: role, college: p.college, after: p.after, limit: limit)
            return StaffPage(staff: page.staff, total: page.total, next: page.next)
        }
        r.add(Method.staffShow, IDParams.self, Access.office.because("it shows a member of staff's role and classes")) { _, p in
            let s = try engine.requireStaff(p.id)
            return StaffDetail(staff: s, classes: try engine.classes(of: s), responsibility: try engine.responsibility(of: s).summary,
                               assignments: try engine.assignments(of: s))
        }
    }
}

/// The routes' declared access, for `whoami` (filled once the table is built).
final class AccessTable: @unchecked Sendable {
    private var access: [String: Access] = [:]
    private let lock = NSLock()

    func set(_ a: [String: Access]) { lock.withLock { access = a } }

    func methods(for who: Staff) -> [String] {
        lock.withLock { access.filter { $0.value.allows(who) }.keys.sorted() }
    }
}
