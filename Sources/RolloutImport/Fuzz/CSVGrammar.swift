import Foundation
import RolloutCore

/// CSV files built from the table's grammar (header, records, fields, quoting, line ends,
/// encoding) and then mutated by structure: columns dropped, repeated or reordered, fields split
/// or merged, quoting broken, line ends mixed, a BOM or GB18030, fields and records sized at and
/// just past the limits, the file cut anywhere.
enum CSVGrammar {
    static func file(_ kind: ImportKind, _ r: inout FuzzRandom, limits: Limits) -> [UInt8] {
        // Now and then a clean file, so the run reaches the writing path too.
        if r.chance(0.15), CellGrammar.validRow(kind, &r) != nil {
            let header = kind.columns.map(\.code).joined(separator: ",")
            var rows: [String] = []
            for _ in 0..<(1 + r.below(5)) { rows.append(CellGrammar.validRow(kind, &r)!.joined(separator: ",")) }
            return Array((header + "\r\n" + rows.joined(separator: "\r\n") + "\r\n").utf8)
        }
        var columns = kind.columns
        // Columns: all, a shuffled subset, or with an unknown or repeated one.
        if r.chance(0.3) { columns.shuffle(using: &r) }
        if r.chance(0.15) { columns.removeLast(r.below(columns.count)) }
        if r.chance(0.1), let c = columns.first { columns.append(c) }
        let newline = r.pick(["\n", "\r\n", "\r", "\n\r"])
        let mixedNewlines = r.chance(0.1)
        var records: [[String]] = [columns.map { CellGrammar.header($0, &r) }]
        for _ in 0..<r.below(25) {
            var fields = columns.map { CellGrammar.value($0, &r) }
            if r.chance(0.1), !fields.isEmpty { fields.remove(at: r.below(fields.count)) }
            if r.chance(0.1) { fields.append(CellGrammar.value(r.pick(kind.columns), &r)) }
            records.append(fields)
        }
        if r.chance(0.05) { records.insert([], at: 1 + r.below(records.count)) }
        // Sizes at and past the limits.
        if r.chance(0.03), records.count > 1 {
            let at = 1 + r.below(records.count - 1)
            let length = limits.fieldBytes + r.below(3) - 1
            let long = String(repeating: r.pick(["a", "\"", ","]), count: length)
            if records[at].isEmpty { records[at] = [long] } else { records[at][r.below(records[at].count)] = long }
        }
        if r.chance(0.02) { records.append([String](repeating: "", count: limits.fieldsPerRecord + r.below(3) - 1)) }
        var text = ""
        for (n, record) in records.enumerated() {
            text += record.map { quote($0, &r) }.joined(separator: r.chance(0.02) ? ";" : ",")
            text += mixedNewlines ? r.pick(["\n", "\r\n", "\r"]) : newline
            if n == 0, r.chance(0.02) { text += newline + newline }
        }
        var bytes: [UInt8]
        if r.chance(0.15), let gb = text.data(using: String.Encoding(rawValue: 0x8000_0632)) {
            bytes = [UInt8](gb)
        } else {
            bytes = Array(text.utf8)
        }
        if r.chance(0.15) { bytes = [0xEF, 0xBB, 0xBF] + bytes }
        // Cut anywhere (inside a quoted field, inside a character), or a stray byte.
        if r.chance(0.08), !bytes.isEmpty { bytes.removeLast(r.below(bytes.count)) }
        if r.chance(0.04) { bytes.insert(r.pick([0x00, 0x22, 0x0D, 0xFF, 0xE4, 0x80]), at: r.below(bytes.count + 1)) }
        return bytes
    }

    /// A field quoted as needed, always, or wrongly.
    static func quote(_ s: String, _ r: inout FuzzRandom) -> String {
        let needs = s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        switch r.below(20) {
        case 0: return "\"" + s                                      // unterminated
        case 1: return "\"" + s + "\"x"                              // text after the closing quote
        case 2: return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""   // quoted though not needed
        case 3: return s                                             // never quoted, needed or not
        default: return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
    }
}
