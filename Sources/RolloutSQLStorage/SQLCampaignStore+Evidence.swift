import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// Keeps the blobs (those kept already are left as they are) and appends the events, in one
    /// transaction: a photo is never kept without its event, nor an event without its photo.
    public func keep(_ blobs: [StoredBlob], appending events: [NewEvent]) async throws -> AppendResult {
        let at = events.first?.recordedAt ?? Instant(seconds: 0)
        return try await withWriteSession { session in
            try await (session as! SQLWriteSession).keepBlobs(blobs, at: at)
            return try await session.append(events)
        }
    }

    /// Keeps blobs in bulk: multi-row inserts, leaving the ones kept already.
    public func keepBlobs(_ blobs: [StoredBlob], at now: Instant) async throws {
        guard !blobs.isEmpty else { return }
        let at = now.seconds
        _ = try await withWriteSession { session in
            let db = (session as! SQLWriteSession).db
            try await db.insertRows("blobs", columns: ["sha256", "content_type", "size", "data", "created_at"],
                                    rows: blobs.map { b -> [any Encodable & Sendable] in [b.sha256, b.contentType, Int64(b.bytes.count), Data(b.bytes), at] },
                                    suffix: "ON CONFLICT (sha256) DO NOTHING")
            return 0
        }
    }

    /// A kept blob, nil if none has that SHA-256.
    public func blob(sha256: String) async throws -> StoredBlob? {
        try await read { db in
            guard let r = try await db.raw("SELECT content_type, data FROM blobs WHERE sha256 = \(bind: sha256)").first() else { return nil }
            return StoredBlob(sha256: sha256, contentType: try r.string("content_type"), bytes: [UInt8](try r.decode(column: "data", as: Data.self)))
        }
    }
}

extension SQLWriteSession {
    /// Keeps blobs not kept yet.
    func keepBlobs(_ blobs: [StoredBlob], at: Instant) async throws {
        for b in blobs {
            guard try await db.raw("SELECT sha256 FROM blobs WHERE sha256 = \(bind: b.sha256)").first() == nil else { continue }
            try await db.raw("""
                INSERT INTO blobs (sha256, content_type, size, data, created_at)
                VALUES (\(bind: b.sha256), \(bind: b.contentType), \(bind: Int64(b.bytes.count)), \(bind: Data(b.bytes)), \(bind: at.seconds))
                """).run()
        }
    }
}
