import Foundation
import LiaisonCore
import PropertyBased
import Testing

/// The delivery rules without a process (issue 15.2): every path the
/// channel integration tests drive through a plugin, decided as values.
@Suite struct DeliveryPolicyTests {
    static let calendar = SchoolCalendar()
    /// 2026-12-01 10:00 school time (UTC+8): outside quiet hours.
    static let day = Date(timeIntervalSince1970: 1_796_090_400)
    static let quiet = QuietHours.default

    static func message(_ routes: [(String, String)], urgent: Bool = false, purpose: MessagePurpose = .caseNotice, at: Date = day) -> Message {
        Message(purpose: purpose, caseID: purpose.hasCase ? "C2026-0001" : "", stepID: purpose.hasCase ? "notify-parents" : "",
                recipientRole: "guardian", recipientID: "G1", recipientName: "张建国", topic: "incident-notice", urgent: urgent,
                fields: [:], routes: routes.map { MessageRoute(via: $0.0, address: $0.1) }, body: "…", idempotencyKey: "notify:C:S:G1",
                createdAt: at)
    }

    static func channel(_ name: String, _ serves: [String], _ state: DeliveryChannel.State = .running, retries: Int = 3,
                        quiet: QuietHours? = nil, tokenAt: Date? = nil) -> DeliveryChannel {
        DeliveryChannel(name: name, serves: serves, state: state, retries: retries, backoff: 10, quietHours: quiet, tokenAt: tokenAt,
                        ratePerMinute: tokenAt == nil ? 0 : 60)
    }

    func next(_ m: inout Message, _ channels: [DeliveryChannel], at now: Date = day) -> DeliveryAction {
        DeliveryPolicy.next(&m, channels: channels, now: now, calendar: Self.calendar.calendar, format: Self.calendar.format)
    }

    @Test func aDueMessageGoesByTheFirstRouteARunningChannelServes() {
        var m = Self.message([("wechat", "wx_zhang"), ("sms", "13800138000")])
        let a = next(&m, [Self.channel("kannel", ["sms"]), Self.channel("wecom", ["wechat"])])
        #expect(a == .send(channel: "wecom", route: MessageRoute(via: "wechat", address: "wx_zhang")))
        #expect(m.state == .sending && m.channel == "wecom" && m.routeIndex == 0)
    }

    @Test(arguments: [DeliveryChannel.State.refused, .failed, .stopped])
    func aRouteWhoseChannelCannotCarryIsPassedOver(_ state: DeliveryChannel.State) {
        var m = Self.message([("wechat", "wx_zhang"), ("sms", "13800138000")])
        let a = next(&m, [Self.channel("wecom", ["wechat"], state), Self.channel("kannel", ["sms"])])
        #expect(a == .send(channel: "kannel", route: MessageRoute(via: "sms", address: "13800138000")))
        #expect(m.routeIndex == 1 && m.attempts == 0)
    }

    @Test(arguments: [DeliveryChannel.State.starting, .restarting])
    func aChannelNotRunningYetHoldsTheMessageForIt(_ state: DeliveryChannel.State) {
        var m = Self.message([("sms", "13800138000")])
        let a = next(&m, [Self.channel("kannel", ["sms"], state)])
        #expect(a == .wait(until: Self.day.addingTimeInterval(2), note: m.note, heldFor: "kannel"))
        #expect(m.state == .pending && m.note.contains("kannel is \(state.rawValue)"))
    }

    @Test func routesNoChannelServesAndNoRoutesAtAllGoToAPerson() {
        var phoneOnly = Self.message([("phone", "0571-88888888")])
        #expect(next(&phoneOnly, [Self.channel("kannel", ["sms"])]) == .giveToPerson(why: "no channel serves phone"))
        #expect(phoneOnly.state == .failed && phoneOnly.note.contains("phone-call task"))
        var none = Self.message([])
        #expect(next(&none, [Self.channel("kannel", ["sms"])]) == .giveToPerson(why: "the recipient has no address on record"))
    }

    @Test func aStaffNoticeThatCannotGoIsFailedWithoutATask() {
        var m = Self.message([("staff", "13900139000")], purpose: .staffNotice)
        #expect(next(&m, []) == .giveToPerson(why: "no channel serves staff"))
        #expect(m.state == .failed && !m.note.contains("task") && m.caseID.isEmpty)
        #expect(!MessagePurpose.staffNotice.fallsToPerson && MessagePurpose.caseNotice.fallsToPerson && MessagePurpose.escalation.fallsToPerson)
    }

    @Test func routineMessagesWaitOutQuietHoursAndUrgentOnesDoNot() {
        // 23:30 school time.
        let night = Self.day.addingTimeInterval(13.5 * 3600)
        var routine = Self.message([("sms", "13800138000")], at: night)
        guard case let .wait(until, _, held) = next(&routine, [Self.channel("kannel", ["sms"], quiet: Self.quiet)], at: night) else {
            Issue.record("a routine message at 23:30 should wait"); return
        }
        #expect(held == nil && Self.calendar.format(until).hasSuffix("07:00") && routine.nextAt == until && routine.note.contains("quiet hours 22:00-07:00"))
        var urgent = Self.message([("sms", "13800138000")], urgent: true, at: night)
        #expect(next(&urgent, [Self.channel("kannel", ["sms"], quiet: Self.quiet)], at: night) == .send(channel: "kannel", route: urgent.routes[0]))
    }

    /// A letter wakes nobody: a routine formal notice at 23:30 is printed
    /// at once on a channel with quiet hours (CI's night run once held the
    /// formal-notice letters till 07:00), while an SMS on it waits.
    @Test func aLetterIsNotHeldByQuietHours() {
        let night = Self.day.addingTimeInterval(13.5 * 3600)
        let channels = [Self.channel("outbox", ["sms", "letter"], quiet: Self.quiet)]
        var letter = Self.message([("letter", "云南省丽江市古城区 1 号")], at: night)
        #expect(next(&letter, channels, at: night) == .send(channel: "outbox", route: letter.routes[0]))
        var sms = Self.message([("sms", "13800138000")], at: night)
        guard case .wait = next(&sms, channels, at: night) else { Issue.record("a routine SMS at 23:30 should wait"); return }
    }

    @Test func aRateLimitedChannelKeepsTheMessageDueUntilItsToken() {
        var m = Self.message([("sms", "13800138000")], urgent: true)
        let token = Self.day.addingTimeInterval(0.5)
        #expect(next(&m, [Self.channel("kannel", ["sms"], tokenAt: token)]) == .wait(until: token, note: m.note, heldFor: nil))
        #expect(m.nextAt == Self.day && m.state == .pending && m.note.contains("rate limit"))
        var bucket = TokenBucket(perMinute: 60)
        var taken = 0
        while bucket.take(Self.day) { taken += 1 }
        #expect(taken == 60 && bucket.nextToken(after: Self.day) == Self.day.addingTimeInterval(1))
        let later = bucket.take(Self.day.addingTimeInterval(1))
        #expect(later)
    }

    @Test func temporaryFailuresBackOffDoublingThenFallBack() {
        var m = Self.message([("sms", "13800138000"), ("letter", "杭州市…")])
        let sms = Self.channel("kannel", ["sms"], retries: 3)
        _ = next(&m, [sms])
        var delays: [TimeInterval] = []
        var now = Self.day
        for _ in 0..<2 {
            guard case let .wait(until, _, _) = DeliveryPolicy.afterFailure(&m, status: .temporary, error: "503", channel: sms, channelFailed: false,
                                                                            now: now, jitter: 1, format: Self.calendar.format) else {
                Issue.record("a temporary failure below the retries should wait"); return
            }
            delays.append(until.timeIntervalSince(now))
            now = until
            #expect(m.state == .pending && m.routeIndex == 0)
            m.state = .sending
        }
        #expect(delays == [10, 20])
        let last = DeliveryPolicy.afterFailure(&m, status: .temporary, error: "503", channel: sms, channelFailed: false, now: now, jitter: 1,
                                               format: Self.calendar.format)
        #expect(last == .wait(until: now, note: "3 attempts on kannel failed; the last: 503", heldFor: nil))
        #expect(m.routeIndex == 1 && m.attempts == 0 && m.state == .pending)
    }

    @Test func backoffIsCappedAtAnHour() {
        var m = Self.message([("sms", "13800138000")])
        m.attempts = 20
        m.state = .sending
        let sms = Self.channel("kannel", ["sms"], retries: 50)
        guard case let .wait(until, _, _) = DeliveryPolicy.afterFailure(&m, status: .unknown, error: "host died", channel: sms, channelFailed: false,
                                                                        now: Self.day, jitter: 1.2, format: Self.calendar.format) else {
            Issue.record("should retry"); return
        }
        #expect(until.timeIntervalSince(Self.day) == DeliveryPolicy.maxBackoff && m.note.contains("unknown outcome"))
    }

    @Test func aRefusalOrAnUnknownOnAFailedChannelFallsBackAtOnce() {
        let sms = Self.channel("kannel", ["sms"])
        var refused = Self.message([("sms", "13800138000"), ("wechat", "wx")])
        refused.state = .sending
        _ = DeliveryPolicy.afterFailure(&refused, status: .permanent, error: "invalid number", channel: sms, channelFailed: false, now: Self.day,
                                        jitter: 1, format: Self.calendar.format)
        #expect(refused.routeIndex == 1 && refused.note == "kannel refused it for good: invalid number")
        var crashed = Self.message([("sms", "13800138000")])
        crashed.state = .sending
        let a = DeliveryPolicy.afterFailure(&crashed, status: .unknown, error: "killed", channel: sms, channelFailed: true, now: Self.day,
                                            jitter: 1, format: Self.calendar.format)
        guard case let .giveToPerson(why) = a else { Issue.record("the last route failed: a person"); return }
        #expect(why.contains("crashing again and again") && crashed.state == .failed)
    }

    @Test func receiptsDeliverOnceAndAFailedOneFallsBack() {
        #expect(DeliveryPolicy.receipt("delivered", detail: "", channel: "kannel", state: .sent) == .delivered)
        #expect(DeliveryPolicy.receipt("delivered", detail: "", channel: "kannel", state: .sending) == .delivered)
        #expect(DeliveryPolicy.receipt("delivered", detail: "", channel: "kannel", state: .delivered) == DeliveryPolicy.ReceiptEffect.none)
        #expect(DeliveryPolicy.receipt("failed", detail: "absent subscriber", channel: "kannel", state: .sent)
            == .fallBack(why: "kannel reports it failed: absent subscriber"))
        #expect(DeliveryPolicy.receipt("rejected", detail: "", channel: "kannel", state: .delivered) == DeliveryPolicy.ReceiptEffect.none)
        #expect(DeliveryPolicy.receipt("failed", detail: "", channel: "kannel", state: .pending) == DeliveryPolicy.ReceiptEffect.none)
    }

    @Test func messagesThatAreNotDueForTheDispatcherHaveNothingToDo() {
        for state in [MessageState.sending, .sent, .delivered, .failed] {
            var m = Self.message([("sms", "1")])
            m.state = state
            #expect(next(&m, [Self.channel("kannel", ["sms"])]) == .done)
        }
    }

    // MARK: the property

    /// One message driven through random channel states, send results and
    /// receipts: the policy never hands it to a channel while a send is in
    /// flight (one key, one send at a time), every state but sent,
    /// delivered and failed has a next action, a failed message went to a
    /// person exactly once, and it ends within its routes × retries sends.
    @Test func noMessageIsSentTwiceAtOnceNorLeftWithoutANextAction() async {
        let vias = ["sms", "wechat", "letter", "phone", "qq"]
        let states = DeliveryChannel.State.allCases
        await propertyCheck(count: 400, input: Gen.int(in: 0...4).array(of: 0...4), Gen.int(in: 0...1_000_000).array(of: 40...120),
                            Gen.bool) { routeVias, script, urgent in
            var m = Self.message(routeVias.enumerated().map { (vias[$0.element], "addr\($0.offset)") }, urgent: urgent)
            var channels = [Self.channel("kannel", ["sms"], retries: 2, quiet: Self.quiet),
                            Self.channel("wecom", ["wechat"], retries: 3), Self.channel("letter", ["letter"], retries: 1)]
            var now = Self.day
            var inFlight = false
            var people = 0
            var sends = 0
            for r in script {
                // The world moves: a channel changes state now and then.
                if r % 7 == 0 { channels[r % 3].state = states[(r / 7) % states.count] }
                switch m.state {
                case .pending:
                    if m.nextAt > now { now = m.nextAt }
                    let action = next(&m, channels, at: now)
                    switch action {
                    case .send:
                        #expect(!inFlight, "sent again while its send was in flight")
                        #expect(m.state == .sending)
                        inFlight = true
                        sends += 1
                    case let .wait(until, _, _):
                        #expect(m.state == .pending && until >= now)
                        now = max(now, until).addingTimeInterval(1)
                    case .giveToPerson:
                        #expect(m.state == .failed)
                        people += 1
                    case .done:
                        Issue.record("a pending message has no next action")
                    }
                case .sending:
                    #expect(inFlight)
                    inFlight = false
                    let status = SendStatus.allCases[r % SendStatus.allCases.count]
                    let ch = channels.first { $0.name == m.channel }
                    let action = DeliveryPolicy.afterFailure(&m, status: status, error: "e", channel: ch, channelFailed: ch?.state == .failed,
                                                             now: now, jitter: 0.8 + Double(r % 5) / 10, format: Self.calendar.format)
                    switch action {
                    case .done: #expect(status == .ok && m.state == .sent)
                    case .wait: #expect(m.state == .pending)
                    case .giveToPerson: #expect(m.state == .failed); people += 1
                    case .send: Issue.record("a result never sends by itself")
                    }
                case .sent:
                    let kind = ["delivered", "failed", "rejected"][r % 3]
                    switch DeliveryPolicy.receipt(kind, detail: "", channel: m.channel, state: m.state) {
                    case .delivered: m.state = .delivered
                    case let .fallBack(why):
                        if case .giveToPerson = DeliveryPolicy.fallBack(&m, why: why, now: now) { people += 1 }
                    case .none: Issue.record("a receipt on a sent message changes it")
                    }
                case .delivered, .failed:
                    #expect(next(&m, channels, at: now) == .done)
                }
                #expect(people <= 1, "given to a person twice")
                #expect(m.state != .failed || people == 1, "failed without a person")
            }
            // Each send either moves to the next route or counts an attempt on this one.
            #expect(sends <= max(1, m.routes.count) * 3 + m.routes.count)
        }
    }
}
