import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The figures the overview, the district and operator pages, the bulletin and the scorecard show
/// of reconciliation, looked up in the tallies swept over time, are those of the whole
/// reconciliation of the moment, on both engines, with resolutions and a change of thresholds
/// logged along the way and after more writes.
@Suite struct ReconciliationFiguresTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }
    static let office = Principal(account: "office", role: .cityOffice)

    /// Every figure a page asks for, from both paths, at many moments.
    static func expectSame(_ service: CampaignService, days: [Double], _ note: String) async throws -> Int {
        var compared = 0
        for day in days {
            for moment in [ReadMoment(asOf: Cutoff(before: at(day))), ReadMoment(asOf: Cutoff(before: at(day).adding(seconds: 1)))] {
                let view = try await service.reconciliation(at: moment)
                let figures = try await service.reconciliationFigures(at: moment)
                #expect(figures == ReconciliationFigures(view), "\(note), day \(day)")
                for region in [nil, "500101", "500102"] {
                    #expect(figures.figure(region: region) == view.figure(region: region), "\(note), day \(day), region \(region ?? "-")")
                }
                for op in Operator.allCases {
                    #expect(figures.figure(operator: op) == view.figure(operator: op), "\(note), day \(day), \(op)")
                    let alone = try await service.reconciliation(at: moment, operator: op)
                    #expect(figures.figure(operator: op) == alone.figure(operator: op), "\(note), day \(day), \(op) read alone")
                }
                // A site's page: its own pairs and mismatches, as its district's whole reconciliation says.
                for region in ["500101", "500102"] {
                    let district = try await service.reconciliation(at: moment, region: region)
                    for key in Set(district.pairs.flatMap { [$0.operatorSite, $0.towerSite] } + district.entries.compactMap(\.mismatch.operatorSite)
                                   + district.entries.compactMap(\.mismatch.towerSite) + district.ambiguous.keys).sorted(by: Reconciliation.ordered) {
                        let (a, b) = (try await service.reconciliation(ofSite: key, region: region, at: moment), district.site(key))
                        #expect(a.pair == b.pair && a.candidates == b.candidates && a.operatorSites == b.operatorSites && a.entries == b.entries,
                                "\(note), day \(day), \(key)")
                    }
                }
                compared += view.entries.count
            }
        }
        return compared
    }

    @Test(arguments: Backend.available)
    func theSweptFiguresAreTheWholeReconciliations(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var r = SeededRandom(seed: 31)
            for n in 0..<6 { _ = try await store.append(KeptReconciliationTests.round(n, &r)) }
            // Resolutions on day 12 and 20 (some mismatches then resolved, some open again since),
            // the thresholds changed on day 16.
            for (day, count) in [(12.0, 3), (20.0, 4)] {
                let service = CampaignService(store: store, clock: .fixed(Self.at(day)))
                let open = try await service.reconciliation(at: ReadMoment(asOf: .including(Self.at(day)))).entries(status: .open)
                for e in open.prefix(count) {
                    _ = try await service.resolveMismatch(kind: e.mismatch.kind, operatorSite: e.mismatch.operatorSite, towerSite: e.mismatch.towerSite,
                                                          right: .tower, note: "checked on site", by: Self.office)
                }
                if day == 12 {
                    try await CampaignService(store: store, clock: .fixed(Self.at(16))).setReconciliationThresholds(
                        Reconciliation.Thresholds(pairMetres: 80, gapDays: 2, apartMetres: 30), by: Self.office)
                }
            }
            let service = CampaignService(store: store, clock: .fixed(Self.at(60)))
            let days = stride(from: -1.0, through: 40, by: 1.5).map { $0 } + [12, 16, 20]
            var compared = try await Self.expectSame(service, days: days, "first read")
            // After more writes, the same service sweeps the new version.
            for n in 6..<9 { _ = try await store.append(KeptReconciliationTests.round(n, &r)) }
            compared += try await Self.expectSame(service, days: days, "after more writes")
            // A resolution logged by the same service (now, day 60): the sweep grown for it.
            let open = try await service.reconciliation(at: ReadMoment(asOf: .including(Self.at(60)))).entries(status: .open)
            for e in open.prefix(2) {
                _ = try await service.resolveMismatch(kind: e.mismatch.kind, operatorSite: e.mismatch.operatorSite, towerSite: e.mismatch.towerSite,
                                                      right: .operator, note: "seen again", by: Self.office)
            }
            #expect(open.count >= 2)
            compared += try await Self.expectSame(service, days: [30, 59.5, 60, 61], "after resolutions")
            // The logs hold mismatches to compare.
            #expect(compared > 100)
            // As known at a past instant, the figures are the whole reconciliation's of then.
            let past = ReadMoment(asOf: Cutoff(before: Self.at(18)), knownAt: Cutoff(before: Self.at(14)))
            #expect(try await service.reconciliationFigures(at: past) == ReconciliationFigures(try await service.reconciliation(at: past)))
            await service.keptWritesFinished()
        }
    }
}
