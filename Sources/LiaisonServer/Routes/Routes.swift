import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

/// The route table: every method the daemon answers, wired to the engine.
enum Routes {
    static func make(engine: Engine, info: ServerInfo, channels: (any ChannelControl)?) -> Router {
        let serverName = info.name
        var r = Router()
        let authorizer = Authorizer(engine: engine)
        r.add(Method.hello, HelloParams.self, .anyone) { ctx, p in
            guard p.protocolVersion == protocolVersion else {
                throw LiaisonError(.versionMismatch,
                    "this liaisond speaks protocol \(protocolVersion), the client \(p.protocolVersion); use the liaisonctl that came with this liaisond")
            }
            let user = try authorizer.identify(ctx.peer)
            ctx.user = user
            return HelloResult(protocolVersion: protocolVersion, server: serverName, user: user,
                               timeZone: engine.calendar.timeZone.identifier)
        }
        addRoster(&r, engine)
        addRosterExport(&r, engine)
        addStudents(&r, engine)
        addCases(&r, engine)
        addContacts(&r, engine)
        addServer(&r, engine, info, channels)
        addSteps(&r, engine)
        addChannels(&r, engine, channels)
        addAudit(&r, engine)
        addKeys(&r, engine, info.keys)
        addRetention(&r, engine)
        addCalendar(&r, engine)
        addObligations(&r, engine)
        let table = AccessTable()
        addStaff(&r, engine, table)
        table.set(r.access)
        // An attempt is recorded as much as an act; a refusal names no one's data.
        r.refused = { who, method, e in
            _ = try? engine.audit(.refused, by: who, scope: "refused", reason: e.message, detail: method)
        }
        return r
    }

    /// Reads a time typed by a person, in school time.
    static func instant(_ text: String?, field: String, _ engine: Engine) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let d = engine.calendar.parse(text) else {
            throw LiaisonError.invalid("\(field) \"\(text)\" is not a time; write 2026-11-28 22:40 (school time) or ISO 8601")
        }
        return d
    }
}

extension Routes {
    /// A list's page size: 100 unless asked, 1 to 1000 (every list pages explicitly).
    static func pageLimit(_ asked: Int?, of noun: String) throws -> Int {
        let limit = asked ?? 100
        guard (1...1000).contains(limit) else { throw LiaisonError.invalid("limit \(limit) is out of range; ask for 1 to 1000 \(noun) a page") }
        return limit
    }
}
