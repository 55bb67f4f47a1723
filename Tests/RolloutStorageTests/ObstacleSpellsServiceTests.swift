import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Which obstacles are open and what waits on each unit, as the service answers them from the
/// spells kept per version of the log (``ObstacleSpells``), are what the store answers (its fold of
/// every obstacle's state, and its counts of the open ones), on both engines: at many moments, the
/// lists and their groups under several filters, page by page, each unit's load and list, as the
/// log grows (the spells made again for the obstacles named since), after a change of the routing
/// table's clocks and after the automatic escalations; as known at an earlier instant, the fold answers.
@Suite struct ObstacleSpellsServiceTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    static func expectSame(_ service: CampaignService, _ store: any CampaignStore, _ note: String) async throws -> Int {
        var waiting = 0
        for day in stride(from: 0.25, through: 45, by: 2.0) {
            for moment in [ReadMoment(asOf: Cutoff(before: at(day))), ReadMoment(asOf: Cutoff(before: at(day)), knownAt: Cutoff(before: at(day + 0.5)))] {
                let loads = try await service.unitLoads(at: moment), folded = try await store.unitLoads(at: moment)
                #expect(loads == folded, "\(note), day \(day)")
                for unit in ["grid", "district_gov", "police", "cmcc"] {
                    for (page, perPage) in [(1, 1000), (1, 3), (2, 3), (4, 3)] {
                        let list = try await service.unitObstacles(unit, at: moment, page: page, perPage: perPage)
                        let fold = try await store.obstacles(ObstacleQuery(status: .open, unit: unit, page: page, perPage: perPage), at: moment)
                        #expect(list == fold, "\(note), day \(day), \(unit) page \(page)/\(perPage)")
                    }
                }
                let queries = [ObstacleQuery(status: .open, perPage: 4), ObstacleQuery(region: "500101", status: .open, perPage: 100),
                               ObstacleQuery(operator: .cmcc, category: .power, status: .open), ObstacleQuery(status: .escalated),
                               ObstacleQuery(status: .open, minAgeDays: 8), ObstacleQuery(status: .open, overdue: true, perPage: 1000),
                               ObstacleQuery(status: .open, page: 3, perPage: 4)]
                for q in queries {
                    let spells = try await service.obstacles(q, at: moment), stored = try await store.obstacles(q, at: moment)
                    #expect(spells == stored, "\(note), day \(day), \(q)")
                }
                // The scorecard's counts per region: those of every open obstacle the store folds.
                var regions: [String: [Int]] = [:]
                for o in try await store.obstacles(ObstacleQuery(status: .open, perPage: 1000), at: moment).obstacles {
                    regions[o.regionCode, default: [0, 0]][0] += 1
                    if o.overdue { regions[o.regionCode, default: [0, 0]][1] += 1 }
                }
                #expect(try await service.openObstaclesByRegion(at: moment).mapValues { [$0.open, $0.overdue] } == regions, "\(note), day \(day)")
                waiting += loads.reduce(0) { $0 + $1.waiting }
            }
        }
        return waiting
    }

    @Test(arguments: Backend.available)
    func theLoadsAndListsFromTheSpellsAreTheFoldsAsTheLogGrows(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let events = DispatchStoreTests.log()
            let service = CampaignService(store: store, clock: .fixed(Self.at(50)))
            // In three writes: the spells are made once, then made again for the obstacles named since.
            for part in [events.prefix(25), events.dropFirst(25).prefix(20), events.dropFirst(45)] {
                _ = try await store.append(Array(part))
                #expect(try await Self.expectSame(service, store, "after \(part.count) events") > 0)
            }
            // The clocks shortened from day 10: more run out.
            _ = try await store.append([NewEvent(.dispatchRuleSet(Dispatch.Rule(category: .power, unit: "grid", slaDays: 2)),
                                                 occurredAt: Self.at(10), recordedAt: Self.at(10), actor: "office")])
            let before = try await service.unitLoads(at: ReadMoment(asOf: Cutoff(before: Self.at(30)))).reduce(0) { $0 + $1.overdue }
            _ = try await Self.expectSame(service, store, "after the table changed")
            // The system escalates what ran out: the obstacles stay with their units, escalated.
            #expect(try await service.escalateOverdue() > 0)
            _ = try await Self.expectSame(service, store, "after the escalations")
            #expect(before > 0)
        }
    }
}
