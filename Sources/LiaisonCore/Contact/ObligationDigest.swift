import Foundation

/// The daily digest a counselor gets through their staff channel (issue
/// 16.3, P2.2.1, P3.1): the term's counts, the most overdue first (at most
/// five, by name and class: the counselor's own students), and where to see
/// the rest. Nil when nothing is owed: no digest is sent that says nothing.
public enum ObligationDigest {
    public static let topic = "obligation-digest"
    public static let shown = 5

    /// Owed within this many days: counted apart in the digest.
    public static let soonDays = 7

    /// The digest of one counselor's obligations (all of them, any order).
    public static func text(_ all: [Obligation], term: String, today: String, calendar: SchoolCalendar) -> String? {
        var soon = ObligationFilter()
        soon.dueWithinDays = soonDays
        soon.limit = shown
        let page = ObligationPage.make(all, filter: soon, term: term, today: today, calendar: calendar)
        guard page.overdue + page.due > 0 else { return nil }
        let dueSoon = page.total - page.overdue
        var lines = ["【家校联系提醒】\(today)，本学期（\(term)）：逾期 \(page.overdue) 人，待联系 \(page.due) 人（其中 \(soonDays) 天内到期 \(dueSoon) 人），已联系 \(page.done) 人。"]
        // Most urgent first: the overdue, then those owed soonest.
        let urgent = all.filter { $0.status != .done }.sorted(by: ObligationRule.urgency).prefix(shown)
        if !urgent.isEmpty {
            lines.append("最需联系：" + urgent.map { o in
                let missed = o.missedPeriods > 0 ? "，已缺 \(o.missedPeriods) 次" : ""
                return "\(o.studentName)（\(o.className)，\(o.tier.chineseName)，\(o.status.chineseName)，\(o.dueBy) 前\(missed)）"
            }.joined(separator: "；") + "。")
        }
        lines.append("全部名单：liaisonctl obligations（P2.2.1 每学期至少联系每位家长一次；P3.1 特殊、重点学生更频繁）。")
        return lines.joined(separator: "\n")
    }
}
