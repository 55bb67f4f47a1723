import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// An operator's page: its sites by stage and region, its obstacles, its late sites and what it
/// reported day by day.
enum OperatorPage {
    struct Model {
        var op: Operator
        var counters: CounterValues
        var atStart: CounterValues
        var regions: [Region]
        var obstacles: ObstaclePage
        var late: LateSites
        var reports: [ReportDay]
        /// The operator's own reporting, when it is not on time.
        var lateReporting: Reporting.Status? = nil
        /// The operator's reconciliation rate and open mismatches.
        var reconciliation: ReconciliationView.Figure? = nil
        /// Its openings rejected by verification and not reported again.
        var rejected: [Verification.Opening] = []
        /// Its openings that needed evidence, counted, and the rank basis in force (nil: evidence never on).
        var verification: (line: VerificationTally.Line, basis: RankBasis)? = nil
        /// Its target in force, plan and forecast (nil: neither a target nor a site).
        var outlook: OperatorForecast? = nil
        /// Its progress day by day (a past milestone's completion on its day).
        var series: [DayProgress] = []
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.operatorPage) { request, context in
            let text = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: text) else { throw RolloutError("unknown_operator", kind: .notFound, ["value": text]) }
            return try await PageHandler.cached(request, context, service: service, cache: cache) { c in
                view(try await query(service, operator: op, context: c), context: c)
            }
        }
    }
}
