import Foundation
import RolloutCore
import RolloutStorage
import PostgresNIO
import SQLKit
import ServiceLifecycle
import Tracing
import SQLiteNIO
import NIOConcurrencyHelpers

/// The one implementation of ``CampaignStore``: the same SQL through SQLKit on SQLite and PostgreSQL.
public final class SQLCampaignStore: CampaignStore {
    let driver: any SQLDriver
    /// Where the data lives, for messages.
    public let url: DatabaseURL

    /// The changes committed, for live pages.
    let feed = ChangeFeed()
    /// The counter cells a write gathers before writing them within its transaction (tests lower it).
    let counterCellsPerFlush = NIOLockedValueBox(SQLWriteSession.cellsPerFlush)
    /// Reads as known at a past instant by the scan of every day change instead of the tree less
    /// the changes in flight (tests read both ways).
    let pastKnowledgeByScan = NIOLockedValueBox(false)
    /// Moves whenever a token is revoked or an account disabled or given a new password, by this
    /// process at once, by another within the watcher's second.
    let credentials = NIOLockedValueBox<(version: Int64, generation: Int64?)>((0, nil))
    private let watcher = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// The PostgreSQL channel of committed changes.
    static let changeChannel = "rollout_changes"

    init(driver: any SQLDriver, url: DatabaseURL) { self.driver = driver; self.url = url }

    /// The changes committed from now on, here or (PostgreSQL) by any instance; starts watching.
    public func changes() -> AsyncStream<StoreChange> {
        let stream = feed.subscribe()
        startWatching()
        return stream
    }

    /// The version of the log without a query when the store is watching it (a server is), else read.
    public func currentSeq() async throws -> Int64 {
        if watcher.withLockedValue({ $0 != nil }), let seq = feed.latest { return seq }
        return try await lastSeq()
    }

    /// Watches the log for changes made elsewhere: PostgreSQL's NOTIFY from any instance at once,
    /// and a poll of the newest sequence number every second (another process writing the same
    /// SQLite file, a notification lost while a connection was down).
    public func watchChanges() { startWatching() }

    func startWatching() {
        guard watcher.withLockedValue({ $0 == nil }) else { return }
        let task = Task { [feed, weak self] in
            // The first read tells subscribers the version too: a change committed between their
            // subscription and this read must not pass unheard.
            while !Task.isCancelled {
                if let seq = try? await self?.lastSeq() { feed.publish(StoreChange(lastSeq: seq)) }
                if let self, let generation = try? await self.credentialsGeneration() {
                    self.credentials.withLockedValue { c in
                        if c.generation != generation { c = (c.version + 1, generation) }
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        var started = false
        watcher.withLockedValue { if $0 == nil { $0 = task; started = true } }
        if !started { task.cancel(); return }
        if let pg = driver as? PostgresDriver {
            pg.listen(on: SQLCampaignStore.changeChannel) { [feed] payload in
                feed.publish(StoreChange(lastSeq: Int64(payload) ?? 0))
            }
        }
    }

    /// Opens the database a URL names; throws `database_unreachable` when it cannot.
    ///
    /// - Parameter create: whether a missing SQLite file may be created; when not, a missing file
    ///   is `no_campaign` (a mistyped path must not leave an empty database behind).
    /// - Parameter runsOwnConnections: whether the store runs its PostgreSQL client's background work
    ///   itself (a command that does one job). The server passes false and runs ``connectionService``
    ///   in its service group, then calls ``checkReachable()`` before the first read.
    public static func open(_ url: DatabaseURL, create: Bool = true, runsOwnConnections: Bool = true) async throws -> SQLCampaignStore {
        switch url {
        case .sqlite(let path):
            if !create && !FileManager.default.fileExists(atPath: path) { throw RolloutError("no_campaign", kind: .conflict) }
            return SQLCampaignStore(driver: try await SQLiteDriver.open(path: path), url: url)
        case .postgres(let host, let port, let user, let password, let database):
            let driver = try await PostgresDriver.open(host: host, port: port, user: user, password: password,
                                                       database: database, description: url.description, runsItself: runsOwnConnections)
            return SQLCampaignStore(driver: driver, url: url)
        }
    }

    /// Opens a new SQLite file that is filled in one go and thrown away unless complete (the demo's
    /// side file): written with no journal and without waiting for the disk. Close it and open it
    /// again with ``open(_:create:runsOwnConnections:)`` once complete.
    public static func openSideFile(path: String) async throws -> SQLCampaignStore {
        SQLCampaignStore(driver: try await SQLiteDriver.open(path: path, sideFile: true), url: .sqlite(path: path))
    }

    /// The PostgreSQL client, for a service group to run (and stop last) when the store was opened
    /// with `runsOwnConnections: false`; nil for SQLite.
    public var connectionService: (any Service)? { (driver as? PostgresDriver)?.client }

    /// Fails with `database_unreachable` when the database does not answer within 30 s.
    public func checkReachable() async throws {
        try await (driver as? PostgresDriver)?.checkReachable(description: url.description)
    }

    var dialect: Dialect { driver.dialect }

    /// For a database file that is being filled in one go and thrown away unless complete (the
    /// demo's side file): skips waiting for the disk. No effect on PostgreSQL.
    public func relaxDurability() async throws {
        try await (driver as? SQLiteDriver)?.relaxDurability()
    }

    /// Runs a write, turning database failures into errors a user can read.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withSpan("sql.write", ofKind: .client) { span in
            span.attributes["db.system"] = dialect == .sqlite ? "sqlite" : "postgresql"
            let waited = DatabaseWaits.start(dialect, write: true)
            do { return try await driver.write { db in waited.began(); return try await body(db) } } catch { throw translate(error) }
        }
    }

    /// Runs a read on one snapshot, turning database failures into errors a user can read.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withSpan("sql.read", ofKind: .client) { span in
            span.attributes["db.system"] = dialect == .sqlite ? "sqlite" : "postgresql"
            let waited = DatabaseWaits.start(dialect, write: false)
            do { return try await driver.read { db in waited.began(); return try await body(db) } } catch { throw translate(error) }
        }
    }

    func translate(_ error: any Error) -> any Error {
        // Only the engines' own failures are reworded; anything else is the caller's to handle.
        guard error is SQLiteError || error is PSQLError || error is PostgresTransactionError else { return error }
        let text = String(describing: error) + " " + (driver is PostgresDriver ? PostgresDriver.reason(error) : "")
        if text.contains("log_is_append_only") { return RolloutError("log_is_append_only", kind: .conflict) }
        if text.contains("no such table") || text.contains("does not exist") {
            return RolloutError("schema_not_migrated", kind: .conflict, ["found": "0", "known": "\(Schema.latest)"])
        }
        return RolloutError("database_error", kind: .unavailable, ["reason": text.trimmingCharacters(in: .whitespaces)])
    }

    /// The newest schema version this program knows.
    public static var latestSchemaVersion: Int { Schema.latest }

    /// The schema version the database is at (0: empty).
    public func schemaVersion() async throws -> Int {
        let dialect = self.dialect
        return try await read { db in try await Schema.version(db, dialect) }
    }

    /// Applies the missing migrations and returns the version; refuses a newer Rollout's database.
    public func migrate(now: Instant) async throws -> Int { try await migrate(now: now, through: Schema.latest) }

    /// Applies the migrations the database lacks up to `through` (an older version: for tests of upgrades).
    public func migrate(now: Instant, through target: Int) async throws -> Int {
        let dialect = self.dialect
        let before = try await schemaVersion()
        let after = try await write { db in try await Schema.migrate(db, dialect, now: now, through: target) }
        // Migrations that add projected columns leave them empty: derive them again from the log.
        let needsRebuild = before > 0 && before < Schema.rebuildAfter && after >= Schema.rebuildAfter
        if needsRebuild, try await eventCount() > 0 {
            _ = try await rebuildProjections()
        }
        return after
    }

    /// Checks the schema is the one this program knows.
    public func checkSchema() async throws {
        let dialect = self.dialect
        try await read { db in try await Schema.check(db, dialect) }
    }

    /// The campaign, or nil in an empty database.
    public func campaign() async throws -> StoredCampaign? {
        try await read { db in
            guard let r = try await db.raw("SELECT name, start_at, deadline_at, clock_at, first_due_at FROM campaign WHERE id = 1").first() else { return nil }
            return StoredCampaign(
                campaign: Campaign(name: try r.string("name"), start: Instant(seconds: try r.int("start_at")),
                                   deadline: Instant(seconds: try r.int("deadline_at")),
                                   firstDue: try r.optionalInt("first_due_at").map { Instant(seconds: $0) }),
                clock: try r.optionalInt("clock_at").map { Instant(seconds: $0) })
        }
    }

    /// Creates the campaign, its regions and outlines; throws `campaign_exists` when there is one.
    public func createCampaign(_ campaign: Campaign, clock: Instant?, regions: [Region], outlines: [String: String],
                               now: Instant) async throws {
        guard campaign.deadline > campaign.start else { throw RolloutError("bad_campaign_dates") }
        if let first = campaign.firstDue, first <= campaign.start || first > campaign.deadline { throw RolloutError("bad_campaign_dates") }
        try await write { db in
            if let r = try await db.raw("SELECT name FROM campaign WHERE id = 1").first() {
                throw RolloutError("campaign_exists", kind: .conflict, ["value": try r.string("name")])
            }
            try await db.raw("""
                INSERT INTO campaign (id, name, start_at, deadline_at, clock_at, created_at)
                VALUES (1, \(bind: campaign.name), \(bind: campaign.start.seconds), \(bind: campaign.deadline.seconds),
                        \(bind: clock?.seconds), \(bind: now.seconds))
                """).run()
            // Set apart, so a campaign without one is written the same on a schema before migration 14.
            if let first = campaign.firstDue {
                try await db.raw("UPDATE campaign SET first_due_at = \(bind: first.seconds) WHERE id = 1").run()
            }
            let rows: [[any Encodable & Sendable]] = try regions.enumerated().map { i, r in
                [r.code, Int64(i), r.nameZh, r.nameEn, r.kind.rawValue, try StoredJSON.encode(r)]
            }
            try await db.insertRows("regions", columns: ["code", "ordinal", "name_zh", "name_en", "kind", "data"], rows: rows)
            let outlineRows: [[any Encodable & Sendable]] = outlines.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
            try await db.insertRows("region_outlines", columns: ["code", "geojson"], rows: outlineRows)
        }
    }

    /// The campaign's regions, in their file order.
    public func regions() async throws -> [Region] {
        try await read { db in try await SQLCampaignStore.regions(db) }
    }

    static func regions(_ db: any SQLDatabase) async throws -> [Region] {
        try await db.raw("SELECT data FROM regions ORDER BY ordinal").all().map { try StoredJSON.decode(Region.self, try $0.string("data")) }
    }

    /// The stored outline geometry (GeoJSON) of each region that has one, by region code.
    public func outlines() async throws -> [String: String] {
        try await read { db in
            var out: [String: String] = [:]
            for r in try await db.raw("SELECT code, geojson FROM region_outlines").all() { out[try r.string("code")] = try r.string("geojson") }
            return out
        }
    }

    /// The sequence number of the newest event (0 for an empty log), read from the database.
    public func lastSeq() async throws -> Int64 {
        try await read { db in try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM events").first()!.int("s") }
    }

    /// The metrics system has been set up: the timers of the waits for a connection are made again on it.
    public func metricsSystemStarted() { DatabaseWaits.rebind() }

    /// The size on disk in bytes: the SQLite file and its write-ahead log, or `pg_database_size`.
    public func databaseBytes() async throws -> Int64 {
        switch url {
        case .sqlite(let path):
            return [path, path + "-wal"].reduce(Int64(0)) { sum, p in
                sum + (((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.int64Value ?? 0)
            }
        case .postgres:
            return try await read { db in
                try await db.raw("SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n").first()?.decode(column: "n", as: Int64.self) ?? 0
            }
        }
    }

    /// The number of events in the log.
    public func eventCount() async throws -> Int {
        try await read { db in Int(try await db.raw("SELECT COUNT(*) AS n FROM events").first()!.int("n")) }
    }

    /// The events of the log in order, `limit` at a time after `afterSeq`.
    public func events(after afterSeq: Int64, limit: Int) async throws -> [LoggedEvent] {
        try await read { db in
            let decoder = JSONDecoder()
            return try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE seq > \(bind: afterSeq) ORDER BY seq LIMIT \(bind: Int64(limit))")
                .all().map { try EventRow.decode($0, decoder: decoder) }
        }
    }

    /// Creates another database on the same PostgreSQL server (for tests and set-up scripts).
    public func createDatabase(named name: String) async throws {
        guard let pg = driver as? PostgresDriver, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw RolloutError("bad_database_url", ["value": name])
        }
        do { try await pg.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) } catch { throw translate(error) }
    }

    /// Stops watching, ends the change streams and closes the connections.
    public func close() async throws {
        watcher.withLockedValue { $0?.cancel() }
        feed.finish()
        try await driver.close()
    }
}
