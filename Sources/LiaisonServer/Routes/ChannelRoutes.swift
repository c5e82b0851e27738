import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol
import LiaisonStore

extension Routes {
    static func addChannels(_ r: inout Router, _ engine: Engine, _ channels: (any ChannelControl)?) {
        @Sendable func control() throws -> any ChannelControl {
            guard let channels else { throw LiaisonError.conflict("this liaisond runs without channels (no channels: in its config)") }
            return channels
        }
        r.add(Method.pluginList, Empty.self, .anyone) { _, _ in channels?.statuses() ?? [] }
        r.add(Method.pluginStatus, PluginNameParams.self, .anyone) { _, p in try control().status(p.channel) }
        r.add(Method.pluginLoad, PluginNameParams.self, .operations) { _, p in try control().load(p.channel) }
        r.add(Method.pluginUnload, PluginNameParams.self, .operations) { _, p in try control().unload(p.channel) }
        r.add(Method.pluginReload, PluginNameParams.self, .operations) { _, p in try control().reload(p.channel) }
        r.add(Method.channelTest, ChannelTestParams.self, .operations) { _, p in
            guard !p.to.trimmingCharacters(in: .whitespaces).isEmpty else { throw LiaisonError.invalid("--to is empty: give the address the channel sends to (a phone number, a WeCom user id, …)") }
            guard !p.text.isEmpty else { throw LiaisonError.invalid("--text is empty") }
            return try control().test(p)
        }
        r.add(Method.messageList, MessageListParams.self, .filtered()) { ctx, p in
            var state: MessageState?
            if let s = p.state {
                guard let v = MessageState(rawValue: s) else {
                    throw LiaisonError.invalid("state \"\(s)\" is not a message state; use one of \(MessageState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                state = v
            }
            let list = try engine.messages(MessageFilter(caseID: p.caseID, state: state, scope: try engine.responsibility(of: ctx.actor),
                                                         limit: min(max(p.limit ?? 200, 1), 5000)))
            try engine.auditList(Method.messageList, by: ctx.actor, rows: list.count, filter: [p.caseID.map { "case=\($0)" }, p.state.map { "state=\($0)" }])
            return list
        }
        r.add(Method.messageShow, MessageShowParams.self, .studentRead) { ctx, p in
            let grant = try engine.checkMessageRead(p.id, for: ctx.actor, reason: p.reason, mayBreakGlass: ctx.mayBreakGlass)
            return try engine.messageDetail(p.id, by: ctx.actor, scope: grant.scope, reason: grant.reason)
        }
        r.add(Method.taskList, TaskListParams.self, .filtered()) { ctx, p in
            let list = try engine.tasks(caseID: p.caseID, scope: try engine.responsibility(of: ctx.actor))
            try engine.auditList(Method.taskList, by: ctx.actor, rows: list.count, filter: [p.caseID.map { "case=\($0)" }])
            return list
        }
        r.add(Method.messageReplies, MessageRepliesParams.self, .filtered()) { ctx, p in
            let limit = p.limit ?? 100
            guard (1...1000).contains(limit), (p.offset ?? 0) >= 0 else { throw LiaisonError.invalid("limit is 1 to 1000 and offset 0 or more") }
            let list = try engine.replies(unmatchedOnly: p.unmatched ?? false, caseID: p.caseID, scope: try engine.responsibility(of: ctx.actor),
                                          limit: limit, offset: p.offset ?? 0)
            try engine.auditList(Method.messageReplies, by: ctx.actor, rows: list.count,
                                 filter: [p.caseID.map { "case=\($0)" }, p.unmatched == true ? "unmatched" : nil])
            return list
        }
        r.add(Method.messagePlace, MessagePlaceParams.self, .student()) { ctx, p in
            try engine.checkCase(p.caseID, for: ctx.actor)
            return try engine.placeReply(p.reply, caseID: p.caseID, by: ctx.actor)
        }
    }
}
