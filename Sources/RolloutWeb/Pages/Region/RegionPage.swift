import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The district page: its rank, target and built by operator, its forecast, its map with the
/// sites, its late sites, and its open obstacles (the oldest first) with the escalation action.
/// For an account that reads figures only, the sites, the late sites and the obstacles are not
/// read: their counts, and the region's outline without points.
enum RegionPage {
    struct Model {
        var region: Region
        var figures: RegionFigures
        var count: Int
        var weekAgo: RegionFigures?
        var series: [DayProgress]
        var obstacles: ObstaclePage
        var late: LateSites
        /// The sites drawn on the map; nil when the account reads figures only.
        var sites: (total: Int, points: [MapPoint])?
        var outlines: [String: Outline]
        var keyAreas: [TargetSetting]
        var escalated: String?
        var listing: Supervision.Listing? = nil
        /// The district's own reporting, when it is not on time.
        var lateReporting: Reporting.Status? = nil
        /// Whether the lists of obstacles, late sites and sites were read (false: their counts only).
        var records: Bool = true
        /// The district's reconciliation rate and open mismatches.
        var reconciliation: ReconciliationView.Figure? = nil
        /// The district's 5G adoption: subscribers, growth, penetration, projects.
        var adoption: Adoption.Line? = nil
        /// Which obstacles the shortfall comes from.
        var obstacleForecast: ObstacleForecast? = nil
    }

    /// The most open obstacles the page lists (the oldest first).
    static let listedObstacles = 200
    /// The most sites drawn on a region's map.
    static let mapLimit = 5_000

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.region) { request, context in
            let code = try context.parameters.require("code"), escalated = request.query("escalated")
            return try await PageHandler.cached(request, context, service: service, cache: cache) { c in
                view(try await query(service, code: code, escalated: escalated, context: c), context: c)
            }
        }
    }
}
