import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Pages of sites, by number or read on from the last site (an export's way), as known now and as
/// known at earlier moments: the same sites in the same order as one page of all, on every engine;
/// and a region's map points equal the sites' own.
@Suite struct SitePagingTests {
    @Test(arguments: Backend.available)
    func pagesByNumberAndReadOnFromTheLastSiteAgreeWithOnePageOfAll(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            _ = try await store.append(DashboardReadsTests.log())
            let moments = [ReadMoment(asOf: Cutoff(before: DashboardReadsTests.at(100))),
                           ReadMoment(asOf: Cutoff(before: DashboardReadsTests.at(30))),
                           ReadMoment(asOf: Cutoff(before: DashboardReadsTests.at(40)), knownAt: Cutoff(before: DashboardReadsTests.at(25))),
                           ReadMoment(asOf: Cutoff(before: DashboardReadsTests.at(100)), knownAt: Cutoff(before: DashboardReadsTests.at(100)))]
            for moment in moments {
                for region in [nil, "500102"] {
                    let all = try await store.sites(SiteQuery(region: region, perPage: 10_000), at: moment)
                    var numbered: [SiteRow] = []
                    for page in 1...10 { numbered += try await store.sites(SiteQuery(region: region, page: page, perPage: 5), at: moment).sites }
                    var keyset: [SiteRow] = []
                    var after: SiteKey? = nil
                    while true {
                        let p = try await store.sites(SiteQuery(region: region, perPage: 5, after: after), at: moment)
                        keyset += p.sites
                        guard p.sites.count == 5, let last = p.sites.last else { break }
                        after = SiteKey(operator: Operator(rawValue: last.operator)!, code: last.siteCode)
                    }
                    #expect(numbered == all.sites && keyset == all.sites, "\(moment) \(region ?? "all")")
                    #expect(all.total == all.sites.count)
                    if let region, moment.knownAt == nil {
                        let map = try await store.mapPoints(region: region, limit: 100, at: moment)
                        #expect(map.total == all.total)
                        #expect(map.points == all.sites.map { MapPoint(lat: $0.lat, lon: $0.lon, stage: $0.stage, late: $0.late) })
                    }
                }
            }
        }
    }
}
