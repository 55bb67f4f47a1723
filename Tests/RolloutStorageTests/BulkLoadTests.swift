import Foundation
import RolloutTestSupport
import SQLKit
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// A bulk load into a fresh log (the demo's) makes its rows ahead, defers the indexes on SQLite and
/// writes the counters in bulk: what it stores reads the same as appending the same events, and it
/// leaves the schema as the migration made it, whether it completes or fails.
@Suite struct BulkLoadTests {
    typealias Fixture = DashboardReadsTests

    /// The fixture's log in batches, each entity's events in one batch: two of sites, one of obstacles.
    static func batches() -> [[NewEvent]] {
        let log = Fixture.log()
        func site(_ e: NewEvent) -> Int? {
            guard e.body.entity.hasPrefix("site:"), let n = Int(e.body.entity.split(separator: ":").last!.dropFirst()) else { return nil }
            return n
        }
        return [log.filter { site($0).map { $0 < 6 } ?? false }, log.filter { site($0).map { $0 >= 6 } ?? false },
                log.filter { site($0) == nil }]
    }

    /// The store's indexes, by name, with their definitions where the engine keeps them, and on
    /// PostgreSQL its constraints (a unique key dropped for the load comes back as a constraint,
    /// not only as a unique index).
    static func indexes(_ store: SQLCampaignStore) async throws -> [String] {
        let dialect = store.dialect
        return try await store.read { db in
            let sql: SQLQueryString = dialect == .sqlite
                ? "SELECT name || ' ' || COALESCE(sql, '') AS i FROM sqlite_master WHERE type = 'index' ORDER BY name"
                : """
                  SELECT i FROM (SELECT indexname || ' ' || indexdef AS i FROM pg_indexes WHERE schemaname = current_schema()
                  UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
                  FROM pg_constraint WHERE connamespace = current_schema()::regnamespace) AS x ORDER BY i
                  """
            return try await db.raw(sql).all().map { try $0.decode(column: "i", as: String.self) }
        }
    }

    /// The reports' day counts as stored, one line per row.
    static func reportDays(_ store: SQLCampaignStore) async throws -> [String] {
        try await store.read { db in
            try await db.raw("SELECT operator, day, kind, actor, events FROM report_days ORDER BY operator, day, kind, actor").all().map {
                "\(try $0.string("operator")) \(try $0.int("day")) \(try $0.string("kind")) \(try $0.string("actor")) \(try $0.int("events"))"
            }
        }
    }

    @Test(arguments: Backend.available, [nil, 1] as [Int?])
    func aBulkLoadReadsAsTheSameEventsAppended(backend: Backend, batchesPerCommit: Int?) async throws {
        let batches = Self.batches()
        #expect(batches.map(\.count).allSatisfy { $0 > 0 } && batches.joined().count == Fixture.log().count)
        try await backend.withStore { loaded, _ in
            try await backend.withStore { appended, _ in
                try await Fixture.setUp(loaded)
                try await Fixture.setUp(appended)
                let schema = try await Self.indexes(loaded)
                #expect(schema.count > 10)
                let total = try await loaded.bulkLoad({ $0 < batches.count ? batches[$0] : nil }, batchesPerCommit: batchesPerCommit)
                #expect(total == Fixture.log().count)
                _ = try await appended.append(Array(batches.joined()))
                #expect(try await Self.indexes(loaded) == schema, "every index is back, as the schema wrote it")
                #expect(try await loaded.events(after: 0, limit: 1_000) == (try await appended.events(after: 0, limit: 1_000)))
                let reportDays = try await Self.reportDays(loaded)
                #expect(!reportDays.isEmpty)
                #expect(reportDays == (try await Self.reportDays(appended)), "the reports' day counts, added up over the batches")
                for day in [0.5, 3, 12, 19, 25, 33, 61, 95] {
                    for knownAt in [nil, Cutoff(before: Fixture.at(max(0.2, day - 4)))] {
                        let m = ReadMoment(asOf: Cutoff(before: Fixture.at(day)), knownAt: knownAt)
                        #expect(try await loaded.counters(at: m) == (try await appended.counters(at: m)), "day \(day), known at \(String(describing: knownAt))")
                        #expect(try await loaded.sites(SiteQuery(perPage: 100), at: m) == (try await appended.sites(SiteQuery(perPage: 100), at: m)))
                        #expect(try await loaded.obstacles(ObstacleQuery(status: .all, perPage: 100), at: m)
                                == (try await appended.obstacles(ObstacleQuery(status: .all, perPage: 100), at: m)))
                        #expect(try await loaded.progressByDay(region: nil, operator: nil, from: ShanghaiCalendar.day(of: Fixture.day0), at: m)
                                == (try await appended.progressByDay(region: nil, operator: nil, from: ShanghaiCalendar.day(of: Fixture.day0), at: m)))
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func aBulkLoadThatFailsLeavesTheStoreAsItWas(backend: Backend) async throws {
        let batches = Self.batches()
        try await backend.withStore { store, _ in
            try await Fixture.setUp(store)
            let schema = try await Self.indexes(store)
            // The last batch repeats an event of the first: the log's unique key refuses it, after
            // the indexes were dropped and two batches written (on PostgreSQL, when the key is
            // added again at the end).
            await #expect(throws: (any Error).self) {
                _ = try await store.bulkLoad({ i in i < 3 ? batches[i] : i == 3 ? [batches[0][0]] : nil }, batchesPerCommit: nil)
            }
            #expect(try await store.eventCount() == 0)
            #expect(try await Self.indexes(store) == schema)
            #expect(try await store.sites(SiteQuery(perPage: 10), at: ReadMoment(asOf: Cutoff(before: Fixture.at(90)))).total == 0)
            // A log that holds events takes no bulk load.
            _ = try await store.append(batches[2])
            await #expect(throws: RolloutError.self) {
                _ = try await store.bulkLoad({ $0 == 0 ? batches[0] : nil }, batchesPerCommit: nil)
            }
            #expect(try await Self.indexes(store) == schema)
        }
    }
}
