import NIOConcurrencyHelpers
import Foundation
import RolloutCore
import RolloutStorage
import Tracing

extension CampaignService {
    /// The most weeks a track record goes back.
    public static let trackRecordWeeks = 13

    /// The forecasts made at the end of each week before the moment (as known then, and never
    /// known later than the moment), for the city or a region: what each expected by the moment's
    /// day and by the deadline, beside the progress at the moment (and at the deadline once past).
    public func trackRecord(region: String?, asOf: String?, knownAt: String?) async throws -> ForecastTrackRecord {
        try await withSpan("service.track_record") { _ in try await makeTrackRecord(region: region, asOf: asOf, knownAt: knownAt) }
    }

    private func makeTrackRecord(region: String?, asOf: String?, knownAt: String?) async throws -> ForecastTrackRecord {
        try await checkRegion(region)
        let (stored, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        let campaign = stored.campaign
        let today = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
        let first = ShanghaiCalendar.day(of: campaign.start) + Figures.paceDays
        // The milestone the record follows: the last one that fell due within its weeks (its
        // outcome is then known), else the one in force.
        let plan = try await self.plan(region: region, at: moment)
        let windowStart = today - 7 * Self.trackRecordWeeks
        let recent = plan.milestones.last { (windowStart..<today).contains(ShanghaiCalendar.day(of: $0.due)) }
        let deadline = recent?.due ?? Figures.due(plan, campaign: campaign, moment: moment)
        let deadlineDay = ShanghaiCalendar.day(of: deadline)
        let now = try await keyForecast(region: region, campaign: campaign, at: moment)
        let origins = (1...Self.trackRecordWeeks).map { today - 7 * $0 }.filter { $0 >= first && $0 < deadlineDay }
        // Each week's forecast read side by side, as it was made then.
        let entries = try await withThrowingTaskGroup(of: (Int, ForecastTrackRecord.Entry).self) { group in
            for (index, origin) in origins.enumerated() {
                group.addTask {
                    let cut = Cutoff.endOf(day: origin)
                    let then = ReadMoment(asOf: cut, knownAt: moment.knownAt.map { min($0, cut) } ?? cut)
                    // Made for the milestone the record follows, whichever was in force (or known) then.
                    let (progressThen, _, f) = try await self.pastForecast(region: region, campaign: campaign, at: then, due: deadline)
                    // Its weekly path reaches the moment's day (or ends at the deadline before it).
                    let day = ShanghaiCalendar.dateString(min(today, deadlineDay))
                    let point = f.path.flatMap { path in path.first { $0.date == day } ?? path.last }
                    return (index, .init(madeOn: ShanghaiCalendar.dateString(origin), progressThen: progressThen,
                                         expectedNow: point?.expected ?? f.expectedAtDeadline, expectedNowLow: point?.low, expectedNowHigh: point?.high,
                                         expectedAtDeadline: f.expectedAtDeadline, expectedLow: f.expectedLow, expectedHigh: f.expectedHigh,
                                         probabilityByDeadline: f.probabilityByDeadline))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        var outcome: Int? = nil
        if moment.asOf.before > deadline {
            outcome = try await keyForecast(region: region, campaign: campaign, at: moment.at(.endOf(day: deadlineDay))).progress
        }
        return ForecastTrackRecord(region: region, asOf: ShanghaiCalendar.dateString(today), progressNow: now.progress, target: now.target,
                                   outcome: outcome, entries: origins.indices.compactMap { entries[$0] })
    }

    /// The plan of the city (nil) or of a region as known at a moment.
    func plan(region: String?, at moment: ReadMoment) async throws -> MilestonePlan {
        let targets = try await store.targets(at: moment)
        if let region { return targets.plan(region: region) }
        return targets.plan(regions: try await regionsByCode().keys.sorted())
    }

    /// The forecast of a past moment known as of an instant already past: kept once read.
    func pastForecast(region: String?, campaign: Campaign, at moment: ReadMoment, due: Instant? = nil) async throws -> (progress: Int, target: Int?, forecast: Forecast) {
        let key = "\(region ?? "")|\(moment.asOf.before.seconds)|\(moment.knownAt?.before.seconds ?? -1)|\(due?.seconds ?? -1)"
        if let hit = pastForecasts.withLockedValue({ $0[key] }) { return hit }
        let made = try await keyForecast(region: region, campaign: campaign, at: moment, settled: true, due: due)
        pastForecasts.withLockedValue { kept in
            if kept.count >= 4_096 { kept.removeAll() }
            kept[key] = made
        }
        return made
    }

    /// The progress, target and calibrated forecast of the city or one region at a moment.
    func keyForecast(region: String?, campaign: Campaign, at moment: ReadMoment, settled: Bool = false,
                     due: Instant? = nil) async throws -> (progress: Int, target: Int?, forecast: Forecast) {
        let s = try await calibratedSource(at: moment, campaign: campaign, settled: settled)
        return Figures.forecast(region: region, campaign: campaign, regions: s.regions, targets: s.targets, inputs: s.inputs, moment: moment, due: due)
    }
}
