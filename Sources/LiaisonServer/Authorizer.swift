import LiaisonCore
import LiaisonEngine

/// The one place that decides who a connection is and what they may do.
/// Today: the Unix user maps to a staff record (root is the administrator),
/// and ops, who see no personal data (POLICY.md "Who the users are"), may
/// only greet. Scoping by role and by the students a person is responsible
/// for (PIPL Art. 51) grows here.
public struct Authorizer: Sendable {
    let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    public func identify(_ peer: PeerCredentials) throws -> Staff {
        let name = PeerCredentials.userName(uid: peer.uid)
        if peer.uid == 0 { return Staff.administrator }
        guard let name else {
            throw LiaisonError(.notALiaisonUser, "uid \(peer.uid) has no user name on this machine, so it is not a Liaison user")
        }
        guard let staff = try engine.staff(unixUser: name) else {
            throw LiaisonError(.notALiaisonUser,
                "Unix user \(name) (uid \(peer.uid)) is not a Liaison user; the Student Affairs Office adds staff with their unix_user in staff.csv (`liaisonctl roster import`)")
        }
        return staff
    }

    /// Methods anyone known may call without touching personal data.
    static let open: Set<String> = ["hello", "server.status", "clock.show", "rules.show", "plugin.list", "plugin.status"]
    /// Methods for running the service: ops and the administrator (ops
    /// deploy and check the channel plugins).
    static let operations: Set<String> = ["server.backup", "plugin.load", "plugin.unload", "plugin.reload", "channel.test"]

    /// Methods that change what every case is held to: the Student Affairs
    /// Office, which owns the procedures, and the administrator.
    static let rulesChanges: Set<String> = ["rules.apply"]
    /// A copy of the whole roster: the Student Affairs Office, which keeps
    /// the archives (P2.1.1), and the administrator.
    static let officeOnly: Set<String> = ["roster.export"]
    /// The audit log: who read, copied or changed whose data. The Student
    /// Affairs Office, which answers for the data (PIPL Art. 51, 56), and
    /// the administrator.
    static let auditors: Set<String> = ["audit.list", "audit.verify"]

    public func authorize(_ who: Staff, method: String) throws {
        if Self.auditors.contains(method) {
            guard who.role == .office || who.role == .admin else {
                throw LiaisonError(.forbidden, "\(method) shows who read and changed whose personal data, which is for the Student Affairs Office and the administrator; \(who.id) is \(who.role.rawValue)")
            }
            return
        }
        if Self.officeOnly.contains(method) {
            guard who.role == .office || who.role == .admin else {
                throw LiaisonError(.forbidden, "\(method) copies every student's and guardian's personal data, which is for the Student Affairs Office and the administrator; \(who.id) is \(who.role.rawValue)")
            }
            return
        }
        if Self.rulesChanges.contains(method) {
            guard who.role == .office || who.role == .admin else {
                throw LiaisonError(.forbidden, "\(method) changes the rules every case is held to, which is for the Student Affairs Office and the administrator; \(who.id) is \(who.role.rawValue). Show them the plan (liaisonctl rules plan)")
            }
            return
        }
        if Self.operations.contains(method) {
            guard who.role == .ops || who.role == .admin else {
                throw LiaisonError(.forbidden, "\(method) is for ops and the administrator; \(who.id) is \(who.role.rawValue)")
            }
            return
        }
        if who.role == .ops && !Self.open.contains(method) {
            throw LiaisonError(.forbidden, "\(who.id) has the ops role, which sees no personal data; \(method) needs a counselor, supervisor, office or admin account")
        }
    }
}
