import Foundation
import NIOConcurrencyHelpers
import RolloutCore

/// Reads a bulk file as rows of cells, whatever it is: a CSV table (UTF-8 or GB18030, LF or CRLF)
/// or an `.xlsx` workbook (its first sheet), told apart by their first bytes.
public enum TableReader {
    /// Streams the rows of a file: (row number as a spreadsheet shows it, cells).
    /// A file that is not a table at all throws a ``FileProblem``.
    static func rows(of url: URL, limits: Limits = .standard, dateColumns: @escaping (Int) -> Bool = { _ in false },
                     read: ReadProgress? = nil, _ body: (Int, [String]) throws -> Void) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw FileProblem(error: ImportError(row: 0, column: "", code: "unreadable"))
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        if head.isEmpty { throw FileProblem(error: ImportError(row: 0, column: "", code: "empty_file")) }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            try XLSXReader.rows(of: url, limits: limits, dateColumns: dateColumns, body)
            return
        }
        try handle.seek(toOffset: 0)
        read?.start(total: (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil)
        var decoder = TextDecoder()
        var parser = CSVParser()
        parser.maxFieldBytes = limits.fieldBytes
        parser.maxFields = limits.fieldsPerRecord
        do {
            while true {
                let chunk = (try handle.read(upToCount: 1 << 20)) ?? Data()
                let last = chunk.isEmpty
                read?.add(chunk.count)
                let text = try decoder.decode([UInt8](chunk), last: last)
                try parser.feed(text, emit: body)
                if last { break }
            }
            try parser.finish(emit: body)
        } catch let e as RolloutError {
            throw FileProblem(error: ImportError(row: Int(e.arguments["row"] ?? "") ?? parser.recordNumber, column: "", code: e.code,
                                                 arguments: e.arguments))
        }
    }
}

/// How far the reading of a file has got, shared between the reading thread and the importer.
final class ReadProgress: Sendable {
    private let state = NIOLockedValueBox<(total: Int?, done: Int)>((nil, 0))

    func start(total: Int?) { state.withLockedValue { $0.total = total } }
    func add(_ bytes: Int) { state.withLockedValue { $0.done += bytes } }

    /// The share of the file read, when its size is known.
    var fraction: Double? {
        state.withLockedValue { s in
            guard let total = s.total, total > 0 else { return nil }
            return min(1, Double(s.done) / Double(total))
        }
    }
}
