import Foundation
import Logging
import NIOCore
import PostgresNIO
import SQLKit

/// A PostgreSQL transaction's database: SQLKit's, plus the bulk writes (the log and the
/// projections) through `COPY … FROM STDIN` instead of multi-row INSERTs of bound values. Binding
/// costs the client one encoding per value: on the suite's PostgreSQL tests it was 17 % of all
/// the suite's CPU (perf), and a demo of 837 sites took 34 s to load on PostgreSQL against 6.7 s
/// on SQLite; COPY sends the rows as text, encoded once.
struct PostgresSession: ForwardingDatabase {
    let base: any SQLDatabase
    let connection: PostgresConnection

    /// Fewer rows than this go as one INSERT: COPY's extra round trips cost more than it saves.
    static let fewest = 64

    /// The rows inserted through COPY, as ``SQLDatabase/insertRows(_:columns:rows:suffix:)`` would;
    /// with a suffix (`ON CONFLICT …`), through a scratch table and one `INSERT … SELECT`. False,
    /// having done nothing, when a value has no text form here (the caller then binds them).
    ///
    /// One scratch table per table and columns for the whole transaction, emptied after each use:
    /// a table made and dropped at each use keeps a lock until the transaction ends, and the demo's
    /// load at `--scale 100` (one transaction of 2,000-odd batches) ran out of PostgreSQL's lock
    /// table ("out of shared memory") after 14 minutes.
    func copyRows(_ table: String, columns: [String], rows: [[any Encodable & Sendable]], suffix: String) async throws -> Bool {
        guard let chunks = Self.text(rows) else { return false }
        let list = columns.joined(separator: ", ")
        let scratch = "rollout_copy_\(table)_\(String(UInt(bitPattern: list.hashValue), radix: 36))"
        let target = suffix.isEmpty ? table : scratch
        if !suffix.isEmpty {
            try await base.raw("CREATE TEMP TABLE IF NOT EXISTS \(ident: scratch) ON COMMIT DROP AS SELECT \(unsafeRaw: list) FROM \(ident: table) WITH NO DATA").run()
        }
        try await connection.copyFrom(table: target, columns: columns, format: .text(.init()), logger: logger) { writer in
            for chunk in chunks { try await writer.write(chunk) }
        }
        if !suffix.isEmpty {
            try await base.raw("INSERT INTO \(ident: table) (\(unsafeRaw: list)) SELECT \(unsafeRaw: list) FROM \(ident: scratch) \(unsafeRaw: suffix)").run()
            try await base.raw("TRUNCATE \(ident: scratch)").run()
        }
        return true
    }

    /// The rows in COPY's text format, in pieces of about 1 MiB; nil when a value has no text form
    /// here (bytes: bound, they cost one copy). Made as strings by the standard library, whose
    /// appends are optimised even in a debug build, unlike writes into a ByteBuffer one by one.
    static func text(_ rows: [[any Encodable & Sendable]]) -> [ByteBuffer]? {
        var chunks: [ByteBuffer] = []
        var text = ""
        text.reserveCapacity(1 << 20)
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { text += "\t" }
                guard let piece = Self.piece(value) else { return nil }
                text += piece
            }
            text += "\n"
            if text.utf8.count >= 1 << 20 {
                chunks.append(ByteBuffer(string: text))
                text = ""
                text.reserveCapacity(1 << 20)
            }
        }
        if !text.isEmpty { chunks.append(ByteBuffer(string: text)) }
        return chunks
    }

    /// One value in COPY's text format: `\N` for none, text with its backslash, tab, newline and
    /// carriage return escaped; nil for a kind of value not written here.
    static func piece(_ value: Any) -> String? {
        // The common kinds first: each failed cast costs.
        switch value {
        case let v as String: return escaped(v)
        case let v as Int64: return String(v)
        case let v as Int: return String(v)
        default: break
        }
        if let none = value as? any NoneTestable, none.isNone { return "\\N" }
        switch value {
        case let v as Int32: return String(v)
        case let v as Double: return v.isFinite ? "\(v)" : nil
        case let v as Bool: return v ? "t" : "f"
        default: return nil
        }
    }

    private static func escaped(_ text: String) -> String {
        // Most text needs nothing escaped.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for b in bytes where b == 0x5C || (b <= 0x0D && (b == 0x09 || b == 0x0A || b == 0x0D)) { return false }
            return true
        }
        if plain == true { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}

/// A value that may be an empty optional, whatever it wraps.
private protocol NoneTestable { var isNone: Bool { get } }

extension Optional: NoneTestable {
    fileprivate var isNone: Bool { self == nil }
}
