import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RolloutCore
import RolloutFiles

/// Reads the first sheet of an `.xlsx` workbook as rows of text cells.
///
/// The sheet and its shared strings are extracted to private temporary files and parsed as
/// streams (`XMLParser(data:)` fails on inputs of 10 MB or more on Linux). Shared and inline
/// strings, numbers, booleans and dates stored as serial numbers (in the date columns) are read;
/// cells that the XML skips stay empty; a cell holding a formula is marked so that validation
/// refuses it.
///
/// Nothing in the workbook is trusted before it is checked: every part's uncompressed size is
/// counted while it is extracted (not taken from its header) and capped, a part declaring a
/// document type (where entity expansion hides) or bytes that are not UTF-8 is refused, rows lie within 1…1,048,576 in
/// ascending order, columns within A…XFD, shared-string indexes within the table, and no cell is
/// longer than the field limit. Each refusal names the part.
enum XLSXReader {
    /// The mark put before the cached value of a formula cell.
    static let formulaMark = "\u{1}"
    /// The most rows a sheet has (Excel's limit).
    static let maxRows = 1_048_576
    /// The most columns a sheet has (Excel's limit: XFD).
    static let maxColumns = 16_384
    /// The largest workbook and relationships parts (they are small lists).
    static let maxMetadataBytes = 4 << 20

    static func rows(of url: URL, limits: Limits, dateColumns: @escaping (Int) -> Bool, _ body: (Int, [String]) throws -> Void) throws {
        let archive: ZipEntries
        do { archive = try ZipEntries(url: url) } catch {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        defer { archive.close() }
        guard let sheetPath = try firstSheetPath(archive), let sheet = archive.entries[sheetPath] else {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        var shared: [String] = []
        let sharedPath = "xl/sharedStrings.xml"
        if let entry = archive.entries[sharedPath] {
            let file = try dir.file("shared.xml")
            try extract(archive, entry, path: sharedPath, cap: min(limits.xlsxSharedStringsBytes, limits.xlsxPartBytes), to: file)
            let reader = SharedStringsDelegate()
            try parse(file, reader, part: sharedPath)
            shared = reader.strings
        }
        let file = try dir.file("sheet.xml")
        try extract(archive, sheet, path: sheetPath, cap: limits.xlsxPartBytes, to: file)
        try withoutActuallyEscaping(body) { escapable in
            let reader = SheetDelegate(part: sheetPath, shared: shared, fieldBytes: limits.fieldBytes, dateColumns: dateColumns, body: escapable)
            try parse(file, reader, part: sheetPath)
        }
    }

    /// A problem with the structure of one part of the workbook.
    static func problem(_ code: String, part: String, row: Int = 0, value: String = "") -> FileProblem {
        FileProblem(error: ImportError(row: row, column: "", code: code, arguments: ["part": part, "value": value, "row": "\(row)"]))
    }

    /// Extracts an entry, counting its bytes as they come (a header may lie) and refusing what no
    /// workbook holds: a document type declaration, a NUL byte (a UTF-16 or UCS-4 part, which the
    /// parser would decode on its own), bytes that are not UTF-8, an XML declaration naming
    /// another encoding. `consume` gets each piece.
    static func extract(_ archive: ZipEntries, _ entry: ZipEntries.Entry, path: String, cap: Int, consume: (Data) throws -> Void) throws {
        var total = 0
        var tail: [UInt8] = []
        var head: [UInt8] = []
        var utf8 = UTF8Check()
        do {
            try archive.extract(entry) { chunk in
                total += chunk.count
                if total > cap { throw problem("xlsx_part_too_large", part: path, value: "\(cap)") }
                if chunk.contains(0) { throw problem("xlsx_encoding", part: path) }
                // The first kilobyte, gathered across pieces: its XML declaration must name UTF-8 (or none).
                if head.count < 1024 {
                    head += chunk.prefix(1024 - head.count)
                    if head.count >= 1024 || total >= 1024, UTF8Check.declaresOtherEncoding(head) { throw problem("xlsx_encoding", part: path) }
                }
                // `<!D` begins a DOCTYPE (and with it any ENTITY): no part of a workbook has one.
                let window = tail + chunk
                if containsDoctype(window) { throw problem("xlsx_doctype", part: path) }
                tail = Array(window.suffix(2))
                if !utf8.feed(chunk) { throw problem("xlsx_encoding", part: path) }
                try consume(chunk)
            }
            if head.count < 1024, UTF8Check.declaresOtherEncoding(head) { throw problem("xlsx_encoding", part: path) }
            if !utf8.finish() { throw problem("xlsx_encoding", part: path) }
        } catch let p as FileProblem {
            throw p
        } catch {
            throw problem("xlsx_bad_part", part: path)
        }
    }

    static func extract(_ archive: ZipEntries, _ entry: ZipEntries.Entry, path: String, cap: Int, to file: PrivateFile) throws {
        let handle = try file.openForWriting()
        defer { try? handle.close() }
        try extract(archive, entry, path: path, cap: cap) { try handle.write(contentsOf: $0) }
    }

    private static func containsDoctype<C: Collection<UInt8>>(_ bytes: C) -> Bool where C.Index == Int {
        var i = bytes.startIndex
        while i + 2 < bytes.endIndex {
            if bytes[i] == 0x3C, bytes[i + 1] == 0x21, bytes[i + 2] == 0x44 { return true }
            i += 1
        }
        return false
    }

    private static func parse(_ file: PrivateFile, _ delegate: any XMLParserDelegate & Failing, part: String) throws {
        guard let stream = InputStream(url: file.url) else { throw problem("xlsx_bad_part", part: part) }
        let parser = XMLParser(stream: stream)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        if !parser.parse(), delegate.failure == nil {
            throw problem("xlsx_bad_xml", part: part, row: delegate.lastRow, value: "\(parser.lineNumber)")
        }
        if let e = delegate.failure { throw e }
    }

    /// The path of the workbook's first sheet, from the workbook and its relationships.
    private static func firstSheetPath(_ archive: ZipEntries) throws -> String? {
        func read(_ path: String) throws -> Data? {
            guard let entry = archive.entries[path] else { return nil }
            var data = Data()
            try extract(archive, entry, path: path, cap: maxMetadataBytes) { data.append($0) }
            return data
        }
        guard let workbook = try read("xl/workbook.xml") else { return nil }
        let first = AttributeGrabber(element: "sheet", attribute: "r:id")
        let p = XMLParser(data: workbook)
        p.shouldResolveExternalEntities = false
        p.delegate = first
        p.parse()
        guard let rid = first.values.first, let rels = try read("xl/_rels/workbook.xml.rels") else {
            return archive.entries["xl/worksheets/sheet1.xml"] != nil ? "xl/worksheets/sheet1.xml" : nil
        }
        let targets = RelationshipGrabber()
        let q = XMLParser(data: rels)
        q.shouldResolveExternalEntities = false
        q.delegate = targets
        q.parse()
        guard var target = targets.targets[rid] else { return nil }
        if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
        return target
    }

    /// Excel's serial day number (1900 system) as an ISO date or local date-time.
    static func serialDate(_ text: String) -> String? {
        guard let serial = Double(text), serial.isFinite, serial > 0, serial < 2_958_466 else { return nil }
        let base = ShanghaiCalendar.dayNumber(year: 1899, month: 12, day: 30)!
        let day = base + Int(serial.rounded(.down))
        let seconds = min(Int(((serial - serial.rounded(.down)) * 86_400).rounded()), 86_399)
        if seconds == 0 { return ShanghaiCalendar.dateString(day) }
        return ShanghaiCalendar.dateString(day) + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// The zero-based column of a cell reference such as `AB12`: one to three capital letters
    /// (at most `XFD`), then the row's digits. Anything else is nil.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        var digits = 0
        for u in reference.utf8 {
            if digits == 0, u >= 65, u <= 90 {
                letters += 1
                if letters > 3 { return nil }
                n = n * 26 + Int(u - 64)
            } else if u >= 48, u <= 57, letters > 0 {
                digits += 1
                if digits > 7 { return nil }
            } else {
                return nil
            }
        }
        guard letters > 0, n <= maxColumns else { return nil }
        return n - 1
    }

    /// A row number as written in `r`: 1…1,048,576, or nil.
    static func rowNumber(_ text: String) -> Int? {
        guard text.utf8.count <= 7, let n = Int(text), n >= 1, n <= maxRows else { return nil }
        return n
    }
}

protocol Failing: AnyObject {
    var failure: (any Error)? { get }
    /// The last row the delegate began (0 when it reads no rows).
    var lastRow: Int { get }
}

extension Failing {
    var lastRow: Int { 0 }
}

private final class AttributeGrabber: NSObject, XMLParserDelegate {
    let element: String, attribute: String
    var values: [String] = []
    init(element: String, attribute: String) { self.element = element; self.attribute = attribute }
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard values.isEmpty else { return }
        if name == element || name.hasSuffix(":" + element), let v = attributes[attribute] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value {
            values.append(v)
        }
    }
}

private final class RelationshipGrabber: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if name == "Relationship", let id = attributes["Id"], let t = attributes["Target"] { targets[id] = t }
    }
}

private final class SharedStringsDelegate: NSObject, XMLParserDelegate, Failing {
    var strings: [String] = []
    var failure: (any Error)? = nil
    private var current = ""
    private var inText = false
    private var inPhonetic = false
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
    func parser(_ p: XMLParser, foundCharacters s: String) { if inText && !inPhonetic { current += s } }
}

private final class SheetDelegate: NSObject, XMLParserDelegate, Failing {
    let part: String
    let shared: [String]
    let fieldBytes: Int
    let dateColumns: (Int) -> Bool
    let body: (Int, [String]) throws -> Void
    var failure: (any Error)? = nil
    private var rowNumber = 0
    private var cells: [Int: String] = [:]
    private var cellColumn = 0
    private var cellType = "n"
    private var value = ""
    private var valueBytes = 0
    private var inValue = false
    private var hasFormula = false

    var lastRow: Int { rowNumber }

    init(part: String, shared: [String], fieldBytes: Int, dateColumns: @escaping (Int) -> Bool, body: @escaping (Int, [String]) throws -> Void) {
        self.part = part; self.shared = shared; self.fieldBytes = fieldBytes; self.dateColumns = dateColumns; self.body = body
    }

    private func fail(_ p: XMLParser, _ problem: FileProblem) {
        guard failure == nil else { return }
        failure = problem
        p.abortParsing()
    }

    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard failure == nil else { return }
        switch name {
        case "row":
            if let r = attributes["r"] {
                guard let n = XLSXReader.rowNumber(r) else {
                    return fail(p, XLSXReader.problem("xlsx_bad_row", part: part, row: rowNumber, value: String(r.prefix(40))))
                }
                guard n > rowNumber else {
                    return fail(p, XLSXReader.problem("xlsx_row_order", part: part, row: rowNumber, value: r))
                }
                rowNumber = n
            } else {
                guard rowNumber < XLSXReader.maxRows else {
                    return fail(p, XLSXReader.problem("xlsx_bad_row", part: part, row: rowNumber, value: "\(XLSXReader.maxRows + 1)"))
                }
                rowNumber += 1
            }
            cells = [:]
            cellColumn = -1
        case "c":
            if let r = attributes["r"] {
                guard let c = XLSXReader.column(of: r) else {
                    return fail(p, XLSXReader.problem("xlsx_bad_cell_reference", part: part, row: rowNumber, value: String(r.prefix(40))))
                }
                cellColumn = c
            } else {
                guard cellColumn + 1 < XLSXReader.maxColumns else {
                    return fail(p, XLSXReader.problem("xlsx_bad_cell_reference", part: part, row: rowNumber, value: "XFE"))
                }
                cellColumn += 1
            }
            cellType = attributes["t"] ?? "n"
            value = ""
            valueBytes = 0
            hasFormula = false
        case "v", "t": inValue = true
        case "f": hasFormula = true
        default: break
        }
    }

    func parser(_ p: XMLParser, foundCharacters s: String) {
        guard inValue, failure == nil else { return }
        valueBytes += s.utf8.count
        if valueBytes > fieldBytes { return tooLong(p) }
        value += s
    }

    private func tooLong(_ p: XMLParser) {
        fail(p, FileProblem(error: ImportError(row: rowNumber, column: "", code: "field_too_long",
                                               arguments: ["row": "\(rowNumber)", "value": "\(fieldBytes)", "part": part])))
    }

    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil else { return }
        switch name {
        case "v", "t": inValue = false
        case "c":
            guard cellColumn >= 0 else { return }
            var text: String
            switch cellType {
            case "s":
                guard let i = Int(value.trimmedSpaces), i >= 0, i < shared.count else {
                    return fail(p, XLSXReader.problem("xlsx_bad_shared_string", part: part, row: rowNumber, value: String(value.prefix(40))))
                }
                text = shared[i]
                if text.utf8.count > fieldBytes { return tooLong(p) }
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n" where dateColumns(cellColumn): text = XLSXReader.serialDate(value) ?? value
            default: text = value
            }
            // A formula cell is refused whatever it holds: keep the mark, not a copy of its text.
            if hasFormula { text = XLSXReader.formulaMark }
            if !text.isEmpty { cells[cellColumn] = text }
        case "row":
            guard let width = cells.keys.max().map({ $0 + 1 }) else { return }
            var row = [String](repeating: "", count: width)
            for (i, v) in cells { row[i] = v }
            do { try body(rowNumber, row) } catch {
                failure = error
                p.abortParsing()
            }
        default: break
        }
    }
}
