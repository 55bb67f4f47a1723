import Foundation
import RolloutTestSupport
import SQLKit
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// A database written at the schema before the latest migration, as the previous release left it,
/// is brought forward by this program with its log and every answer intact, on every engine.
@Suite struct UpgradeTests {
    /// Back from migration 20 (the index of the sites built once and broken since) to 19.
    static let beforeBrokenIndex = ["DROP INDEX sites_broken", "DELETE FROM schema_version WHERE version = 20"]
    /// Back from migration 19 (the kept snapshots) to 18.
    static let beforeSnapshots = ["DROP TABLE snapshots", "DELETE FROM schema_version WHERE version = 19"]
    /// Back from migration 18 (the built reports' index, the late sites' index with the code) to 17.
    static let beforeBuiltReports = ["DROP INDEX events_built_reports", "DROP INDEX sites_late",
                                     "CREATE INDEX sites_late ON sites (planned_at, first_built_at, built_at, registered_at, registered_recorded_at, region_code, operator)",
                                     "DELETE FROM schema_version WHERE version = 18"]
    /// Back from migration 17 (the day changes indexed by their lag) to 16.
    static let beforeSpanIndex = ["DROP INDEX counter_days_span", "CREATE INDEX counter_days_recorded ON counter_days (recorded_day)",
                                  "DELETE FROM schema_version WHERE version = 17"]
    /// Back from migration 16 (the day changes indexed by the day recorded) to 15.
    static let beforeRecordedIndex = ["DROP INDEX counter_days_recorded", "DELETE FROM schema_version WHERE version = 16"]
    /// Back from migration 15 (the obstacles' resolution counters, filled by the rebuild that
    /// follows it) to 14: the previous release counted no resolution times.
    static let beforeResolutionCounters = ["DELETE FROM counter_days WHERE metric LIKE 'obstacles.resolvedin.%'",
                                           "DELETE FROM counter_tree WHERE metric LIKE 'obstacles.resolvedin.%'",
                                           "DELETE FROM schema_version WHERE version = 15"]
    /// Back from migration 14 (the campaign's first milestone) to 13.
    static let beforeFirstDue = ["ALTER TABLE campaign DROP COLUMN first_due_at", "DELETE FROM schema_version WHERE version = 14"]

    /// Takes a database back from schema 13 to 12: the dense day totals instead of the tree (the
    /// migration fills the tree from `counter_days`, which both keep).
    static let beforeCounterTree = [
        "DROP TABLE counter_tree",
        """
        CREATE TABLE counter_totals (day BIGINT NOT NULL, region_code TEXT NOT NULL, operator TEXT NOT NULL,
          metric TEXT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (day, region_code, operator, metric))
        """,
        "CREATE INDEX counter_totals_key ON counter_totals (region_code, operator, metric, day)",
        "CREATE TABLE counter_span (id BIGINT PRIMARY KEY CHECK (id = 1), first_day BIGINT NOT NULL, last_day BIGINT NOT NULL)",
        "DELETE FROM schema_version WHERE version = 13",
    ]

    @Test(arguments: Backend.available)
    func aDatabaseOfThePreviousSchemaMigratesForwardWithItsLogIntact(backend: Backend) async throws {
        let latest = SQLCampaignStore.latestSchemaVersion
        try await backend.withEmptyDatabase { url in
            // The previous release's database: its schema, a campaign, a log and its projections.
            let old = try await SQLCampaignStore.open(url)
            var answers: [CounterValues] = []
            let moments = stride(from: 0, through: 24, by: 3).map { ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: RandomLog.base) + $0)) }
            do {
                #expect(try await old.migrate(now: Instant(seconds: 1_590_000_000)) == latest)
                try await BackupTests.setUp(old)
                var gen = RandomLog(rng: 11)
                let events = gen.events(sites: 40)
                _ = try await old.bulkLoad({ $0 == 0 ? events : nil }, batchesPerCommit: nil)
                for m in moments { answers.append(try await old.counters(at: m)) }
                // Taken back to the previous schema (its totals are not read by the migration).
                try await old.write { db in for s in Self.beforeBrokenIndex + Self.beforeSnapshots + Self.beforeBuiltReports + Self.beforeSpanIndex + Self.beforeRecordedIndex + Self.beforeResolutionCounters + Self.beforeFirstDue + Self.beforeCounterTree { try await db.raw(SQLQueryString(s)).run() } }
                #expect(try await old.schemaVersion() == latest - 8)
                try await old.close()
            } catch {
                try? await old.close()
                throw error
            }
            let store = try await SQLCampaignStore.open(url, create: false)
            do {
                // This program refuses to work on it unmigrated, and says how to migrate …
                await #expect(throws: RolloutError("schema_not_migrated", kind: .conflict, ["found": "\(latest - 8)", "known": "\(latest)"])) {
                    try await store.checkSchema()
                }
                // … then migrates it forward, keeping the log and what it answers.
                #expect(try await store.migrate(now: Instant(seconds: 1_600_000_000)) == latest)
                try await store.checkSchema()
                #expect(try await store.schemaVersion() == latest)
                for (m, before) in zip(moments, answers) { #expect(try await store.counters(at: m) == before) }
                #expect(try await store.verify(moments: 4).clean)
                #expect(try await store.campaign()?.campaign.name == LogStorageTests.campaign.name)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
        }
    }
}
