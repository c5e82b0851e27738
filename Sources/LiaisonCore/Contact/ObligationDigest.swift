import Foundation

/// The daily digest a counselor gets through their staff channel (issue
/// 16.3, P2.2.1, P3.1): the term's counts, the most overdue first (at most
/// five, by name and class: the counselor's own students), and where to see
/// the rest. Nil when nothing is owed: no digest is sent that says nothing.
public enum ObligationDigest {
    public static let topic = "obligation-digest"
    public static let shown = 5

    public static func text(_ page: ObligationPage, soon: Int, withinDays: Int) -> String? {
        guard page.overdue + page.due > 0 else { return nil }
        var lines = ["【家校联系提醒】\(page.today)，本学期（\(page.term)）：逾期 \(page.overdue) 人，待联系 \(page.due) 人（其中 \(withinDays) 天内到期 \(soon) 人），已联系 \(page.done) 人。"]
        let urgent = page.obligations.filter { $0.status != .done }.prefix(shown)
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
