import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

/// What a handler knows about the connection it serves.
public final class RequestContext: @unchecked Sendable {
    public let peer: PeerCredentials
    /// Set by a successful `hello`.
    public var user: Staff?
    /// Set when the answer being sent is the last: the connection closes
    /// after it (a `hello` refused with `not_a_liaison_user`).
    var hangUp = false
    /// Files sent with upload.begin/append, by upload id; they live as long
    /// as the connection.
    var uploads: [String: (name: String, bytes: [UInt8])] = [:]
    static let maxUploadBytes = 64 * 1024 * 1024
    /// The declared access of the request being answered (set by
    /// `Router.handle`): a handler asks it whether the caller may break
    /// the glass, so the route's declaration stays the one that decides.
    var access: Access?

    init(peer: PeerCredentials) { self.peer = peer }

    public var actor: Staff { user! }

    /// Whether this request's method lets the caller read a student out of
    /// scope with a reason (`Access.breakGlass`).
    var mayBreakGlass: Bool { access?.allowsBreakGlass(actor) ?? false }
}

/// One route table: method name → who may call it and how its result is
/// scoped (`Access`, declared with the method: nothing else decides), and a
/// handler that decodes its params, calls the engine and encodes the reply.
public struct Router: Sendable {
    typealias Handler = @Sendable (RequestContext, RequestID?, Data) throws -> [UInt8]
    var table: [String: Handler] = [:]
    public private(set) var access: [String: Access] = [:]
    /// Told of every refusal (`forbidden`) of a known user: the audit log
    /// records attempts too (issue 14.3), such as a staff import that
    /// would make its author administrator.
    var refused: (@Sendable (Staff, String, LiaisonError) -> Void)?

    public var methods: [String] { table.keys.sorted() }

    mutating func add<P: Decodable & SendableMetatype, R: Encodable & SendableMetatype>(_ method: String, _: P.Type, _ access: Access,
                                                                                      _ body: @escaping @Sendable (RequestContext, P) throws -> R) {
        precondition(table[method] == nil, "\(method) is routed twice")
        self.access[method] = access
        table[method] = { ctx, id, data in
            let params: P
            do {
                params = try Wire.decode(RequestParams<P>.self, from: data).params
            } catch let error as DecodingError {
                throw LiaisonError(.invalidParams, "\(method): \(Self.describe(error)); see docs/PROTOCOL.md")
            }
            return try Wire.frame(SuccessReply(id: id, result: try body(ctx, params)))
        }
    }

    /// One request of a greeted connection (or the greeting): the caller's
    /// role checked against the method's declared access, then the handler,
    /// which checks the student in scope where the method names one.
    public func handle(_ method: String, _ context: RequestContext, _ id: RequestID?, _ data: Data) throws -> [UInt8] {
        guard let handler = table[method] else {
            throw LiaisonError(.unknownMethod, "no method \"\(method)\"; the methods are \(methods.joined(separator: ", "))")
        }
        do {
            if let user = context.user { try access[method]!.check(user, method: method) }
            context.access = access[method]
            defer { context.access = nil }
            return try handler(context, id, data)
        } catch let e as LiaisonError where e.code == .forbidden {
            if let user = context.user { refused?(user, method, e) }
            throw e
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = (c.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, c): return "missing field \(path(c, key))"
        case let .typeMismatch(type, c): return "field \(path(c)) should be \(type)"
        case let .valueNotFound(type, c): return "field \(path(c)) is null but should be \(type)"
        case let .dataCorrupted(c): return c.codingPath.isEmpty ? "not a JSON request object" : "field \(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension Router {
    /// docs/ACCESS.md's table: each method, the roles that may call it and
    /// how its result is scoped, as the routes declare them (a test keeps
    /// the file equal to this).
    /// A role allowed on a student-scoped or filtered method but answering
    /// for no student (an administrator) is marked: `--reason` where it may
    /// read by break-glass only, `∅` where its list is always empty.
    public var accessMatrix: String {
        let roles = StaffRole.allCases
        var out = "| method | " + roles.map { "\($0.rawValue) \($0.chineseName)" }.joined(separator: " | ") + " | scope |\n"
        out += "|---|" + roles.map { _ in ":-:|" }.joined() + "---|\n"
        for m in methods {
            let a = access[m]!
            let cells = roles.map { role -> String in
                guard a.roles.contains(role) else { return "" }
                guard Responsibility.coversNoStudent(role), a.scope == .student || a.scope == .filtered else { return "✓" }
                return a.breakGlass.contains(role) ? "--reason" : a.scope == .filtered ? "∅" : "✓"
            }
            let scope = a.scope.rawValue + (a.breakGlass.isEmpty ? "" : ", break-glass")
            out += "| `\(m)` | " + cells.joined(separator: " | ") + " | \(scope) |\n"
        }
        return out
    }
}
