import Foundation
import Logging
import RolloutCore
import RolloutStorage
import SQLKit
import SQLiteKit
import SQLiteNIO

/// What a SQLite file holds, read without changing it (no WAL switch, no migration): for checking a
/// backup before it is restored, and a restore's target before it is written.
struct SQLiteFileSummary: Sendable {
    var quickCheck: String
    var tables: Int
    var log: LogSummary
}

/// The log's extent and the schema's version, as one snapshot shows them.
struct LogSummary: Sendable, Equatable {
    var schemaVersion: Int
    var events: Int
    var lastSeq: Int64
    var lastRecordedAt: Instant?

    static func read(_ db: any SQLDatabase, _ dialect: Dialect) async throws -> LogSummary {
        let version = try await Schema.version(db, dialect)
        guard version > 0 else { return LogSummary(schemaVersion: 0, events: 0, lastSeq: 0, lastRecordedAt: nil) }
        let row = try await db.raw("""
            SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s,
              CAST(MAX(recorded_at) AS BIGINT) AS r FROM events
            """).first()
        return LogSummary(schemaVersion: version, events: Int(try row?.decode(column: "n", as: Int64.self) ?? 0),
                          lastSeq: try row?.decode(column: "s", as: Int64.self) ?? 0,
                          lastRecordedAt: try row?.decode(column: "r", as: Int64?.self).map { Instant(seconds: $0) })
    }
}

extension SQLiteDriver {
    /// Writes a consistent copy of the database, as one read snapshot sees it, to a new file
    /// (`VACUUM INTO`): writers go on meanwhile, in this process or another.
    func vacuumInto(_ path: String) async throws {
        try await readPool.run { connection in
            _ = try await connection.query("VACUUM INTO ?", [.text(path)])
        }
    }

    /// Opens one plain connection to a file, runs `body`, closes it.
    static func withFile<T: Sendable>(_ path: String, _ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: Logger(label: "rollout.sqlite.file"))
        do {
            _ = try await connection.query("PRAGMA busy_timeout=30000", [])
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// What an existing file holds; throws the engine's error when it is not a sound SQLite database.
    static func summary(ofFile path: String) async throws -> SQLiteFileSummary {
        try await withFile(path) { connection in
            let db = connection.sql(queryLogLevel: nil)
            let check = try await db.raw("PRAGMA quick_check").all()
                    .map { try $0.decode(column: "quick_check", as: String.self) }.joined(separator: "; ")
                let tables = try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sqlite_master WHERE type = 'table'").first()
                let log = check == "ok" ? try await LogSummary.read(db, .sqlite) : LogSummary(schemaVersion: 0, events: 0, lastSeq: 0, lastRecordedAt: nil)
                return SQLiteFileSummary(quickCheck: check, tables: Int(try tables?.decode(column: "n", as: Int64.self) ?? 0), log: log)
        }
    }
}
