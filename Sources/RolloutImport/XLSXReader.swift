import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RolloutCore
import ZIPFoundation

/// Reads the first sheet of an `.xlsx` workbook as rows of text cells.
///
/// The sheet and its shared strings are extracted to temporary files and parsed as streams
/// (`XMLParser(data:)` fails on inputs of 10 MB or more on Linux). Shared and inline strings,
/// numbers, booleans and dates stored as serial numbers (in the date columns) are read; cells that
/// the XML skips stay empty; a cell holding a formula is marked so that validation refuses it.
enum XLSXReader {
    /// The mark put before the cached value of a formula cell.
    static let formulaMark = "\u{1}"

    static func rows(of url: URL, dateColumns: @escaping (Int) -> Bool, _ body: (Int, [String]) throws -> Void) throws {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        guard let sheetPath = firstSheetPath(archive), let sheet = archive[sheetPath] else {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var shared: [String] = []
        if let entry = archive["xl/sharedStrings.xml"] {
            let file = dir.appendingPathComponent("shared.xml")
            _ = try archive.extract(entry, to: file)
            let reader = SharedStringsDelegate()
            try parse(file, reader)
            shared = reader.strings
        }
        let file = dir.appendingPathComponent("sheet.xml")
        do { _ = try archive.extract(sheet, to: file) } catch {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        try withoutActuallyEscaping(body) { escapable in
            let reader = SheetDelegate(shared: shared, dateColumns: dateColumns, body: escapable)
            try parse(file, reader)
        }
    }

    private static func parse(_ file: URL, _ delegate: any XMLParserDelegate & Failing) throws {
        guard let stream = InputStream(url: file) else { throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx")) }
        let parser = XMLParser(stream: stream)
        parser.delegate = delegate
        if !parser.parse(), delegate.failure == nil {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "not_xlsx"))
        }
        if let e = delegate.failure { throw e }
    }

    /// The path of the workbook's first sheet, from the workbook and its relationships.
    private static func firstSheetPath(_ archive: Archive) -> String? {
        func read(_ path: String) -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try? archive.extract(entry) { data.append($0) }
            return data
        }
        guard let workbook = read("xl/workbook.xml") else { return nil }
        let first = AttributeGrabber(element: "sheet", attribute: "r:id")
        let p = XMLParser(data: workbook)
        p.delegate = first
        p.parse()
        guard let rid = first.values.first, let rels = read("xl/_rels/workbook.xml.rels") else {
            return archive["xl/worksheets/sheet1.xml"] != nil ? "xl/worksheets/sheet1.xml" : nil
        }
        let targets = RelationshipGrabber()
        let q = XMLParser(data: rels)
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
        let seconds = Int(((serial - serial.rounded(.down)) * 86_400).rounded())
        if seconds == 0 { return ShanghaiCalendar.dateString(day) }
        return ShanghaiCalendar.dateString(day) + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// The zero-based column of a cell reference such as `AB12`.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        for u in reference.unicodeScalars {
            guard u.value >= 65, u.value <= 90 else { break }
            n = n * 26 + Int(u.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : n - 1
    }
}

protocol Failing: AnyObject { var failure: (any Error)? { get } }

private final class AttributeGrabber: NSObject, XMLParserDelegate, Failing {
    let element: String, attribute: String
    var values: [String] = []
    var failure: (any Error)? = nil
    init(element: String, attribute: String) { self.element = element; self.attribute = attribute }
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
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
    let shared: [String]
    let dateColumns: (Int) -> Bool
    let body: (Int, [String]) throws -> Void
    var failure: (any Error)? = nil
    private var rowNumber = 0
    private var cells: [Int: String] = [:]
    private var cellColumn = 0
    private var cellType = "n"
    private var value = ""
    private var inValue = false
    private var hasFormula = false

    init(shared: [String], dateColumns: @escaping (Int) -> Bool, body: @escaping (Int, [String]) throws -> Void) {
        self.shared = shared; self.dateColumns = dateColumns; self.body = body
    }

    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = [:]
            cellColumn = -1
        case "c":
            cellColumn = attributes["r"].flatMap(XLSXReader.column(of:)) ?? cellColumn + 1
            cellType = attributes["t"] ?? "n"
            value = ""
            hasFormula = false
        case "v", "t": inValue = true
        case "f": hasFormula = true
        default: break
        }
    }

    func parser(_ p: XMLParser, foundCharacters s: String) { if inValue { value += s } }

    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": inValue = false
        case "c":
            var text: String
            switch cellType {
            case "s": text = Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n" where dateColumns(cellColumn): text = XLSXReader.serialDate(value) ?? value
            default: text = value
            }
            if hasFormula { text = XLSXReader.formulaMark + text }
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
