import Foundation
import SQLKit
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// `rollout verify`: a database checked against its own log, on every available engine.
@Suite struct VerifyTests {
    @Test(arguments: Backend.available)
    func aSoundDatabaseIsCleanAndATamperedOneIsCaught(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await store.createCampaign(LogStorageTests.campaign, clock: nil, regions: LogStorageTests.regions, outlines: [:],
                                           now: LogStorageTests.campaign.start)
            var gen = RandomLog(rng: 7)
            let events = gen.events(sites: 40)
            _ = try await store.append(events)
            // setup done: a log and its projections
            let sound = try await store.verify(moments: 6)
            #expect(sound.clean, "\(sound.mismatches.filter { !$0.differences.isEmpty })")
            #expect(sound.events >= events.count)
            #expect(sound.mismatches.count >= 2 && sound.missingTriggers.isEmpty)
            // A projection changed behind the log's back: every read after it differs, and says where.
            try await store.write { db in
                try await db.raw("UPDATE counter_tree SET value = value + 5 WHERE metric = 'stage.planned'").run()
                try await db.raw("UPDATE counter_days SET delta = delta + 5 WHERE metric = 'stage.planned'").run()
            }
            let tampered = try await store.verify(moments: 6)
            #expect(!tampered.clean)
            let now = try #require(tampered.mismatches.last)
            #expect(now.moment == "now" && now.differences.contains { $0.contains("stage.planned") })
            // A rebuild from the log puts it right.
            _ = try await store.rebuildProjections()
            #expect(try await store.verify(moments: 6).clean)
            // A missing append-only trigger is named.
            let trigger = try #require(SQLCampaignStore.appendOnlyTriggers(store.dialect).first { $0.hasPrefix("bulletins") })
            try await store.write { db in
                try await db.raw(SQLQueryString(store.dialect == .sqlite ? "DROP TRIGGER \(trigger)" : "DROP TRIGGER \(trigger) ON bulletins")).run()
            }
            let unguarded = try await store.verify(moments: 0)
            #expect(unguarded.missingTriggers == [trigger] && !unguarded.clean)
        }
    }
}
