import Foundation
import RolloutCore
import ZIPFoundation

/// XLSX workbooks built from their grammar (content types, relationships, workbook, shared
/// strings, sheet; rows of cells of every type) and then mutated by structure: row numbers and
/// cell references out of range, out of order or malformed; shared-string indexes outside the
/// table; elements misplaced or nested deep; document types declaring entities; encodings
/// declared and not used; parts missing, misdirected or larger than the limits; the ZIP's own
/// headers lying about sizes.
enum XLSXGrammar {
    static func file(_ kind: ImportKind, _ r: inout FuzzRandom, limits: Limits) -> [UInt8] {
        var rows: [[String]] = [kind.columns.map { CellGrammar.header($0, &r) }]
        for _ in 0..<r.below(15) { rows.append(kind.columns.map { CellGrammar.value($0, &r) }) }
        var shared: [String] = []
        let useShared = !r.chance(0.3)
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        sheet += doctype(&r)
        sheet += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        var rowNumber = 0
        for cells in rows {
            rowNumber += r.chance(0.05) ? r.below(3) : 1
            sheet += "<row" + rowAttribute(rowNumber, &r) + ">"
            for (i, cell) in cells.enumerated() {
                let ref = cellReference(column: i, row: rowNumber, &r)
                let refAttr = ref.map { " r=\"\(escape($0))\"" } ?? ""
                if r.chance(0.02) { sheet += String(repeating: "<x>", count: r.pick([10, 300, 5000])) }
                let choice = r.below(12)
                if choice < 5 && useShared {
                    let index = sharedIndex(shared.count, &r)
                    shared.append(cell)
                    sheet += "<c\(refAttr) t=\"s\"><v>\(index)</v></c>"
                    continue
                }
                switch choice {
                case 5: sheet += "<c\(refAttr) t=\"b\"><v>\(r.pick(["1", "0", "2", ""]))</v></c>"
                case 6: sheet += "<c\(refAttr) t=\"str\"><f>A1&amp;B1</f><v>\(escape(cell))</v></c>"
                case 7: sheet += "<c\(refAttr) t=\"e\"><v>#REF!</v></c>"
                case 8: sheet += "<c\(refAttr)><v>\(escape(r.pick(CellGrammar.numbers + CellGrammar.dates)))</v></c>"
                case 9 where r.chance(0.1):
                    sheet += "<c\(refAttr) t=\"inlineStr\"><is><t>\(String(repeating: "a", count: limits.fieldBytes + r.below(3) - 1))</t></is></c>"
                default: sheet += "<c\(refAttr) t=\"inlineStr\"><is><t>\(escape(cell))</t></is></c>"
                }
                if r.chance(0.01) { sheet += "<c><c><v>1</v></c></c>" }
            }
            if r.chance(0.01) { sheet += "<row r=\"\(rowNumber)\"><c r=\"A\(rowNumber)\"/></row>" }
            sheet += "</row>"
            if r.chance(0.01) { sheet += "<c r=\"B2\" t=\"s\"><v>0</v></c>" }
        }
        if r.chance(0.01) {
            // A row with every column filled one after another, past XFD.
            sheet += "<row>" + String(repeating: "<c><v>1</v></c>", count: 16_384 + r.below(3)) + "</row>"
        }
        sheet += "</sheetData></worksheet>"
        if r.chance(0.04) { sheet.removeLast(r.below(sheet.count)) }
        let sharedXML = #"<?xml version="1.0" encoding="UTF-8"?>"# + doctype(&r)
            + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(shared.count)">"#
            + shared.map { "<si><t xml:space=\"preserve\">\(escape($0))</t>\(r.chance(0.02) ? "<rPh><t>x</t></rPh>" : "")</si>" }.joined()
            + "</sst>"
        let sheetTarget = r.chance(0.05) ? r.pick(["../../../etc/passwd", "/xl/worksheets/sheet1.xml", "worksheets/none.xml", "", "xl"])
            : "worksheets/sheet1.xml"
        var parts: [(String, [UInt8])] = [
            ("[Content_Types].xml", Array(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.utf8)),
            ("_rels/.rels", Array(#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="officeDocument" Target="xl/workbook.xml"/></Relationships>"#.utf8)),
            ("xl/workbook.xml", Array((#"<?xml version="1.0"?>"# + doctype(&r) + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
                                        + (r.chance(0.03) ? "" : #"<sheet name="S" sheetId="1" r:id="rId1"/>"#) + "</sheets></workbook>").utf8)),
            ("xl/_rels/workbook.xml.rels", Array((#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="\#(escape(sheetTarget))"/></Relationships>"#).utf8)),
            ("xl/worksheets/sheet1.xml", encode(sheet, &r)),
        ]
        if useShared && !r.chance(0.03) { parts.append(("xl/sharedStrings.xml", encode(sharedXML, &r))) }
        if r.chance(0.03) { parts.removeAll { $0.0 == r.pick(["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"]) } }
        if r.chance(0.02) {
            // A part far larger once inflated than the cap (it compresses to almost nothing).
            parts.append(("xl/worksheets/sheet1.xml", Array(repeating: 0x20, count: min(limits.xlsxPartBytes + 1, 8 << 20))))
        }
        var bytes = zip(parts, stored: r.chance(0.2))
        lie(&bytes, &r)
        return bytes
    }

    /// Text for XML; the grammar writes hostile characters on purpose, so control characters stay.
    static func escape(_ s: String) -> String { XMLText.escape(s, keepingInvalid: true) }

    /// Usually none; sometimes an entity bomb or an external entity.
    static func doctype(_ r: inout FuzzRandom) -> String {
        guard r.chance(0.02) else { return "" }
        return r.pick([
            #"<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>"#,
            #"<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>"#,
            #"<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">"#,
        ])
    }

    static func rowAttribute(_ n: Int, _ r: inout FuzzRandom) -> String {
        switch r.below(40) {
        case 0: return ""
        case 1: return " r=\"\(r.pick(["0", "-1", "9223372036854775807", "9223372036854775808", "1048576", "1048577", "abc", " 5", "+5", "1e3", ""]))\""
        case 2: return " r=\"\(max(1, n - 1))\""
        default: return " r=\"\(n)\""
        }
    }

    static func cellReference(column: Int, row: Int, _ r: inout FuzzRandom) -> String? {
        switch r.below(40) {
        case 0: return nil
        case 1: return r.pick(["ZZZZZZZ1", "AAAAAAAAAAAAAAAA1", "XFD1", "XFE1", "a1", "1A", "A", "A0", "A99999999999", "", "Ａ1", "AAAA1"])
        default:
            var letters = ""
            var c = column + 1
            while c > 0 { letters = String(UnicodeScalar(UInt8(65 + (c - 1) % 26))) + letters; c = (c - 1) / 26 }
            return letters + "\(row)"
        }
    }

    static func sharedIndex(_ next: Int, _ r: inout FuzzRandom) -> String {
        switch r.below(30) {
        case 0: return r.pick(["-1", "\(Int.max)", "99999999999999999999", "1e3", "", " 0", "0x1"])
        case 1: return "\(next + 1 + r.below(5))"
        default: return "\(next)"
        }
    }

    /// The XML's bytes: UTF-8 mostly; sometimes with a BOM, declared as another encoding, or UTF-16.
    static func encode(_ xml: String, _ r: inout FuzzRandom) -> [UInt8] {
        switch r.below(40) {
        case 0: return [0xEF, 0xBB, 0xBF] + Array(xml.utf8)
        case 1: return Array(xml.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"\(r.pick(["UTF-16", "GB18030", "ISO-8859-1", "EBCDIC", "x"]))\"").utf8)
        case 2: return [0xFF, 0xFE] + xml.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default: return Array(xml.utf8)
        }
    }

    /// The parts as a ZIP archive.
    static func zip(_ parts: [(String, [UInt8])], stored: Bool) -> [UInt8] {
        guard let archive = try? Archive(data: Data(), accessMode: .create) else { return [] }
        for (path, bytes) in parts {
            let data = Data(bytes)
            try? archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: stored ? .none : .deflate) { position, size in
                data.subdata(in: Int(position)..<min(data.count, Int(position) + size))
            }
        }
        return archive.data.map { [UInt8]($0) } ?? []
    }

    /// Sometimes makes the ZIP's headers lie: sizes, offsets, the compression method, the entry's type.
    static func lie(_ bytes: inout [UInt8], _ r: inout FuzzRandom) {
        guard r.chance(0.08), bytes.count > 64 else { return }
        var headers: [Int] = []
        var i = 0
        while i + 4 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, (bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02) || (bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04) {
                headers.append(i)
            }
            i += 1
        }
        guard let at = headers.isEmpty ? nil : r.pick(headers) else { return }
        let central = bytes[at + 2] == 0x01
        // Fields: compressed size, uncompressed size, method, external attributes (central), local offset (central).
        let fields = central ? [(20, 4), (24, 4), (10, 2), (38, 4), (42, 4), (28, 2)] : [(18, 4), (22, 4), (8, 2), (26, 2)]
        let (offset, width) = r.pick(fields)
        guard at + offset + width <= bytes.count else { return }
        let value: UInt32 = r.pick([0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(r.below(1 << 20)), 0xA1FF_0000])
        for k in 0..<width { bytes[at + offset + k] = UInt8((value >> (8 * UInt32(k))) & 0xFF) }
    }
}
