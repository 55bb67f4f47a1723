import Foundation
import RolloutTexts
import SQLKit
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The log and its projections, on every available database.
@Suite struct LogStorageTests {
    static let campaign = Campaign(name: "测试行动", start: ShanghaiCalendar.parseInstant("2020-03-01")!,
                                   deadline: ShanghaiCalendar.parseInstant("2020-06-30T23:59:59+08:00")!)
    static let regions = ["500101", "500102", "500103"].map { Region(code: $0, nameZh: "区\($0)", nameEn: "R\($0)", kind: .district) }

    func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(Self.campaign, clock: nil, regions: Self.regions, outlines: [:], now: Self.campaign.start)
    }

    @Test(arguments: Backend.available)
    func readsAsOfAndKnownAtEqualAFoldFromScratchAndSurviveARebuild(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            var gen = RandomLog(rng: 42)
            let events = gen.events(sites: 60)
            // Appended in several appends, as imports arrive.
            var i = 0
            while i < events.count {
                let n = 1 + gen.next(40)
                let r = try await store.append(Array(events[i..<min(events.count, i + n)]))
                #expect(r.unchanged == 0)
                i += n
            }
            let moments = gen.moments(events, count: 60)
            // Known at a past instant, read from the tree less the changes in flight then and by the scan of every change.
            for byScan in [false, true] {
                store.pastKnowledgeByScan.withLockedValue { $0 = byScan }
                for m in moments {
                    #expect(try await store.counters(at: m) == RandomLog.expected(events, at: m), "by scan \(byScan), as of \(m.asOf) known at \(String(describing: m.knownAt))")
                    // The figures read four moments known at the same instant in one pass.
                    let source = try await store.figureSource(at: m, campaign: Self.campaign)
                    let start = m.at(Cutoff(before: Self.campaign.start))
                    #expect(source.inputs.now == RandomLog.expected(events, at: m) && source.inputs.atStart == RandomLog.expected(events, at: start),
                            "by scan \(byScan), the figures' reads as of \(m.asOf)")
                }
            }
            store.pastKnowledgeByScan.withLockedValue { $0 = false }
            for m in moments {
                let got = try await store.counters(at: m)
                let expected = RandomLog.expected(events, at: m)
                #expect(got == expected, "as of \(m.asOf) known at \(String(describing: m.knownAt))")
                // One region's counters alone (the campaign-wide ones, and a region's), by the same read.
                for region in ["", events.lazy.compactMap { if case .siteRegistered(let r) = $0.body { r.regionCode } else { nil } }.first!] {
                    #expect(try await store.counters(at: m, region: region) == CounterValues(expected.values.filter { $0.key.regionCode == region }),
                            "region \(region) as of \(m.asOf)")
                }
            }
            // A rebuild from the log gives the same answers.
            let before = try await moments.asyncMap { try await store.counters(at: $0) }
            #expect(try await store.rebuildProjections() == events.count)
            let after = try await moments.asyncMap { try await store.counters(at: $0) }
            #expect(before == after)
        }
    }

    /// A log learned late (a campaign imported after it ended, a report years behind, one dated
    /// after it was recorded): changes in flight across every lag class of ``CounterSpans`` are
    /// taken off the tree exactly, as a fold from scratch and the scan of every change say.
    @Test(arguments: Backend.available)
    func readsKnownAtAPastInstantHoldForChangesOfEveryLag(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            var gen = RandomLog(rng: 23)
            // Each site's events moved back in field time by one lag: 0 to 3,000 days, or forward by 2.
            let lags = [0, 1, 2, 3, 5, 9, 17, 40, 70, 200, 300, 700, 1_500, 3_000, -2]
            var lagOf: [String: Int] = [:]
            var events: [NewEvent] = []
            for e in gen.events(sites: 90) {
                let entity = e.body.entity
                if lagOf[entity] == nil { lagOf[entity] = lags[gen.next(lags.count)] }
                events.append(NewEvent(e.body, occurredAt: e.occurredAt.adding(days: -lagOf[entity]!), recordedAt: e.recordedAt, actor: e.actor))
            }
            _ = try await store.append(events)
            var moments = gen.moments(events, count: 40).filter { $0.knownAt != nil }
            // Known at instants around the lags' edges: a day, a week and a year after the first records.
            for days in [1, 7, 365] {
                let k = Cutoff.endOf(day: ShanghaiCalendar.day(of: RandomLog.base) + days)
                moments += [ReadMoment(asOf: k, knownAt: k), ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: RandomLog.base) - 400), knownAt: k)]
            }
            for byScan in [false, true] {
                store.pastKnowledgeByScan.withLockedValue { $0 = byScan }
                for m in moments {
                    #expect(try await store.counters(at: m) == RandomLog.expected(events, at: m), "by scan \(byScan), as of \(m.asOf) known at \(String(describing: m.knownAt))")
                }
            }
            store.pastKnowledgeByScan.withLockedValue { $0 = false }
        }
    }

    /// A large write sends its counters in pieces within its one transaction (so that their rows are
    /// not all held until the commit): the pieces add up to the same counters.
    @Test(arguments: Backend.available)
    func countersWrittenInPiecesWithinOneWriteAddUp(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            store.counterCellsPerFlush.withLockedValue { $0 = 5 }
            var gen = RandomLog(rng: 5)
            let events = gen.events(sites: 40)
            let r = try await store.withWriteSession { session in
                var applied = 0
                for chunk in stride(from: 0, to: events.count, by: 17) {
                    applied += try await session.append(Array(events[chunk..<min(events.count, chunk + 17)])).applied
                }
                return applied
            }
            #expect(r == events.count)
            for m in gen.moments(events, count: 30) {
                #expect(try await store.counters(at: m) == RandomLog.expected(events, at: m), "as of \(m.asOf) known at \(String(describing: m.knownAt))")
            }
        }
    }

    @Test(arguments: Backend.available)
    func aResentEventChangesNothing(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            var gen = RandomLog(rng: 7)
            let events = gen.events(sites: 10)
            let first = try await store.append(events)
            #expect(first.applied == events.count)
            let moment = ReadMoment(asOf: Cutoff(before: RandomLog.base.adding(days: 30)))
            let values = try await store.counters(at: moment)
            let again = try await store.append(events)
            #expect(again == AppendResult(applied: 0, unchanged: events.count))
            #expect(try await store.eventCount() == events.count)
            #expect(try await store.counters(at: moment) == values)
            // Twice in one append: once.
            let key = try #require(events.compactMap { e -> SiteKey? in
                if case .siteRegistered(let r) = e.body { return r.site } else { return nil }
            }.first)
            let e = NewEvent(.stageReported(site: key, stage: .designed, note: "twice"),
                             occurredAt: RandomLog.base.adding(days: 20), recordedAt: RandomLog.base.adding(days: 20), actor: "t")
            #expect(try await store.append([e, e]) == AppendResult(applied: 1, unchanged: 1))
        }
    }

    @Test(arguments: Backend.available)
    func theLogIsAppendOnlyInTheDatabaseItself(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            var gen = RandomLog(rng: 3)
            let events = gen.events(sites: 3)
            _ = try await store.append(events)
            for statement in ["UPDATE events SET actor = 'intruder'", "DELETE FROM events"] {
                await #expect(throws: RolloutError("log_is_append_only", kind: .conflict)) {
                    try await store.write { db in try await db.raw(SQLQueryString(statement)).run() }
                }
            }
            if backend == .postgres {
                await #expect(throws: RolloutError("log_is_append_only", kind: .conflict)) {
                    try await store.write { db in try await db.raw("TRUNCATE events").run() }
                }
            }
            #expect(try await store.eventCount() == events.count)
        }
    }

    @Test(arguments: Backend.available)
    func aFailedAppendLeavesNothingBehind(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            var gen = RandomLog(rng: 11)
            let events = gen.events(sites: 5)
            _ = try await store.append(events)
            let moment = ReadMoment(asOf: Cutoff(before: RandomLog.base.adding(days: 30)))
            let values = try await store.counters(at: moment)
            // A good event followed by a report for a site that does not exist: the whole append is refused.
            let good = NewEvent(.siteRegistered(SiteRegistration(site: SiteKey(operator: .cbn, code: "NEW"), regionCode: "500101", name: "n",
                                                                 lat: 30, lon: 108, kind: .pole)),
                                occurredAt: RandomLog.base, recordedAt: RandomLog.base.adding(days: 20), actor: "t")
            let bad = NewEvent(.stageReported(site: SiteKey(operator: .cbn, code: "GHOST"), stage: .onAir, note: nil),
                               occurredAt: RandomLog.base, recordedAt: RandomLog.base.adding(days: 20), actor: "t")
            await #expect(throws: RolloutError.self) { try await store.append([good, bad]) }
            #expect(try await store.eventCount() == events.count)
            #expect(try await store.counters(at: moment) == values)
            #expect(try await store.site(SiteKey(operator: .cbn, code: "NEW"), at: moment) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aDatabaseFromANewerRolloutIsRefusedAndLeftAlone(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            try await store.write { db in
                try await db.raw("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 0)").run()
            }
            await #expect(throws: RolloutError("schema_too_new", kind: .conflict, ["found": "99", "known": "\(Schema.latest)"])) {
                try await store.checkSchema()
            }
            await #expect(throws: RolloutError.self) { try await store.migrate(now: Instant(seconds: 0)) }
            #expect(try await store.campaign()?.campaign == Self.campaign)
        }
    }

    @Test(arguments: Backend.available)
    func aSecondCampaignIsRefused(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            await #expect(throws: RolloutError.self) { try await setUp(store) }
            #expect(try await store.regions().map(\.code) == Self.regions.map(\.code))
        }
    }

    @Test func unreachableDatabasesGiveAClearError() async throws {
        await #expect(throws: RolloutError.self) {
            _ = try await SQLCampaignStore.open(.postgres(host: "127.0.0.1", port: 1, user: "nobody", password: nil, database: "x"))
        }
        do {
            _ = try await SQLCampaignStore.open(.sqlite(path: "/proc/rollout/nope.sqlite"))
            Issue.record("opened an impossible path")
        } catch let e as RolloutError {
            #expect(e.code == "database_unreachable")
            #expect(e.message(.zh).contains("无法连接数据库"))
        }
        #expect(throws: RolloutError.self) { try DatabaseURL(parsing: "mysql://x") }
        #expect(try DatabaseURL(parsing: "postgres://u:p%40ss@h:5433/db") == .postgres(host: "h", port: 5433, user: "u", password: "p@ss", database: "db"))
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
