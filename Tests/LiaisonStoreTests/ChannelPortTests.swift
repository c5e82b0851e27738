import Foundation
import Synchronization
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// The engine sends through the ChannelPort (Core) that liaisond attaches:
/// a recording port stands where the dispatcher would. A commit that
/// queues messages tells it, and what it says the channels can prove
/// decides, at a case's opening, whether the counselor must phone at once.
@Suite struct ChannelPortTests {
    final class RecordingPort: ChannelPort {
        let told = Mutex(0)
        let can: ChannelAbilities
        init(_ can: ChannelAbilities) { self.can = can }
        func outboxChanged() { told.withLock { $0 += 1 } }
        var abilities: ChannelAbilities { can }
    }

    func engine(_ port: RecordingPort?) throws -> Engine {
        let (store, _) = try temporaryStore()
        let engine = Engine(store: store, clock: VirtualClock(start: SchoolCalendar().parse("2026-11-30 09:00")!))
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        if let port { engine.attach(channels: port) }
        return engine
    }

    func callTasks(_ e: Engine, _ caseID: String) throws -> [PersonTask] {
        try e.tasks(caseID: caseID).filter { $0.kind == "phone-call" && $0.stepID == "notify-parents" }
    }

    @Test func anOpeningTellsThePortAndAChannelThatProvesSparesTheCall() throws {
        // The demo father prefers WeChat, the mother the phone, then SMS.
        let port = RecordingPort(ChannelAbilities(receipts: ["sms", "wechat"]))
        let e = try engine(port)
        let before = port.told.withLock { $0 }
        let c = try e.openCase(kind: .accident, studentID: "2023010101", summary: "摔伤", occurredAt: nil, by: .administrator)
        #expect(port.told.withLock { $0 } > before, "the opening queued notices and said so")
        #expect(try e.outbox(caseID: c.id).filter { $0.stepID == "notify-parents" }.count == 2)
        #expect(try callTasks(e, c.id).isEmpty, "receipts on SMS and WeChat can prove the notice")
    }

    @Test func channelsThatProveNothingSendTheCounselorToThePhoneAtOnce() throws {
        for port in [RecordingPort(ChannelAbilities(receipts: ["staff"])), nil] {
            let e = try engine(port)
            let c = try e.openCase(kind: .accident, studentID: "2023010101", summary: "摔伤", occurredAt: nil, by: .administrator)
            let tasks = try callTasks(e, c.id)
            #expect(tasks.count == 1 && tasks[0].assignee == c.counselorID, "\(port == nil ? "no port" : "a port proving nothing on these routes"): \(tasks)")
        }
    }
}
