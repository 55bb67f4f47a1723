import Foundation
import RolloutCore

/// The formats of an export, and the writer of each.
public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, xlsx, json

    /// The format a user named; `bad_format` otherwise.
    public init(checking text: String) throws {
        guard let f = ExportFormat(rawValue: text.lowercased()) else { throw RolloutError("bad_format", ["value": text]) }
        self = f
    }

    /// The HTTP `Content-Type` of a download in this format (text ones in UTF-8).
    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// A writer of this format into a file (written from its start).
    public func writer(to url: URL, sheet: String, header: [String]) throws -> any TableWriter {
        switch self {
        case .csv: try CSVTableWriter(url: url, header: header)
        case .json: try JSONArrayWriter(url: url)
        case .xlsx: try XLSXWriter(url: url, sheet: sheet, header: header)
        }
    }
}

/// Writes a table row by row; nothing of it is held whole.
public protocol TableWriter: AnyObject {
    /// Writes one row.
    func write(_ row: ExportRow) throws
    /// Writes what is left and closes the file.
    func finish() throws
}

/// Bytes gathered and written to a file in large pieces.
final class BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(url: URL) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
