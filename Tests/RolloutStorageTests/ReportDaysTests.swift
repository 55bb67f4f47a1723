import Foundation
import SQLKit
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// An operator's reports (events by day, kind and actor) read from the kept day counts equal the
/// log's events counted one by one, at moments on and between day boundaries, as now known and
/// as known earlier, after several appends, after a rebuild and after the migration that adds them.
@Suite struct ReportDaysTests {
    static let day0 = DashboardReadsTests.day0

    /// Sites of two operators registered and reported over 20 days, recorded at every hour of the
    /// day (so many events fall near midnight), by two actors, in five appends.
    static func batches() -> [[NewEvent]] {
        var events: [NewEvent] = []
        for i in 0..<60 {
            let key = SiteKey(operator: i % 3 == 0 ? .ctcc : .cmcc, code: "R\(i)")
            let at = day0.adding(seconds: Int64(i) * 7 * 3600 + 1)
            let actor = i % 4 == 0 ? "district" : "cmcc-upload"
            events.append(NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: "500101", name: "站\(i)", lat: 29.5, lon: 106.5,
                                                                    kind: .macro)), occurredAt: at, recordedAt: at, actor: actor))
            for (n, stage) in [Stage.siteSecured, .designed, .civilDone].enumerated() {
                let then = at.adding(seconds: Int64(n + 1) * 11 * 3600)
                events.append(NewEvent(.stageReported(site: key, stage: stage, note: nil), occurredAt: then, recordedAt: then, actor: actor))
            }
        }
        events.sort { $0.recordedAt < $1.recordedAt }
        return events.chunked(events.count / 5 + 1)
    }

    /// The reports counted one by one: the events recorded before the moment, on the `days` days
    /// that end with the day of the moment's last second.
    static func naive(_ events: [NewEvent], _ op: Operator, days: Int, end: Instant) -> [ReportDay] {
        let lastDay = ShanghaiCalendar.day(of: end.adding(seconds: -1))
        var counts: [String: Int] = [:]
        for e in events where e.recordedAt < end && ShanghaiCalendar.day(of: e.recordedAt) > lastDay - days {
            let site: SiteKey
            switch e.body {
            case .siteRegistered(let r): site = r.site
            case .stageReported(let s, _, _): site = s
            default: continue
            }
            if site.operator == op { counts["\(ShanghaiCalendar.dateString(e.recordedAt))|\(e.body.kind)|\(e.actor)", default: 0] += 1 }
        }
        return counts.map { k, n in
            let p = k.split(separator: "|").map(String.init)
            return ReportDay(date: p[0], kind: p[1], actor: p[2], events: n)
        }.sorted { ($1.date, $0.kind, $0.actor) < ($0.date, $1.kind, $1.actor) }
    }

    static func check(_ store: SQLCampaignStore, _ events: [NewEvent], _ when: String) async throws {
        for hours in [0, 5, 24, 24 * 3 + 13, 24 * 10, 24 * 10 + 23, 24 * 22] {
            let end = day0.adding(seconds: Int64(hours) * 3600)
            for days in [1, 2, 7, 30] {
                for op in [Operator.cmcc, .ctcc] {
                    let asOf = ReadMoment(asOf: Cutoff(before: end))
                    #expect(try await store.reports(operator: op, days: days, at: asOf) == naive(events, op, days: days, end: end),
                            "\(when): \(op) \(days) days to hour \(hours)")
                    // Known at an earlier moment: what was recorded by then.
                    let known = ReadMoment(asOf: Cutoff(before: end.adding(seconds: 86_400 * 5)), knownAt: Cutoff(before: end))
                    #expect(try await store.reports(operator: op, days: days, at: known) == naive(events, op, days: days, end: end),
                            "\(when): \(op) \(days) days known at hour \(hours)")
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func theDayCountsEqualTheLogCountedOneByOne(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let batches = Self.batches()
            for b in batches { _ = try await store.append(b) }
            let all = batches.flatMap { $0 }
            #expect(try await Self.naive(all, .cmcc, days: 30, end: Self.day0.adding(seconds: 86_400 * 22)).count > 20)
            try await Self.check(store, all, "appended")
            _ = try await store.rebuildProjections()
            try await Self.check(store, all, "rebuilt")
            // A database from before the day counts: the migration fills them from the log.
            try await store.write { db in
                for statement in UpgradeTests.beforeBrokenIndex + UpgradeTests.beforeSnapshots + UpgradeTests.beforeBuiltReports + UpgradeTests.beforeSpanIndex + UpgradeTests.beforeRecordedIndex + UpgradeTests.beforeResolutionCounters + UpgradeTests.beforeFirstDue + UpgradeTests.beforeCounterTree + ["DROP TABLE blobs", "DELETE FROM schema_version WHERE version = 12",
                                  "DROP TABLE notification_items", "DROP TABLE notifications", "DROP TABLE subscriptions",
                                  "DELETE FROM schema_version WHERE version = 11", "DROP TABLE signin_attempts", "DROP INDEX persist_account", "ALTER TABLE persist DROP COLUMN account",
                                  "CREATE TABLE signin_failures (key TEXT NOT NULL, at BIGINT NOT NULL)", "DELETE FROM schema_version WHERE version = 10",
                                  "DROP TABLE report_days", "ALTER TABLE obstacles DROP COLUMN resolved_recorded_at", "DELETE FROM schema_version WHERE version = 9"] {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            #expect(try await store.migrate(now: Self.day0) == Schema.latest)
            try await Self.check(store, all, "migrated")
        }
    }
}
