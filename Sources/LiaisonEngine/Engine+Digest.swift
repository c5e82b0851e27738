import Foundation
import LiaisonCore
import LiaisonStore

/// The daily obligation digest (issue 16.3): on each working day at
/// `obligations.digest_at` (school time), every counselor whose students
/// are owed a contact gets one staff message, under quiet hours like any
/// routine message. Its key, `digest:DAY:STAFF`, makes it one a day and
/// person, across restarts; a day the daemon was down is not caught up
/// (yesterday's counts are no use today).
extension Engine {
    public func installDigest(at time: DailyTime?) { digestAt.withLock { $0 = time } }

    /// Sends today's digests if their time has come and they have not gone;
    /// returns how many were queued.
    @discardableResult
    public func sendDailyDigestsIfDue() throws -> Int {
        guard let at = digestAt.withLock({ $0 }) else { return 0 }
        let now = clock.now()
        let slot = at.latest(atOrBefore: now, calendar: calendar)
        let day = calendar.day(of: slot)
        guard day == calendar.day(of: now), calendar.isWorkingDay(slot), digestDay.withLock({ $0 }) != day else { return 0 }
        let counselors = try store.read { try $0.staff(role: .counselor, college: nil) }
        var messages: [Message] = []
        for staff in counselors {
            let (term, _, all) = try obligationList(ObligationFilter(), scope: try responsibility(of: staff))
            guard let text = ObligationDigest.text(all, term: term.id, today: day, calendar: calendar) else { continue }
            messages.append(Message(purpose: .staffNotice, recipientRole: "counselor", recipientID: staff.id, recipientName: staff.name,
                                    topic: ObligationDigest.topic, urgent: false, fields: ["term": term.id, "day": day],
                                    routes: [MessageRoute(via: "staff", address: staff.phone)], body: text,
                                    idempotencyKey: "digest:\(day):\(staff.id)", createdAt: now))
        }
        // One write for the day's digests; a key already there (a restart) is left alone.
        let queued = try store.write { tx in try messages.filter { try tx.enqueue($0) != nil }.count }
        digestDay.withLock { $0 = day }
        if queued > 0 {
            outboxChanged()
            logger.notice("obligation digests for \(day): \(queued) counselors told", metadata: ["digest_day": "\(day)"])
        }
        return queued
    }
}
