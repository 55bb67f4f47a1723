import Foundation
import RolloutCore
import RolloutStorage
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

/// What a backup holds, or what a restore put back: the engine, the schema's version and the log's
/// extent at the backup's moment (its last event, and when the platform learned of it).
public struct BackupReport: Sendable, Equatable {
    /// `sqlite` or `postgres`.
    public var engine: String
    /// The schema version of the copy (0: empty).
    public var schemaVersion: Int
    /// The number of events in the log.
    public var events: Int
    /// The sequence number of the newest event (0 for an empty log).
    public var lastSeq: Int64
    /// When the platform learned of the newest event; nil for an empty log.
    public var lastRecordedAt: Instant?
    /// The backup file's size, in bytes.
    public var bytes: Int64
}

extension SQLCampaignStore {
    /// Writes a consistent copy of the database to a new file at `path` while the platform goes on
    /// working: SQLite's `VACUUM INTO` (one read snapshot), or for PostgreSQL `pg_dump` in its custom
    /// format on a snapshot exported from a repeatable-read transaction, so the report and the dump
    /// see the same log. The copy is written beside the target and only linked into place when
    /// complete: an existing file is never overwritten, and a failed backup leaves nothing behind.
    public func backup(to path: String) async throws -> BackupReport {
        let temporary = try BackupTarget.claim(path)
        defer { unlink(temporary) }
        let log: LogSummary
        switch driver {
        case let sqlite as SQLiteDriver:
            do { try await sqlite.vacuumInto(temporary) } catch { throw BackupTarget.failure(error, path) }
            log = try await SQLiteDriver.summary(ofFile: temporary).log
        case is PostgresDriver:
            let program = try ExternalProgram.postgresClient("pg_dump")
            let connection = ExternalProgram.connection(url)
            log = try await read { db in
                let snapshot = try await db.raw("SELECT pg_export_snapshot() AS s").first()?.decode(column: "s", as: String.self) ?? ""
                let log = try await LogSummary.read(db, .postgres)
                let end = try await ExternalProgram.run(
                    program, connection.arguments + ["--format=custom", "--no-owner", "--no-privileges", "--snapshot=\(snapshot)", "--file=\(temporary)"],
                    environment: connection.environment)
                guard end.status == 0 else { throw RolloutError("backup_failed", kind: .unavailable, ["value": path, "reason": end.errors]) }
                return log
            }
        default:
            throw RolloutError("internal", kind: .unavailable)
        }
        try BackupTarget.place(temporary, at: path)
        return BackupReport(engine: dialect == .sqlite ? "sqlite" : "postgres", schemaVersion: log.schemaVersion, events: log.events,
                            lastSeq: log.lastSeq, lastRecordedAt: log.lastRecordedAt, bytes: BackupTarget.size(path))
    }
}

/// The file a backup (or a restored SQLite database) is written to: never one that exists, always
/// complete when it appears.
enum BackupTarget {
    /// Checks that `path` does not exist and its folder is writable; returns a fresh temporary path beside it.
    static func claim(_ path: String) throws -> String {
        guard !path.isEmpty else { throw RolloutError("backup_target_unwritable", kind: .invalid, ["value": path, "reason": "—"]) }
        var st = stat()
        if lstat(path, &st) == 0 { throw RolloutError("backup_target_exists", kind: .conflict, ["value": path]) }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw RolloutError("backup_target_unwritable", kind: .invalid, ["value": path, "reason": String(cString: strerror(ENOENT))])
        }
        guard access(folder, W_OK) == 0 else {
            throw RolloutError("backup_target_unwritable", kind: .invalid, ["value": path, "reason": String(cString: strerror(errno))])
        }
        let name = (path as NSString).lastPathComponent
        return (folder as NSString).appendingPathComponent(".\(name).partial-\(UUID().uuidString.prefix(8))")
    }

    /// Links the finished temporary file into place; refuses when something appeared there meanwhile.
    static func place(_ temporary: String, at path: String) throws {
        if let handle = FileHandle(forUpdatingAtPath: temporary) { try? handle.synchronize(); try? handle.close() }
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST { throw RolloutError("backup_target_exists", kind: .conflict, ["value": path]) }
            throw RolloutError("backup_target_unwritable", kind: .invalid, ["value": path, "reason": String(cString: strerror(code))])
        }
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// A database failure while writing the copy, as the user reads it.
    static func failure(_ error: any Error, _ path: String) -> RolloutError {
        if let e = error as? RolloutError { return e }
        return RolloutError("backup_failed", kind: .unavailable, ["value": path, "reason": "\(error)"])
    }
}
