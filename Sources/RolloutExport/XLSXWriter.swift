import Foundation
import RolloutCore
import RolloutFiles
import ZIPFoundation

/// An `.xlsx` workbook written row by row: each sheet's rows go to a private temporary file as
/// they come, and the workbook is assembled at the end (ZIPFoundation, deflated). Strings are
/// shared (up to a bound of distinct strings, then inline, so memory stays bounded whatever the
/// table's size), numbers are numbers, days and instants are date cells, the header row is frozen
/// and bold, columns are as wide as their longest cell. Past 1,048,575 data rows the table goes on
/// in another sheet with the header again. Text that a spreadsheet would run as a formula gets the
/// same leading `'` as in the CSV.
final class XLSXWriter: TableWriter {
    /// Data rows per sheet: Excel's 1,048,576 rows less the header.
    static let rowsPerSheet = 1_048_575
    /// Distinct strings kept shared; later new strings are written inline.
    static let sharedBound = 200_000

    private let url: URL
    private let sheetName: String
    private let header: [String]
    private let work: PrivateTemporaryDirectory
    private var sheets: [PrivateFile] = []
    private var body: BufferedFile?
    private var rowsInSheet = 0
    private var shared: [String: Int] = [:]
    private var sharedList: [String] = []
    private var widths: [Int]

    init(url: URL, sheet: String, header: [String], rowsPerSheet: Int = XLSXWriter.rowsPerSheet) throws {
        self.url = url; self.sheetName = sheet; self.header = header; self.limit = rowsPerSheet
        work = try PrivateTemporaryDirectory()
        widths = header.map { Self.width(of: $0) }
        try startSheet()
    }

    private let limit: Int

    /// An export that failed or was abandoned leaves no sheet behind.
    deinit { work.remove() }

    private func startSheet() throws {
        try body?.close()
        let file = try work.file("sheet\(sheets.count + 1).xml")
        sheets.append(file)
        body = try BufferedFile(url: file.url)
        rowsInSheet = 0
        try writeRow(header.map(ExportCell.text), number: 1, style: 3)
    }

    func write(_ row: ExportRow) throws {
        if rowsInSheet == limit { try startSheet() }
        rowsInSheet += 1
        try writeRow(row.cells, number: rowsInSheet + 1, style: 0)
        for (i, cell) in row.cells.enumerated() where i < widths.count { widths[i] = max(widths[i], Self.width(of: cell.text)) }
    }

    private func writeRow(_ cells: [ExportCell], number: Int, style: Int) throws {
        var xml = "<row r=\"\(number)\">"
        for (i, cell) in cells.enumerated() {
            let ref = Self.column(i) + "\(number)"
            let s = style == 0 ? "" : " s=\"\(style)\""
            switch cell {
            case .empty: continue
            case .int(let n): xml += "<c r=\"\(ref)\"\(s)><v>\(n)</v></c>"
            case .decimal(let d) where d.isFinite: xml += "<c r=\"\(ref)\"\(s)><v>\(d)</v></c>"
            case .decimal: continue
            case .flag(let b): xml += "<c r=\"\(ref)\" t=\"b\"\(s)><v>\(b ? 1 : 0)</v></c>"
            case .date(let text):
                if let day = ShanghaiCalendar.parseDay(text) {
                    xml += "<c r=\"\(ref)\" s=\"1\"><v>\(day - Self.excelEpoch)</v></c>"
                } else {
                    xml += stringCell(ref, text, s)
                }
            case .instant(let t):
                let local = Double(t.seconds + ShanghaiCalendar.offset) / 86_400 - Double(Self.excelEpoch)
                xml += "<c r=\"\(ref)\" s=\"2\"><v>\(local)</v></c>"
            case .text(let text): xml += stringCell(ref, Self.neutralised(text), s)
            }
        }
        try body!.write(xml + "</row>")
    }

    private func stringCell(_ ref: String, _ text: String, _ style: String) -> String {
        if let i = shared[text] { return "<c r=\"\(ref)\" t=\"s\"\(style)><v>\(i)</v></c>" }
        if sharedList.count < Self.sharedBound {
            shared[text] = sharedList.count
            sharedList.append(text)
            return "<c r=\"\(ref)\" t=\"s\"\(style)><v>\(sharedList.count - 1)</v></c>"
        }
        return "<c r=\"\(ref)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(Self.escape(text))</t></is></c>"
    }

    func finish() throws {
        try body?.close()
        body = nil
        defer { work.remove() }
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<min(data.count, Int(p) + n))
            }
        }
        let names = sheets.indices.map { i in sheets.count == 1 ? sheetName : "\(sheetName) \(i + 1)" }
        try add("[Content_Types].xml", XLSXParts.contentTypes(sheets: sheets.count))
        try add("_rels/.rels", XLSXParts.rootRelationships)
        try add("xl/workbook.xml", XLSXParts.workbook(names: names.map(Self.escape)))
        try add("xl/_rels/workbook.xml.rels", XLSXParts.workbookRelationships(sheets: sheets.count))
        try add("xl/styles.xml", XLSXParts.styles)
        try add("xl/sharedStrings.xml", XLSXParts.sharedStrings(sharedList.map(Self.escape)))
        let cols = widths.enumerated().map { "<col min=\"\($0.offset + 1)\" max=\"\($0.offset + 1)\" width=\"\(min(60, $0.element + 2))\" customWidth=\"1\"/>" }
        for (i, sheet) in sheets.enumerated() {
            let head = Data(XLSXParts.sheetHead(cols: cols.joined()).utf8)
            let tail = Data(XLSXParts.sheetTail.utf8)
            let size = (try FileManager.default.attributesOfItem(atPath: sheet.url.path)[.size] as? Int) ?? 0
            let reader = try FileHandle(forReadingFrom: sheet.url)
            defer { try? reader.close() }
            let total = head.count + size + tail.count
            try archive.addEntry(with: "xl/worksheets/sheet\(i + 1).xml", type: .file, uncompressedSize: Int64(total),
                                 compressionMethod: .deflate) { position, length in
                // Asked in order: the head, the rows from the file, the tail.
                var out = Data()
                var p = Int(position)
                let end = min(total, p + length)
                while p < end {
                    if p < head.count {
                        let n = min(end, head.count) - p
                        out.append(head.subdata(in: p..<(p + n))); p += n
                    } else if p < head.count + size {
                        try reader.seek(toOffset: UInt64(p - head.count))
                        let n = min(end, head.count + size) - p
                        out.append(try reader.read(upToCount: n) ?? Data()); p += n
                    } else {
                        let o = p - head.count - size
                        let n = end - p
                        out.append(tail.subdata(in: o..<(o + n))); p += n
                    }
                }
                return out
            }
        }
    }

    /// Excel's serial day 0 (1899-12-30) as a day number.
    static let excelEpoch = ShanghaiCalendar.dayNumber(year: 1899, month: 12, day: 30)!

    /// The column letters of a zero-based index (0 → A, 26 → AA).
    static func column(_ index: Int) -> String {
        var n = index + 1
        var letters = ""
        while n > 0 {
            letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// Text made inert as the CSV makes it: a leading `'` before what a spreadsheet would run as a formula.
    static func neutralised(_ s: String) -> String {
        if let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil { return "'" + s }
        return s
    }

    static func escape(_ s: String) -> String { XMLText.escape(s) }

    /// A cell's width in characters (a Chinese character counts two).
    static func width(of s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) }
    }
}
