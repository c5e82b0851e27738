/// Columns for a terminal, aligned by display width: a Chinese character
/// takes two cells, so padding by `count` would misalign every CJK table.
public struct TextTable {
    public var headers: [String]
    public var rows: [[String]] = []

    public init(_ headers: [String]) { self.headers = headers }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for r in all { for (i, cell) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        func line(_ r: [String]) -> String {
            var out = ""
            for (i, cell) in r.enumerated() where i < widths.count {
                let last = i == widths.count - 1
                out += last ? cell : cell + String(repeating: " ", count: widths[i] - displayWidth(cell) + 2)
            }
            return out
        }
        var lines = [line(headers), widths.enumerated().map { i, w in String(repeating: "─", count: w) + (i == widths.count - 1 ? "" : "  ") }.joined()]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

/// Terminal cells a string occupies: East Asian wide and fullwidth
/// characters take two, combining marks none.
public func displayWidth(_ s: String) -> Int {
    var w = 0
    for scalar in s.unicodeScalars {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: continue
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x20000...0x3FFFD).contains(v) {
            w += 2
        } else {
            w += 1
        }
    }
    return w
}
