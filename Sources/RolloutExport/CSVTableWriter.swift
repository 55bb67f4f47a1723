import Foundation
import RolloutCore

/// CSV as `CSVTable` writes it (CRLF, cells that a spreadsheet would run as formulas made inert),
/// one row at a time.
final class CSVTableWriter: TableWriter {
    private let file: BufferedFile

    init(url: URL, header: [String]) throws {
        file = try BufferedFile(url: url)
        try file.write(header.map(CSVTable.cell).joined(separator: ",") + "\r\n")
    }

    func write(_ row: ExportRow) throws {
        try file.write(row.cells.map { CSVTable.cell($0.text) }.joined(separator: ",") + "\r\n")
    }

    func finish() throws { try file.close() }
}

/// One JSON array of the rows' API objects, written as they come: `[`, the objects separated by
/// commas, `]`.
final class JSONArrayWriter: TableWriter {
    private let file: BufferedFile
    private let encoder: JSONEncoder
    private var first = true

    init(url: URL) throws {
        file = try BufferedFile(url: url)
        encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try file.write("[")
    }

    func write(_ row: ExportRow) throws {
        try file.write(first ? "\n" : ",\n")
        first = false
        try file.write([UInt8](try encoder.encode(AnyEncodable(row.object))))
    }

    func finish() throws {
        try file.write(first ? "]\n" : "\n]\n")
        try file.close()
    }
}

/// An existential value as an Encodable one.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
