import Foundation
import LiaisonCore
import LiaisonClient
import LiaisonProtocol

/// How data looks to a person: times in school time, names in Chinese
/// beside the ids.
struct Display {
    let calendar: SchoolCalendar

    init(hello: HelloResult) {
        calendar = SchoolCalendar(timeZone: TimeZone(identifier: hello.timeZone) ?? TimeZone(identifier: "Asia/Shanghai")!)
    }

    func time(_ d: Date?) -> String { d.map(calendar.format) ?? "—" }

    /// `key: value` lines, keys aligned by display width.
    func fields(_ pairs: [(String, String)]) -> String {
        let w = pairs.map { displayWidth($0.0) }.max() ?? 0
        return pairs.map { k, v in k + String(repeating: " ", count: w - displayWidth(k)) + "  " + v }.joined(separator: "\n")
    }

    func kind(_ k: CaseKind) -> String { "\(k.rawValue) \(k.chineseName)" }
}
