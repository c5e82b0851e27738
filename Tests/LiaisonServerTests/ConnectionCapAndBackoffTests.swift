import Testing
@testable import LiaisonServer

@Suite struct ConnectionCapTests {
    @Test func eachUserHasTheirOwnCapRootIncluded() {
        var cap = ConnectionCap(limit: 2)
        #expect(cap.admit(uid: 1001) == .admitted)
        #expect(cap.admit(uid: 1001) == .admitted)
        // The third is refused, and only the first refusal of a run is logged.
        #expect(cap.admit(uid: 1001) == .refused(firstOfBurst: true))
        #expect(cap.admit(uid: 1001) == .refused(firstOfBurst: false))
        // Nobody else is counted against 1001, and root is capped alike.
        #expect(cap.admit(uid: 1002) == .admitted)
        #expect(cap.admit(uid: 0) == .admitted)
        #expect(cap.admit(uid: 0) == .admitted)
        #expect(cap.admit(uid: 0) == .refused(firstOfBurst: true))
        #expect(cap.open == [1001: 2, 1002: 1, 0: 2] && cap.total == 5)
    }

    @Test func aClosedConnectionMakesRoomAndStartsANewBurst() {
        var cap = ConnectionCap(limit: 1)
        #expect(cap.admit(uid: 7) == .admitted)
        #expect(cap.admit(uid: 7) == .refused(firstOfBurst: true))
        cap.release(uid: 7)
        #expect(cap.open.isEmpty)
        #expect(cap.admit(uid: 7) == .admitted)
        #expect(cap.admit(uid: 7) == .refused(firstOfBurst: true))
        // A release with nothing open (never happens) changes nothing.
        cap.release(uid: 8)
        #expect(cap.open == [7: 1])
    }
}

@Suite struct AcceptBackoffTests {
    @Test func pausesDoubleToOneSecondAndABurstIsReportedOnce() {
        var b = AcceptBackoff()
        #expect(b.succeeded(now: 0) == nil)
        var pauses: [Int] = []
        var reports: [AcceptBackoff.Report] = []
        var now = 100.0
        for _ in 0..<10 {
            let (pause, report) = b.failed(now: now)
            pauses.append(pause)
            if let report { reports.append(report) }
            now += Double(pause) / 1000
        }
        #expect(pauses == [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000])
        #expect(reports == [.started])
        let end = b.succeeded(now: now)
        #expect(end == .recovered(failures: 10, seconds: now - 100))
        // The next failure starts a new burst from the shortest pause.
        let again = b.failed(now: now + 5)
        #expect(again.pauseMilliseconds == 10 && again.report == .started)
    }

    @Test func aLongBurstIsRemindedOfOnceAMinute() {
        var b = AcceptBackoff()
        var reports: [AcceptBackoff.Report] = []
        // One failure a second for three minutes and a bit.
        for second in 0...185 {
            if let r = b.failed(now: Double(second)).report { reports.append(r) }
        }
        #expect(reports == [.started, .continuing(failures: 61, seconds: 60), .continuing(failures: 121, seconds: 120),
                            .continuing(failures: 181, seconds: 180)])
        #expect(b.succeeded(now: 186) == .recovered(failures: 186, seconds: 186))
    }
}
