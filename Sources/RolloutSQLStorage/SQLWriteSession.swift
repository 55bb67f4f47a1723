import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// The SQL implementation: appends go to the log and projections at once; counter changes are
/// gathered and written once, before the commit.
actor SQLWriteSession: WriteSession {
    let db: any SQLDatabase
    private var counters = CounterWriter()
    private var nextSeq: Int64?
    /// Site states read or written in this transaction, as they stand now: an import reads a
    /// chunk's sites to check it, then appends it, without decoding them twice.
    private var siteCache: [SiteKey: SiteState] = [:]

    /// The site states kept before they are let go: two of the importer's chunks of 5,000 rows, so
    /// that a chunk's states, read to check it, are there when it is appended. At 50,000 a file of
    /// 250,000 new sites held the states of up to 50,000 (part of its 294 MB peak, issue 25's bound
    /// being 256 MB).
    static let sitesKept = 10_000

    /// The counter cells gathered before they are written within the transaction.
    private let cellsPerFlush: Int
    /// The default of ``cellsPerFlush``.
    static let cellsPerFlush = 20_000

    init(db: any SQLDatabase, cellsPerFlush: Int = SQLWriteSession.cellsPerFlush) { self.db = db; self.cellsPerFlush = cellsPerFlush }

    func regions() async throws -> [Region] { try await SQLCampaignStore.regions(db) }

    func outlines() async throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try await db.raw("SELECT code, geojson FROM region_outlines").all() { out[try r.string("code")] = try r.string("geojson") }
        return out
    }

    func sites(_ keys: Set<SiteKey>) async throws -> [SiteKey: SiteState] {
        var out: [SiteKey: SiteState] = [:]
        var missing: Set<SiteKey> = []
        for k in keys { if let s = siteCache[k] { out[k] = s } else { missing.insert(k) } }
        let loaded = try await Projector.loadSites(missing, db: db)
        if siteCache.count > Self.sitesKept { siteCache.removeAll(keepingCapacity: true) }
        for (k, s) in loaded { out[k] = s; siteCache[k] = s }
        return out
    }

    func obstacles(_ entities: Set<String>) async throws -> [String: ObstacleState] { try await Projector.loadObstacles(entities, db: db) }

    func targetRecords() async throws -> [TargetRecord] { try await SQLCampaignStore.targetRecords(db) }

    func loggedEvents(kinds: [String]) async throws -> [LoggedEvent] { try await SQLCampaignStore.events(kinds: kinds, db) }

    func contractors() async throws -> Set<String> {
        let field = db.dialect.name == "sqlite" ? "json_extract(state, '$.registration.contractor')" : "(state::jsonb #>> '{registration,contractor}')"
        return Set(try await db.raw("SELECT DISTINCT \(unsafeRaw: field) AS c FROM sites WHERE \(unsafeRaw: field) IS NOT NULL").all().map { try $0.string("c") })
    }

    func resources(_ ids: Set<String>) async throws -> [String: [ResourceOffer]] {
        var out: [String: [ResourceOffer]] = [:]
        for chunk in Array(ids).chunked() {
            for r in try await db.raw("SELECT * FROM resources WHERE resource_id IN (\(binds: chunk))").all() {
                let offer = ResourceOffer(resourceId: try r.string("resource_id"), owner: try r.string("owner"),
                                          kind: Host(rawValue: try r.string("kind")) ?? .existingTower, regionCode: try r.string("region_code"),
                                          lat: try r.decode(column: "lat", as: Double.self), lon: try r.decode(column: "lon", as: Double.self),
                                          heightM: try r.decode(column: "height_m", as: Double?.self))
                out[offer.resourceId, default: []].append(offer)
            }
        }
        return out
    }

    func knownDedupKeys(_ keys: [String]) async throws -> Set<String> {
        var known: Set<String> = []
        for chunk in keys.chunked() {
            for r in try await db.raw("SELECT dedup FROM events WHERE dedup IN (\(binds: chunk))").all() { known.insert(try r.string("dedup")) }
        }
        return known
    }

    func append(_ events: [NewEvent]) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(applied: 0, unchanged: 0) }
        return try await append(events, knownDedupKeys: try await knownDedupKeys(events.map(\.dedupKey)))
    }

    func append(_ events: [NewEvent], knownDedupKeys: Set<String>) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(applied: 0, unchanged: 0) }
        var known = knownDedupKeys
        var fresh: [NewEvent] = []
        for e in events where !known.contains(e.dedupKey) {
            known.insert(e.dedupKey)
            fresh.append(e)
        }
        var next: Int64
        if let n = nextSeq { next = n } else {
            next = try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM events").first()!.int("s") + 1
        }
        let logged = fresh.map { e -> LoggedEvent in defer { next += 1 }; return LoggedEvent(seq: next, event: e) }
        nextSeq = next
        let projected = try await Projector.project(logged, db: db, existing: true, known: siteCache)
        counters.add(projected.deltas)
        if counters.cellCount >= cellsPerFlush {
            // A large file's counters go out in pieces: their tree rows (up to 17 a cell) would
            // otherwise all be held until the commit (345 MB for one file of 100,000 rows).
            try await finish()
        }
        for (k, s) in projected.sites { siteCache[k] = s }
        try await SQLCampaignStore.insertEvents(logged, db: db)
        try await Outbox.enqueue(logged, db: db)
        if !logged.isEmpty { appendedAny = true }
        return AppendResult(applied: fresh.count, unchanged: events.count - fresh.count)
    }

    /// The newest sequence number appended in this session, if any.
    var lastAppended: Int64? {
        guard let n = nextSeq, appendedAny else { return nil }
        return n - 1
    }
    private var appendedAny = false

    /// Writes the gathered counter changes: before the commit, and when a large write has gathered many.
    func finish() async throws {
        try await counters.flushIncremental(db: db)
        counters = CounterWriter()
    }
}
