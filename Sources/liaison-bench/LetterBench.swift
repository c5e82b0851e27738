import Foundation
import LetterRender

/// Letters rendered a second by the letter channel's renderer (pango, cairo,
/// an embedded Noto CJK subset): one letter per PDF as the plugin writes
/// them, and a campaign of many letters in one PDF as `letter batch` does.
func letterSection(dir: URL, rounds: Int) throws -> (lines: [String], json: [String: Double]) {
    let work = dir.appendingPathComponent("letters")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let texts: [String] = [
        "LJ01-2026-000012", "丽文旅家〔2026〕12号", "丽水文化旅游学院", "关于邀请您到校当面沟通的通知", "尊敬的张建国家长：",
        "为妥善处理张三同学的情况，学院诚邀您于2026年12月2日前到校当面沟通。\n请与辅导员王丽（13800000001）约定具体时间。学院将与您共同商定后续安排，感谢您的理解与支持。",
        "特此通知。", "丽水文化旅游学院学生工作处", "2026年11月29日", "（此处加盖学院公章）", "张建国", "浙江省丽水市莲都区人民街100号 323000",
    ]
    let strings = texts.map { strdup($0)! }
    defer { strings.forEach { free($0) } }
    let s = strings.map { UnsafePointer($0) }
    let one = letter(serial: s[0], doc_number: s[1], letterhead: s[2], title: s[3], addressee: s[4], body: s[5], closing: s[6],
                     issuer: s[7], date: s[8], seal: s[9], recipient_name: s[10], postal_address: s[11])
    var options = letter_options(font_family: nil, title_font_family: nil, duplex: 0)
    func render(_ items: [letter], _ name: String) throws {
        var err = [CChar](repeating: 0, count: 512)
        let path = work.appendingPathComponent(name).path
        guard letter_render_pdf(items, items.count, &options, path, &err, err.count) > 0 else {
            throw BenchError("letter_render_pdf: \(String(cString: err))")
        }
    }
    try render([one], "warm.pdf") // the font cache, once a process
    var single: [Double] = [], batch: [Double] = []
    let singles = 50, campaign = 200
    for _ in 0..<rounds {
        var t0 = nowNS()
        for i in 0..<singles { try render([one], "one-\(i).pdf") }
        single.append(Double(singles) / (Double(nowNS() - t0) / 1e9))
        t0 = nowNS()
        try render([letter](repeating: one, count: campaign), "campaign.pdf")
        batch.append(Double(campaign) / (Double(nowNS() - t0) / 1e9))
    }
    let a = median(single), b = median(batch)
    return ([
        "letters: GB/T 9704 A4 letters through pango/cairo with an embedded CJK font (median of \(rounds))",
        String(format: "  one letter per PDF (as the letter channel spools them)   %7.1f letters/s  %6.1f ms each", a, 1000 / a),
        String(format: "  %d letters in one PDF (letter batch, a campaign)        %7.1f letters/s", campaign, b),
    ], ["letters_single_per_s": a, "letters_batch_per_s": b])
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
