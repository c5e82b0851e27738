import Testing
@testable import LiaisonClient

@Suite struct TextTableTests {
    @Test func displayWidthCountsWideCharactersTwice() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("张三") == 4)
        #expect(displayWidth("旅游2301班") == 10)
        #expect(displayWidth("，（）") == 6)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("𠮷") == 2)
    }

    @Test func chineseColumnsLineUp() {
        var t = TextTable(["id", "name", "class"])
        t.add(["1", "张三", "旅游2301班"])
        t.add(["22", "欧阳娜娜", "x"])
        let lines = t.render().split(separator: "\n").map(String.init)
        // The third column starts at display column 10 on every line.
        #expect(lines == [
            "id  name      class",
            "──  ────────  ──────────",
            "1   张三      旅游2301班",
            "22  欧阳娜娜  x",
        ])
    }
}
