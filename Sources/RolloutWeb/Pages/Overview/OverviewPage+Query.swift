import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage

extension OverviewPage {
    /// The page's reads, side by side (each its own read transaction; the store has readers enough).
    static func query(_ service: CampaignService, context c: PageContext) async throws -> Model {
        // A figures-only account: the counts and groups, no row (an empty page of each list).
        let records = c.readsRecords
        async let now = service.figures(c.stored.campaign, at: c.moment)
        async let weekBefore = service.counts(c.stored.campaign, at: Dashboard.weekBefore(c.moment))
        async let obstacles = service.obstacles(ObstacleQuery(status: .open, perPage: records ? 10 : 0), at: c.moment)
        async let late = service.lateSites(region: nil, operator: nil, limit: records ? 10 : 0, at: c.moment)
        async let outlines = Dashboard.outlines(service)
        async let regionList = service.regionList()
        async let listed = service.listedRegions(at: c.moment)
        async let lateReporting = service.reportingLate(at: c.moment)
        async let reconciliation = service.reconciliationFigures(at: c.moment)
        let (summary, regions) = try await now
        let series = try await Dashboard.series(service, region: nil, operator: nil, progress: summary.progress, context: c)
        var obstaclePage = try await obstacles
        var lateList = try await late
        if !records { obstaclePage.obstacles = []; lateList.sites = [] }
        return Model(summary: summary, regions: regions,
                     weekAgo: Dictionary(uniqueKeysWithValues: try await weekBefore.1.map { ($0.regionCode, $0) }),
                     series: series, obstacles: obstaclePage, late: lateList,
                     outlines: try await outlines, regionList: try await regionList, listed: try await listed, lateReporting: try await lateReporting, records: records,
                     reconciliation: try await reconciliation.figure())
    }
}
