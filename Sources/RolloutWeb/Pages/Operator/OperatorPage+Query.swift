import RolloutApplication
import RolloutCore
import RolloutStorage

extension OperatorPage {
    /// The page's reads, side by side.
    static func query(_ service: CampaignService, operator op: Operator, context c: PageContext) async throws -> Model {
        let moment = c.moment
        async let counters = service.counters(at: moment)
        async let atStart = service.counters(at: moment.at(Cutoff(before: c.stored.campaign.start)))
        async let regions = service.regionList()
        async let obstacles = service.obstacles(ObstacleQuery(operator: op, status: .open, perPage: 100), at: moment)
        async let late = service.lateSites(region: nil, operator: op, limit: 50, at: moment)
        async let reports = service.reports(operator: op, days: 30, at: moment)
        async let lateReporting = service.reportingLate(at: moment)
        async let reconciliation = service.reconciliationFigures(at: moment)
        async let rejected = service.rejectedOpenings(of: op, at: moment)
        async let tally = service.verificationTally(at: moment)
        async let outlook = service.operatorForecast(op, c.stored.campaign, at: moment)
        let forecast = try await outlook
        let series = forecast == nil ? [] : try await Dashboard.series(service, region: nil, operator: op, progress: forecast!.progress, context: c)
        return Model(op: op, counters: try await counters, atStart: try await atStart, regions: try await regions,
                     obstacles: try await obstacles, late: try await late, reports: try await reports,
                     lateReporting: try await lateReporting.first { $0.organisation.kind != .district && $0.organisation.code == op.rawValue },
                     reconciliation: try await reconciliation.figure(operator: op), rejected: try await rejected,
                     verification: try await tally.map { ($0.tally.operator(op.rawValue), $0.basis) }, outlook: forecast, series: series)
    }
}
