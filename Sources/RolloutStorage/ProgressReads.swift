import RolloutCore

/// The projections of progress, read at a moment: regions, targets, counters, sites, late sites,
/// day-by-day progress and operators' reports.
public protocol ProgressReads: Sendable {
    /// The campaign's regions, in their file order.
    func regions() async throws -> [Region]
    /// The stored outline geometry (GeoJSON) of each region that has one.
    func outlines() async throws -> [String: String]
    /// The figures' inputs at a moment, from one snapshot.
    func figureSource(at moment: ReadMoment, campaign: Campaign) async throws -> FigureSource
    /// The targets in force at a moment.
    func targets(at moment: ReadMoment) async throws -> Targets
    /// Counter values at a moment.
    func counters(at moment: ReadMoment) async throws -> CounterValues
    /// The counter values of one region at a moment (`""`: the campaign-wide ones, such as the
    /// stage durations and the obstacles' resolution times).
    func counters(at moment: ReadMoment, region: String) async throws -> CounterValues
    /// Sites at a moment.
    func sites(_ query: SiteQuery, at moment: ReadMoment) async throws -> SitePage
    /// The points a region's map draws (at most `limit`), with how many sites the region has then.
    func mapPoints(region: String, limit: Int, at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint])
    /// One site at a moment, or nil when it did not exist then.
    func site(_ key: SiteKey, at moment: ReadMoment) async throws -> SiteDetail?
    /// Sites late against their planned on-air date at a moment: counts per region, the `limit` planned earliest.
    func lateSites(region: String?, operator: Operator?, limit: Int, at moment: ReadMoment) async throws -> LateSites
    /// The sites built, day by day from `from` to the moment's day (the last day may be partial).
    func progressByDay(region: String?, operator: Operator?, from: DayNumber, at moment: ReadMoment) async throws -> [DayProgress]
    /// What an operator reported in the `days` days before the moment, by recorded day, kind and actor.
    func reports(operator: Operator, days: Int, at moment: ReadMoment) async throws -> [ReportDay]
}
