import Testing
@testable import LiaisonCore
import LiaisonPosix

@Suite struct CSVReaderTests {
    func parse(_ text: String) throws -> CSVTable { try CSVReader.parse(text, file: "t.csv") }

    @Test func plainRowsWithLineNumbers() throws {
        let t = try parse("a,b,c\n1,2,3\n4,5,6\n")
        #expect(t.header.values == ["a", "b", "c"])
        #expect(t.rows.map(\.values) == [["1", "2", "3"], ["4", "5", "6"]])
        #expect(t.rows.map(\.line) == [2, 3])
        #expect(t.rows[1].fields[2].column == 5)
    }

    @Test func quotesCommasAndDoubledQuotes() throws {
        let t = try parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n")
        #expect(t.rows[0].values == ["x, y", "say \"hi\""])
    }

    @Test func embeddedNewlinesKeepLaterLineNumbersRight() throws {
        let t = try parse("a,b\n\"line one\nline two\",z\nnext,row\n")
        #expect(t.rows[0].values == ["line one\nline two", "z"])
        #expect(t.rows[1].line == 4)
        #expect(t.rows[1].values == ["next", "row"])
    }

    @Test func crlfAndNoFinalNewline() throws {
        let t = try parse("a,b\r\n1,2\r\n3,4")
        #expect(t.rows.map(\.values) == [["1", "2"], ["3", "4"]])
    }

    @Test func emptyCellsAndBlankLines() throws {
        let t = try parse("a,b,c\n,,\n\n1,,3\n")
        #expect(t.rows.map(\.values) == [["", "", ""], ["1", "", "3"]])
        #expect(t.rows[1].line == 4)
    }

    @Test func chineseColumnsCountScalars() throws {
        let t = try parse("姓名,学号\n张三,2023010101\n")
        #expect(t.rows[0].fields[1].column == 4)
    }

    @Test func unterminatedQuoteNamesWhereItOpened() {
        #expect(throws: LiaisonError.invalid("t.csv:2:3: this quoted field is never closed; add the closing quote")) {
            try parse("a,b\n1,\"open\n")
        }
    }

    @Test func quoteInsideUnquotedFieldIsAnError() {
        let e = #expect(throws: LiaisonError.self) { try parse("a,b\n1,ab\"c\n") }
        #expect(e?.message.hasPrefix("t.csv:2:5:") == true)
    }

    @Test func garbageAfterClosingQuote() {
        let e = #expect(throws: LiaisonError.self) { try parse("a\n\"x\"y\n") }
        #expect(e?.message.hasPrefix("t.csv:2:4:") == true)
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: LiaisonError.self) { try parse("") }
    }
}

@Suite struct TextDecodingTests {
    @Test func utf8WithAndWithoutBOM() throws {
        let plain = Array("姓名\n张三\n".utf8)
        #expect(try TextDecoding.decodeUTF8(plain, file: "f") == "姓名\n张三\n")
        #expect(try TextDecoding.decodeUTF8([0xEF, 0xBB, 0xBF] + plain, file: "f") == "姓名\n张三\n")
    }

    @Test func gbkIsRecognisedAndRefusedWithTheFix() {
        // "name\n张三" in GBK: 张 = D5 C5, 三 = C8 FD.
        let gbk: [UInt8] = Array("name\n".utf8) + [0xD5, 0xC5, 0xC8, 0xFD, 0x0A]
        #expect(TextDecoding.looksLikeGBK(gbk))
        let e = #expect(throws: LiaisonError.self) { try TextDecoding.decodeUTF8(gbk, file: "students.csv", gb18030: GB18030.decode) }
        #expect(e?.message.contains("students.csv:2:1:") == true)
        #expect(e?.message.contains("GBK") == true)
        #expect(e?.message.contains("iconv -f GB18030 -t UTF-8") == true)
    }

    @Test func otherBadBytesAreNotCalledGBK() {
        let e = #expect(throws: LiaisonError.self) { try TextDecoding.decodeUTF8(Array("ab".utf8) + [0xFF], file: "x.csv", gb18030: GB18030.decode) }
        #expect(e?.message.contains("GBK") == false)
        #expect(e?.message.contains("x.csv:1:3:") == true)
    }

    /// A UTF-8 file with one stray byte among Chinese names is UTF-8 with a
    /// bad byte, not GBK: converting it from GB18030 would garble every name.
    @Test func aUTF8FileWithOneBadByteIsNotCalledGBK() {
        var bytes = Array("学号,姓名,性别\n2023010101,张三,男\n2023010102,欧阳娜娜,女\n2023010103,李".utf8)
        bytes += [0xD5]  // half of a GBK character pasted into a UTF-8 file
        bytes += Array("四,男\n2023010104,王五,男\n".utf8)
        #expect(TextDecoding.looksLikeGBK(bytes), "the old byte-pair test was fooled by this file")
        #expect(!TextDecoding.isGB18030Text(bytes, decode: GB18030.decode))
        let e = #expect(throws: LiaisonError.self) { try TextDecoding.decodeUTF8(bytes, file: "students.csv", gb18030: GB18030.decode) }
        #expect(e?.message.contains("GBK") == false, "\(e?.message ?? "")")
        #expect(e?.message.contains("students.csv:4:13:") == true && e?.message.contains("0xD5") == true, "\(e?.message ?? "")")
        // Real GB18030 text still is.
        let gbk: [UInt8] = Array("name\n".utf8) + [0xD5, 0xC5, 0xC8, 0xFD, 0x0A]
        #expect(TextDecoding.isGB18030Text(gbk, decode: GB18030.decode))
    }

    @Test func utf16IsRefused() {
        #expect(throws: LiaisonError.self) { try TextDecoding.decodeUTF8([0xFF, 0xFE, 0x41, 0x00], file: "u.csv") }
    }
}
