import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonProtocol

extension Routes {
    /// The calendar holds no personal data: every role may read it, ops too.
    static func addCalendar(_ r: inout Router, _ engine: Engine) {
        r.add(Method.calendarShow, CalendarShowParams.self, .anyone) { _, p in
            try CalendarView(engine.calendar, now: engine.clock.now(), term: p.term)
        }
    }
}
