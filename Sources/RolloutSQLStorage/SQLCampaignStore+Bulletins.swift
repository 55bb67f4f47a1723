import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// Keeps a bulletin's bytes and appends its `bulletin.issued` event, in one transaction;
    /// refuses a second bulletin for the same cut-off.
    public func issueBulletin(cutoff: Instant, html: String, csv: String, sha256: String, csvSha256: String,
                              actor: String, via: String?, now: Instant) async throws -> BulletinInfo {
        try await withWriteSession { session in
            let s = session as! SQLWriteSession
            return try await s.keepBulletin(cutoff: cutoff, html: html, csv: csv, sha256: sha256, csvSha256: csvSha256, actor: actor, via: via, now: now)
        }
    }

    /// A bulletin's stored bytes, or nil when there is none with that id.
    public func bulletin(id: Int64) async throws -> StoredBulletin? {
        try await read { db in
            guard let r = try await db.raw("SELECT * FROM bulletins WHERE id = \(bind: id)").first() else { return nil }
            return StoredBulletin(info: try Self.bulletinInfo(r), html: try r.string("html"), csv: try r.string("csv"))
        }
    }

    /// The bulletins issued, the latest cut-off first.
    public func bulletins() async throws -> [BulletinInfo] {
        try await read { db in
            try await db.raw("SELECT id, cutoff_at, issued_at, actor, sha256, csv_sha256 FROM bulletins ORDER BY cutoff_at DESC, id DESC").all()
                .map(Self.bulletinInfo)
        }
    }

    /// The events of some kinds, in log order (none for no kinds).
    public func events(kinds: [String]) async throws -> [LoggedEvent] {
        guard !kinds.isEmpty else { return [] }
        return try await read { db in try await Self.events(kinds: kinds, db) }
    }

    /// The events of some kinds in a span of sequence numbers, in log order (by the index
    /// `events_kind`), with or without the stage reports below `on_air`: without, the stage
    /// reports are those of the partial index `events_built_reports` (``BuiltReports``).
    public func events(kinds: [String], after afterSeq: Int64, through throughSeq: Int64, reportsBelowBuilt: Bool) async throws -> [LoggedEvent] {
        guard !kinds.isEmpty, throughSeq > afterSeq else { return [] }
        let decoder = JSONDecoder()
        let span = SQLQueryString("seq > \(bind: afterSeq) AND seq <= \(bind: throughSeq)")
        let others = reportsBelowBuilt ? kinds : kinds.filter { $0 != "stage.reported" }
        var parts: [SQLQueryString] = []
        if !others.isEmpty {
            parts.append("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE kind IN (\(binds: others)) AND \(span)")
        }
        if others.count < kinds.count {
            parts.append("SELECT \(unsafeRaw: EventRow.select) FROM \(unsafeRaw: BuiltReports.table(dialect)) WHERE \(unsafeRaw: BuiltReports.condition(dialect)) AND \(span)")
        }
        let query = parts.joined(separator: " UNION ALL ") + " ORDER BY seq"
        return try await read { db in
            try await db.raw(query).all().map { try EventRow.decode($0, decoder: decoder) }
        }
    }

    /// The events of some entities, in log order (none for no entities): by the index `events_entity`.
    public func events(entities: [String]) async throws -> [LoggedEvent] {
        guard !entities.isEmpty else { return [] }
        let decoder = JSONDecoder()
        return try await read { db in
            try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE entity IN (\(binds: entities)) ORDER BY seq").all()
                .map { try EventRow.decode($0, decoder: decoder) }
        }
    }

    static func events(kinds: [String], _ db: any SQLDatabase) async throws -> [LoggedEvent] {
        guard !kinds.isEmpty else { return [] }
        let decoder = JSONDecoder()
        return try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE kind IN (\(binds: kinds)) ORDER BY seq").all()
            .map { try EventRow.decode($0, decoder: decoder) }
    }

    /// The resources offered before the moment, by owner and id.
    public func resources(at moment: ReadMoment) async throws -> [ResourceOffer] {
        try await read { db in
            try await db.raw("SELECT * FROM resources WHERE offered_at < \(bind: moment.asOf.before.seconds) ORDER BY entity").all().map { r in
                ResourceOffer(resourceId: try r.string("resource_id"), owner: try r.string("owner"),
                              kind: Host(rawValue: try r.string("kind")) ?? .existingTower, regionCode: try r.string("region_code"),
                              lat: try r.decode(column: "lat", as: Double.self), lon: try r.decode(column: "lon", as: Double.self),
                              heightM: try r.decode(column: "height_m", as: Double?.self))
            }
        }
    }

    static func bulletinInfo(_ r: any SQLRow) throws -> BulletinInfo {
        BulletinInfo(id: try r.int("id"), cutoff: Instant(seconds: try r.int("cutoff_at")), issuedAt: Instant(seconds: try r.int("issued_at")),
                     actor: try r.string("actor"), sha256: try r.string("sha256"), csvSha256: try r.string("csv_sha256"))
    }
}

extension SQLWriteSession {
    func keepBulletin(cutoff: Instant, html: String, csv: String, sha256: String, csvSha256: String, actor: String, via: String?,
                      now: Instant) async throws -> BulletinInfo {
        if let r = try await db.raw("SELECT id FROM bulletins WHERE cutoff_at = \(bind: cutoff.seconds)").first() {
            throw RolloutError("bulletin_exists", kind: .conflict, ["value": "\(try r.int("id"))"])
        }
        let id = try await db.raw("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM bulletins").first()!.int("n") + 1
        try await db.raw("""
            INSERT INTO bulletins (id, cutoff_at, issued_at, actor, html, csv, sha256, csv_sha256)
            VALUES (\(bind: id), \(bind: cutoff.seconds), \(bind: now.seconds), \(bind: actor), \(bind: html), \(bind: csv), \(bind: sha256), \(bind: csvSha256))
            """).run()
        _ = try await append([NewEvent(.bulletinIssued(id: id, cutoff: cutoff, sha256: sha256), occurredAt: now, recordedAt: now, actor: actor, via: via)])
        return BulletinInfo(id: id, cutoff: cutoff, issuedAt: now, actor: actor, sha256: sha256, csvSha256: csvSha256)
    }
}
