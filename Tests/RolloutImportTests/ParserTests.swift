import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutImport

@Suite struct ParserTests {
    func parse(_ text: String, chunk: Int = 3) throws -> [(Int, [String])] {
        var p = CSVParser()
        var out: [(Int, [String])] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try p.feed(Array(bytes[start..<min(bytes.count, start + chunk)])) { out.append(($0, $1)) }
        }
        try p.finish { out.append(($0, $1)) }
        return out
    }

    @Test func rfc4180QuotingLineBreaksAndRowNumbers() throws {
        let rows = try parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3\n\n4,5,6")
        #expect(rows.map(\.0) == [1, 2, 3, 5])
        #expect(rows[1].1 == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(rows[2].1 == ["1", "", "3"])
        #expect(rows[3].1 == ["4", "5", "6"])
        // Chunk boundaries anywhere give the same result.
        for size in [1, 2, 7, 1000] { #expect(try parse("a,\"b\"\"c\"\r\nd,e\r\n", chunk: size).map(\.1) == [["a", "b\"c"], ["d", "e"]]) }
    }

    @Test(arguments: ["a,b\nx\"y,z\n", "a,b\n\"x\"y,z\n", "a,b\n\"open,z\n", "a,b\nx\0y,z\n"])
    func malformedQuotingAndNulBytesAreErrorsWithTheRow(text: String) {
        #expect(throws: RolloutError.self) { _ = try parse(text) }
        do { _ = try parse(text) } catch let e as RolloutError { #expect(e.arguments["row"] == "2") } catch { Issue.record("\(error)") }
    }

    @Test func gb18030IsDetectedAndDecodedAcrossChunkBoundaries() throws {
        let text = "站址编码,运营商\n万州一号,移动\n𠀀,铁塔\n"
        let gb = Array(text.data(using: String.Encoding(rawValue: 0x8000_0632))!)
        #expect(String(validating: gb, as: UTF8.self) == nil)
        for size in [1, 2, 3, 5, 64] {
            var decoder = TextDecoder()
            var out: [UInt8] = []
            for start in stride(from: 0, to: gb.count, by: size) {
                out += try decoder.decode(Array(gb[start..<min(gb.count, start + size)]), last: false)
            }
            out += try decoder.decode([], last: true)
            #expect(decoder.encoding == .gb18030)
            #expect(String(decoding: out, as: UTF8.self) == text)
        }
        var utf = TextDecoder()
        let bom = try utf.decode([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8), last: true)
        #expect(utf.encoding == .utf8 && bom == Array("a,b\n".utf8))
    }

    @Test func excelSerialDatesAndCellReferences() {
        #expect(XLSXReader.serialDate("43982") == "2020-05-31")
        #expect(XLSXReader.serialDate("43982.5") == "2020-05-31T12:00:00")
        #expect(XLSXReader.serialDate("abc") == nil)
        #expect(XLSXReader.column(of: "A1") == 0)
        #expect(XLSXReader.column(of: "AB12") == 27)
    }
}
