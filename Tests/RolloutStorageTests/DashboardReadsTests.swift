import Foundation
import SQLKit
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The dashboard's lists on every available database, against what the log says; the change
/// feed, across two instances on PostgreSQL.
@Suite struct DashboardReadsTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-03-01")!

    static func at(_ days: Double) -> Instant { day0.adding(seconds: Int64(days * 86_400)) }

    /// A campaign of two regions over 90 days.
    static func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(Campaign(name: "c", start: day0, deadline: at(90)), clock: nil,
                                       regions: ["500101", "500102"].map { Region(code: $0, nameZh: $0, nameEn: $0, kind: .district) },
                                       outlines: [:], now: day0)
    }

    /// Twelve sites planned to be on air on day 20, built on days 5, 10, …, 60 (some after a
    /// rollback); obstacles opened, escalated and resolved on known days.
    static func log() -> [NewEvent] {
        var events: [NewEvent] = []
        for i in 0..<12 {
            let key = SiteKey(operator: i % 2 == 0 ? .cmcc : .ctcc, code: "S\(i)")
            let reg = SiteRegistration(site: key, regionCode: i < 6 ? "500101" : "500102", name: "站\(i)", lat: 29.5, lon: 106.5,
                                       kind: .macro, plannedOnAir: at(20))
            events.append(NewEvent(.siteRegistered(reg), occurredAt: at(0), recordedAt: at(0), actor: "t"))
            let built = Double(5 * (i + 1))
            events.append(NewEvent(.stageReported(site: key, stage: .onAir, note: nil), occurredAt: at(built), recordedAt: at(built), actor: "t"))
            if i == 0 {
                events.append(NewEvent(.stageRolledBack(site: key, stage: .installed, reason: "返工"), occurredAt: at(30), recordedAt: at(30), actor: "t"))
            }
        }
        for i in 0..<4 {
            let o = ObstacleOpening(org: "cmcc", ref: "O\(i)", site: nil, regionCode: "500101", operator: .cmcc,
                                    category: i % 2 == 0 ? .power : .access, responsible: i == 0 ? "电力公司" : nil, description: "问题\(i)")
            events.append(NewEvent(.obstacleOpened(o), occurredAt: at(Double(i)), recordedAt: at(Double(i) + 1), actor: "t"))
        }
        events.append(NewEvent(.obstacleEscalated(org: "cmcc", ref: "O0", reason: "需协调"), occurredAt: at(10), recordedAt: at(10), actor: "t"))
        events.append(NewEvent(.obstacleResolved(org: "cmcc", ref: "O1"), occurredAt: at(15), recordedAt: at(16), actor: "t"))
        return events.sorted { $0.recordedAt < $1.recordedAt }
    }

    @Test(arguments: Backend.available)
    func lateSitesObstaclesAndDailyProgressFollowTheLog(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await Self.setUp(store)
            _ = try await store.append(Self.log())
            for day in [3.0, 12, 19, 25, 33, 61] {
                let moment = ReadMoment(asOf: Cutoff(before: Self.at(day)))
                // Late: planned for day 20, not built then; site 0 is built on day 5 but rolled back on day 30.
                let late = try await store.lateSites(region: nil, operator: nil, limit: 100, at: moment)
                let all = try await store.sites(SiteQuery(perPage: 1000), at: moment).sites
                #expect(late.total == all.filter(\.late).count, "day \(day)")
                #expect(Set(late.sites.map(\.siteCode)) == Set(all.filter(\.late).map(\.siteCode)), "day \(day)")
                // A short list is the late sites planned earliest (then by operator and code), with the whole count.
                let earliest = all.filter(\.late).sorted { ($0.plannedOnAir ?? "", $0.operator, $0.siteCode) < ($1.plannedOnAir ?? "", $1.operator, $1.siteCode) }
                let short = try await store.lateSites(region: nil, operator: nil, limit: 2, at: moment)
                #expect(short.sites.map(\.siteCode) == earliest.prefix(2).map(\.siteCode) && short.total == late.total, "day \(day)")
                let west = try await store.lateSites(region: "500101", operator: .cmcc, limit: 100, at: moment)
                #expect(west.total == all.filter { $0.late && $0.regionCode == "500101" && $0.operator == "cmcc" }.count)
                // Obstacles open at the moment, with ages in whole days.
                let open = try await store.obstacles(ObstacleQuery(perPage: 100), at: moment)
                let expectedOpen = (0..<4).filter { Double($0) < day && !($0 == 1 && day > 15) }
                #expect(open.obstacles.map(\.ref).sorted() == expectedOpen.map { "O\($0)" }, "day \(day)")
                #expect(open.obstacles.allSatisfy { $0.ageDays == Int(day) - Int($0.ref.dropFirst())! }, "day \(day)")
                let escalated = try await store.obstacles(ObstacleQuery(status: .escalated), at: moment)
                #expect(escalated.obstacles.map(\.ref) == (day > 10 ? ["O0"] : []), "day \(day)")
                #expect(open.byCategory.reduce(0) { $0 + $1.count } == open.total)
                // The database's counting (as now known) equals reading every obstacle (as known at a later moment).
                let known = ReadMoment(asOf: moment.asOf, knownAt: Cutoff(before: Self.at(1000)))
                for q in [ObstacleQuery(perPage: 2), ObstacleQuery(page: 2, perPage: 2), ObstacleQuery(status: .escalated),
                          ObstacleQuery(category: .power), ObstacleQuery(minAgeDays: 9)] {
                    #expect(try await store.obstacles(q, at: moment) == (try await store.obstacles(q, at: known)), "day \(day) \(q)")
                }
                // Progress by day equals the counters at the end of each day.
                let series = try await store.progressByDay(region: nil, operator: nil, from: ShanghaiCalendar.day(of: Self.day0), at: moment)
                #expect(series.last?.built == (try await store.counters(at: moment)).built(), "day \(day)")
                let fromLog = try await store.progressByDay(region: nil, operator: nil, from: ShanghaiCalendar.day(of: Self.day0),
                                                            at: ReadMoment(asOf: moment.asOf, knownAt: Cutoff(before: Self.at(1000))))
                #expect(series == fromLog, "day \(day): the running totals equal the sum of the changes")
            }
            // Known at day 1.5: the obstacles recorded later are not yet known.
            let early = ReadMoment(asOf: Cutoff(before: Self.at(3)), knownAt: Cutoff(before: Self.at(1.5)))
            #expect(try await store.obstacles(ObstacleQuery(), at: early).obstacles.map(\.ref) == ["O0"])
            // O1 was resolved on day 15 and that was recorded on day 16: as known before, it was open.
            for (known, open) in [(15.7, ["O0", "O1", "O2", "O3"]), (16.5, ["O0", "O2", "O3"])] {
                let m = ReadMoment(asOf: Cutoff(before: Self.at(15.5)), knownAt: Cutoff(before: Self.at(known)))
                #expect(try await store.obstacles(ObstacleQuery(perPage: 100), at: m).obstacles.map(\.ref) == open, "known at day \(known)")
                #expect(try await store.obstacles(ObstacleQuery(status: .all, perPage: 100), at: m).obstacles.filter { $0.status != "resolved" }
                    .map(\.ref) == open, "known at day \(known), every status")
            }
            let reports = try await store.reports(operator: .cmcc, days: 90, at: ReadMoment(asOf: Cutoff(before: Self.at(90))))
            #expect(reports.reduce(0) { $0 + $1.events } == Self.log().filter { e in
                switch e.body {
                case .siteRegistered(let r): return r.site.operator == .cmcc
                case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): return s.operator == .cmcc
                default: return false
                }
            }.count + 4)  // and the four obstacles it raised
        }
    }

    @Test(arguments: Backend.available)
    func anObstacleIsEscalatedOnceAndNotAfterItsResolution(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await Self.setUp(store)
            _ = try await store.append(Self.log())
            let before = try await store.eventCount()
            await #expect(throws: RolloutError.self) {
                _ = try await store.append([NewEvent(.obstacleEscalated(org: "cmcc", ref: "O1", reason: ""), occurredAt: Self.at(20), recordedAt: Self.at(20), actor: "t")])
            }
            await #expect(throws: RolloutError.self) {
                _ = try await store.append([NewEvent(.obstacleEscalated(org: "cmcc", ref: "nope", reason: ""), occurredAt: Self.at(20), recordedAt: Self.at(20), actor: "t")])
            }
            // The same escalation sent again changes nothing.
            let again = try await store.append([NewEvent(.obstacleEscalated(org: "cmcc", ref: "O0", reason: "需协调"), occurredAt: Self.at(10), recordedAt: Self.at(10), actor: "t")])
            #expect(again.applied == 0 && again.unchanged == 1)
            #expect(try await store.eventCount() == before)
            // The projection after a rebuild is the same.
            let moment = ReadMoment(asOf: Cutoff(before: Self.at(40)))
            let was = try await store.obstacles(ObstacleQuery(status: .all), at: moment)
            _ = try await store.rebuildProjections()
            #expect(try await store.obstacles(ObstacleQuery(status: .all), at: moment) == was)
        }
    }

    @Test(arguments: Backend.available)
    func aCommittedAppendReachesTheChangeFeedOfEveryInstance(backend: Backend) async throws {
        try await backend.withStore { store, url in
            try await Self.setUp(store)
            // A second instance on the same database (on SQLite: the same process's store only).
            let other = backend == .postgres ? try await SQLCampaignStore.open(url) : store
            let mine = store.changes()
            let theirs = other.changes()
            // Let the listener of the other instance start before the change is made.
            try await Task.sleep(for: .milliseconds(500))
            let key = SiteKey(operator: .cmcc, code: "A")
            let started = Date()
            _ = try await store.append([NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: "500101", name: "a", lat: 29.5, lon: 106.5, kind: .macro)),
                                                 occurredAt: Self.at(1), recordedAt: Self.at(1), actor: "t")])
            for feed in [mine, theirs] {
                let got = try await withThrowingTaskGroup(of: StoreChange?.self) { group in
                    group.addTask {
                        // The first event may tell the version the watcher found on starting.
                        for await change in feed where change.lastSeq >= 1 { return change }
                        return nil
                    }
                    // Generous: the whole suite runs in parallel on two cores (the latency is measured in the web tests' output).
                    group.addTask { try await Task.sleep(for: .seconds(20)); return nil }
                    let first = try await group.next()!
                    group.cancelAll()
                    return first
                }
                #expect(got == StoreChange(lastSeq: 1))
            }
            print("\(backend): the change reached both feeds in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
            if backend == .postgres { try await other.close() }
        }
    }

    @Test(arguments: Backend.available)
    func aDatabaseFromBeforeTheDashboardIsMigratedAndRebuilt(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await Self.setUp(store)
            _ = try await store.append(Self.log())
            let moment = ReadMoment(asOf: Cutoff(before: Self.at(25)))
            let late = try await store.lateSites(region: nil, operator: nil, limit: 100, at: moment)
            let open = try await store.obstacles(ObstacleQuery(status: .all), at: moment)
            let summary = try await store.counters(at: moment)
            let reports = try await store.reports(operator: .cmcc, days: 30, at: moment)
            let asKnown = ReadMoment(asOf: Cutoff(before: Self.at(15.5)), knownAt: Cutoff(before: Self.at(15.7)))
            let openAsKnown = try await store.obstacles(ObstacleQuery(perPage: 100), at: asKnown)
            #expect(openAsKnown.obstacles.map(\.ref).contains("O1"))
            // Take the database back to schema 2: what the dashboard's migration (and the later ones) added is gone.
            try await store.write { db in
                for statement in UpgradeTests.beforeBrokenIndex + UpgradeTests.beforeSnapshots + UpgradeTests.beforeBuiltReports + UpgradeTests.beforeSpanIndex + UpgradeTests.beforeRecordedIndex + UpgradeTests.beforeResolutionCounters + UpgradeTests.beforeFirstDue + UpgradeTests.beforeCounterTree + ["DROP TABLE blobs", "DELETE FROM schema_version WHERE version = 12",
                                  "DROP TABLE notification_items", "DROP TABLE notifications", "DROP TABLE subscriptions",
                                  "DELETE FROM schema_version WHERE version = 11", "DROP TABLE signin_attempts", "DROP INDEX persist_account", "ALTER TABLE persist DROP COLUMN account",
                                  "CREATE TABLE signin_failures (key TEXT NOT NULL, at BIGINT NOT NULL)", "DELETE FROM schema_version WHERE version = 10",
                                  "DROP TABLE report_days", "ALTER TABLE obstacles DROP COLUMN resolved_recorded_at", "DELETE FROM schema_version WHERE version = 9",
                                  "DROP INDEX obstacles_reopened", "DROP INDEX obstacles_open",
                                  "CREATE INDEX obstacles_open ON obstacles (opened_at, resolved_at, escalated_at, category, responsible, region_code, operator)",
                                  "ALTER TABLE obstacles DROP COLUMN units", "ALTER TABLE obstacles DROP COLUMN reopened", "DELETE FROM schema_version WHERE version = 8",
                                  "DELETE FROM schema_version WHERE version = 7", "DROP INDEX events_kind", "DELETE FROM schema_version WHERE version = 6", "DROP TABLE bulletins", "DELETE FROM schema_version WHERE version = 5", "DROP TABLE tokens", "DROP TABLE accounts", "DROP TABLE persist", "DROP TABLE signin_failures",
                                  "DROP INDEX events_actor", "ALTER TABLE events DROP COLUMN via", "DELETE FROM schema_version WHERE version = 4",
                                  "DROP INDEX sites_late", "DROP INDEX obstacles_open", "DROP INDEX events_operator",
                                  "ALTER TABLE sites DROP COLUMN planned_at", "ALTER TABLE sites DROP COLUMN built_at",
                                  "ALTER TABLE sites DROP COLUMN first_built_at", "ALTER TABLE obstacles DROP COLUMN escalated_at",
                                  "ALTER TABLE obstacles DROP COLUMN responsible", "DELETE FROM schema_version WHERE version = 3"] {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            await #expect(throws: RolloutError.self) { try await store.checkSchema() }
            #expect(try await store.migrate(now: Self.at(30)) == Schema.latest)
            try await store.checkSchema()
            // The new columns were filled from the log: the same answers as before.
            #expect(try await store.lateSites(region: nil, operator: nil, limit: 100, at: moment) == late)
            #expect(try await store.obstacles(ObstacleQuery(status: .all), at: moment) == open)
            #expect(try await store.counters(at: moment) == summary)
            #expect(try await store.reports(operator: .cmcc, days: 30, at: moment) == reports)
            #expect(try await store.obstacles(ObstacleQuery(perPage: 100), at: asKnown) == openAsKnown)
        }
    }

    @Test func aWriteByAnotherProcessOnTheSameSQLiteFileReachesAWatchingStore() async throws {
        try await Backend.sqlite.withStore { watching, url in
            try await Self.setUp(watching)
            watching.watchChanges()
            let feed = watching.changes()
            // Another process: its own connections to the same file, no shared memory.
            let other = try await SQLCampaignStore.open(url)
            _ = try await other.append([NewEvent(.siteRegistered(SiteRegistration(site: SiteKey(operator: .cmcc, code: "X"), regionCode: "500101",
                                                                                   name: "x", lat: 29.5, lon: 106.5, kind: .macro)),
                                                 occurredAt: Self.at(1), recordedAt: Self.at(1), actor: "t")])
            try await other.close()
            let heard = try await withThrowingTaskGroup(of: StoreChange?.self) { group in
                group.addTask { for await c in feed where c.lastSeq >= 1 { return c }; return nil }
                group.addTask { try await Task.sleep(for: .seconds(20)); return nil }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            #expect(heard == StoreChange(lastSeq: 1))
            // The version the caches use follows without a query.
            #expect(try await watching.currentSeq() == 1)
        }
    }
}
