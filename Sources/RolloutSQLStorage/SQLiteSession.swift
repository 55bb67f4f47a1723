import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// An SQLite transaction's database: SQLKit's, plus a way to insert rows as SQLite values without
/// SQLKit's encoding of each one (the bulk writes: the log and the projections). Measured with
/// `rollout bench import`: see the README's figures.
struct SQLiteSession: ForwardingDatabase {
    let base: any SQLDatabase
    let connection: SQLiteConnection

    /// The same statements as ``SQLDatabase/insertRows(_:columns:rows:suffix:)``, bound directly.
    /// While SQLite runs one statement (on its own thread), the values of the next are made here:
    /// measured on the demo's load, the making of values was as long as SQLite's work on them.
    func insertRows(_ table: String, columns: [String], rows: [[any Encodable & Sendable]], suffix: String) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let tail = suffix.isEmpty ? "" : " " + suffix
        let encoder = SQLiteDataEncoder()
        let connection = self.connection
        var running: Task<Void, any Error>?
        var start = 0
        do {
            while start < rows.count {
                let end = min(rows.count, start + perStatement)
                var binds: [SQLiteData] = []
                binds.reserveCapacity((end - start) * columns.count)
                for row in rows[start..<end] {
                    for value in row { binds.append(try Self.data(value, encoder: encoder)) }
                }
                let sql = head + Array(repeating: placeholders, count: end - start).joined(separator: ", ") + tail
                if let previous = running { running = nil; try await previous.value }
                running = Task { _ = try await connection.query(sql, binds) }
                start = end
            }
            if let last = running { running = nil; try await last.value }
        } catch {
            // The statement already sent finishes before anything else runs on the connection.
            if let running { _ = try? await running.value }
            throw error
        }
    }

    /// A value as SQLite stores it: the common types directly, the others (nil among them) through
    /// SQLiteKit's encoder.
    static func data(_ value: any Encodable & Sendable, encoder: SQLiteDataEncoder) throws -> SQLiteData {
        switch value {
        case let v as String: .text(v)
        case let v as Int64: .integer(Int(v))
        case let v as Int: .integer(v)
        case let v as Double: .float(v)
        default: try encoder.encode(value)
        }
    }
}
