import LiaisonCore
import LiaisonEngine

/// Who a connection is: the Unix user maps to a staff record (root is the
/// Unix superuser, `Staff.administrator`: it passes every role check and
/// answers for every student, docs/ACCESS.md). What they may do is declared with each method
/// (`Router.add`'s `Access`) and whose data they see is their
/// `Responsibility` (issue 14).
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
}
