import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage

extension RegionPage {
    static func query(_ service: CampaignService, code: String, escalated: String?, context c: PageContext) async throws -> Model {
        let regions = try await service.regionList()
        guard let region = regions.first(where: { $0.code == code }) else {
            throw RolloutError("unknown_region", kind: .notFound, ["value": code])
        }
        // The page's reads, side by side; a figures-only account's lists are empty pages (their counts).
        let records = c.readsRecords
        async let targets = service.targets(at: c.moment)
        async let now = service.figures(c.stored.campaign, at: c.moment)
        async let weekBefore = service.counts(c.stored.campaign, at: Dashboard.weekBefore(c.moment))
        // The open obstacles read once: all of them for the obstacle outlook, the oldest 200 listed.
        async let obstacles = service.obstacles(CampaignService.outlookQuery(region: code), at: c.moment)
        async let late = service.lateSites(region: code, operator: nil, limit: records ? 100 : 0, at: c.moment)
        async let sites = mapSites(service, region: code, records: records, at: c.moment)
        async let outlines = Dashboard.outlines(service)
        async let supervision = service.supervisionEvents()
        async let lateReporting = service.reportingLate(at: c.moment)
        async let reconciliation = service.reconciliationFigures(at: c.moment)
        async let adoption = service.adoption(c.stored.campaign, at: c.moment)
        let (_, all) = try await now
        let figures = all.first { $0.regionCode == code }!
        let series = try await Dashboard.series(service, region: code, operator: nil, progress: figures.progress, context: c)
        var obstaclePage = try await obstacles
        let obstacleForecast = try await service.obstacleForecast(region: code, campaign: c.stored.campaign, at: c.moment, open: obstaclePage)
        obstaclePage.perPage = records ? listedObstacles : 0
        obstaclePage.obstacles = Array(obstaclePage.obstacles.prefix(obstaclePage.perPage))
        var lateList = try await late
        if !records { lateList.sites = [] }
        return Model(region: region, figures: figures, count: all.count, weekAgo: try await weekBefore.1.first { $0.regionCode == code },
                     series: series, obstacles: obstaclePage, late: lateList, sites: try await sites, outlines: try await outlines,
                     keyAreas: try await targets.lines.values.map(\.setting).filter { $0.regionCode == code && $0.keyArea != nil }
                        .sorted { ($0.keyArea ?? "", $0.operator?.rawValue ?? "") < ($1.keyArea ?? "", $1.operator?.rawValue ?? "") },
                     escalated: escalated,
                     listing: Supervision.listings(try await supervision, at: c.moment)[code].flatMap { $0.isActive ? $0 : nil },
                     lateReporting: try await lateReporting.first { $0.organisation == Reporting.Organisation(kind: .district, code: code) },
                     records: records, reconciliation: try await reconciliation.figure(region: code),
                     adoption: try await adoption.adoption.line(region: code, population: region.population),
                     obstacleForecast: obstacleForecast)
    }

    /// The sites of the region's map, or nil (not read) for an account that reads figures only.
    static func mapSites(_ service: CampaignService, region code: String, records: Bool,
                         at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint])? {
        guard records else { return nil }
        return try await service.mapPoints(region: code, limit: mapLimit, at: moment)
    }
}
