import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore

extension Routes {
    /// `key.status` and `key.rotate` (issue 14.4): running the service. Ops
    /// and the administrator handle the key and never see what it seals:
    /// the results are key ids and counts.
    static func addKeys(_ r: inout Router, _ engine: Engine, _ keys: DataKeys?) {
        @Sendable func need() throws -> DataKeys {
            guard let keys else { throw LiaisonError(.unavailable, "this liaisond was started without a data key service") }
            return keys
        }
        r.add(Method.keyStatus, Empty.self, Access.operations.because("the data key is the service's; its status holds no personal data")) { _, _ in
            try need().status()
        }
        r.add(Method.keyRotate, Empty.self, Access.operations.because("the data key is the service's; rotating it shows no personal data")) { ctx, _ in
            let rotation = try need().rotate()
            try engine.audit(.keyRotate, by: ctx.actor, scope: .school,
                             detail: "\(rotation.newKey ? "new key" : "key") \(rotation.current); \(rotation.resealed) rows re-sealed"
                                + (rotation.retired.isEmpty ? "" : "; retired \(rotation.retired.joined(separator: ", "))"))
            return rotation
        }
    }
}
