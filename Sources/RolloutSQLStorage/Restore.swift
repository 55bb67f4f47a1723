import Foundation
import RolloutCore
import RolloutStorage
import SQLKit
import SQLiteNIO
#if canImport(Glibc)
import Glibc
#endif

extension SQLCampaignStore {
    /// Puts a backup made by ``backup(to:)`` back into an empty database of the same engine, all or
    /// nothing, then migrates it forward when it came from an older schema. Refused before anything
    /// is written: a file that is no backup or is damaged, a backup from a newer schema, a backup of
    /// the other engine, and a target that already holds tables.
    public static func restore(from path: String, into url: DatabaseURL, now: Instant) async throws -> BackupReport {
        let engine = try BackupFile.engine(of: path)
        switch (engine, url) {
        case ("sqlite", .sqlite(let target)):
            let source: SQLiteFileSummary
            do { source = try await SQLiteDriver.summary(ofFile: path) } catch let e as SQLiteError {
                throw RolloutError("restore_damaged", kind: .invalid, ["value": path, "reason": e.message])
            }
            guard source.quickCheck == "ok" else { throw RolloutError("restore_damaged", kind: .invalid, ["value": path, "reason": source.quickCheck]) }
            try BackupFile.checkVersion(source.log.schemaVersion, path)
            try await BackupFile.checkEmpty(sqlite: target)
            // As opening would, a restore makes the target's folder (a fresh `./data`).
            let folder = (target as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let temporary = try BackupTarget.claim(target)
            defer { unlink(temporary) }
            try await SQLiteDriver.withFile(path) { connection in
                _ = try await connection.query("VACUUM INTO ?", [.text(temporary)])
            }
            try BackupTarget.place(temporary, at: target)
        case ("postgres", .postgres):
            let version = try await BackupFile.postgresDumpVersion(path)
            try BackupFile.checkVersion(version, path)
            let store = try await SQLCampaignStore.open(url)
            let tables = try await store.read { db in
                try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_tables WHERE schemaname = current_schema()").first()?
                    .decode(column: "n", as: Int64.self) ?? 0
            }
            try await store.close()
            guard tables == 0 else { throw RolloutError("restore_target_not_empty", kind: .conflict, ["value": url.description]) }
            let connection = ExternalProgram.connection(url)
            let end = try await ExternalProgram.run(
                try ExternalProgram.postgresClient("pg_restore"),
                connection.arguments + ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", path],
                environment: connection.environment)
            guard end.status == 0 else { throw RolloutError("restore_failed", kind: .unavailable, ["value": path, "reason": end.errors]) }
        default:
            throw RolloutError("restore_wrong_engine", kind: .invalid, ["value": path, "found": engine, "target": url.description])
        }
        let store = try await SQLCampaignStore.open(url)
        do {
            _ = try await store.migrate(now: now)
            let dialect = store.dialect
            let log = try await store.read { db in try await LogSummary.read(db, dialect) }
            try await store.close()
            return BackupReport(engine: engine, schemaVersion: log.schemaVersion, events: log.events, lastSeq: log.lastSeq,
                                lastRecordedAt: log.lastRecordedAt, bytes: BackupTarget.size(path))
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Reading a backup file before it is restored.
enum BackupFile {
    /// `sqlite` or `postgres`, from the file's first bytes.
    static func engine(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RolloutError("restore_source_missing", kind: .notFound, ["value": path])
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        if head.starts(with: Data("SQLite format 3\u{0}".utf8)) { return "sqlite" }
        if head.starts(with: Data("PGDMP".utf8)) { return "postgres" }
        throw RolloutError("restore_not_a_backup", kind: .invalid, ["value": path, "reason": "—"])
    }

    static func checkVersion(_ version: Int, _ path: String) throws {
        guard version > 0 else { throw RolloutError("restore_not_a_backup", kind: .invalid, ["value": path, "reason": "schema_version"]) }
        if version > Schema.latest {
            throw RolloutError("schema_too_new", kind: .conflict, ["found": "\(version)", "known": "\(Schema.latest)"])
        }
    }

    /// A SQLite target may be missing or an empty file; anything with tables is refused.
    static func checkEmpty(sqlite path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let tables: Int
        do { tables = try await SQLiteDriver.summary(ofFile: path).tables } catch {
            throw RolloutError("restore_target_not_empty", kind: .conflict, ["value": "sqlite:\(path)"])
        }
        guard tables == 0, BackupTarget.size(path + "-wal") == 0 else {
            throw RolloutError("restore_target_not_empty", kind: .conflict, ["value": "sqlite:\(path)"])
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// The newest schema version a PostgreSQL dump's `schema_version` table holds (0: none), read
    /// with `pg_restore` without connecting anywhere.
    static func postgresDumpVersion(_ path: String) async throws -> Int {
        let end = try await ExternalProgram.run(try ExternalProgram.postgresClient("pg_restore"),
                                                ["--data-only", "--table=schema_version", "--file=-", path])
        guard end.status == 0 else { throw RolloutError("restore_damaged", kind: .invalid, ["value": path, "reason": end.errors]) }
        var copying = false, newest = 0
        for line in String(decoding: end.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("COPY ") && line.contains("schema_version") { copying = true; continue }
            if line == "\\." { copying = false; continue }
            if copying, let v = line.split(separator: "\t").first.flatMap({ Int($0) }) { newest = max(newest, v) }
        }
        return newest
    }
}
