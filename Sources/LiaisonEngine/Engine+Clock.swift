import Foundation
import LiaisonCore

extension Engine {
    /// Moves a virtual clock to `target`, firing every deadline due on the
    /// way at its own instant, in order, exactly as they would have fired.
    public func moveClock(to target: Date) throws -> Date {
        guard let clock = clock as? VirtualClock else {
            throw LiaisonError.conflict("liaisond runs on the system clock; clock advance and clock set need `clock: virtual` in its config (tests and rehearsals only)")
        }
        guard target >= clock.now() else {
            throw LiaisonError.invalid("the clock only moves forward (it is \(Event.timestamp(clock.now()))); deadlines already fired cannot be unfired")
        }
        while let next = try nextDeadline(), next.due <= target {
            if next.due > clock.now() { clock.set(next.due) }
            try fireDueDeadlines()
        }
        clock.set(target)
        try store.write { try $0.setVirtualNow(target) }
        notifyCommitObservers()  // messages waiting for this time (retries, quiet hours)
        return target
    }
}
