import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The city overview, the leaders' page: target against built, today's pace, the forecast, the
/// burn-up chart, the map, the regions ranked with their change over a week, the reasons for
/// difficulty (open obstacles by category and responsible unit, with their ages), late sites.
/// For an account that reads figures only, the lists of obstacles and late sites are not read.
enum OverviewPage {
    struct Model {
        var summary: Summary
        var regions: [RegionFigures]
        var weekAgo: [String: RegionFigures]
        var series: [DayProgress]
        var obstacles: ObstaclePage
        var late: LateSites
        var outlines: [String: Outline]
        var regionList: [Region]
        /// Regions under listed supervision at the moment.
        var listed: Set<String> = []
        /// The organisations not reporting on time at the moment.
        var lateReporting: [Reporting.Status] = []
        /// Whether the lists of obstacles and late sites were read (false: their counts only).
        var records: Bool = true
        /// The city's reconciliation rate and open mismatches.
        var reconciliation: ReconciliationView.Figure? = nil
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.overview) { request, context in
            try await PageHandler.cached(request, context, service: service, cache: cache) { c in view(try await query(service, context: c), context: c) }
        }
    }
}
