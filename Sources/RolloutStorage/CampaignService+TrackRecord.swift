import Foundation
import RolloutCore

extension CampaignService {
    /// The most weeks a track record goes back.
    public static let trackRecordWeeks = 26

    /// The forecasts made at the end of each week before the moment (as known then, and never
    /// known later than the moment), for the city or a region: what each expected by the moment's
    /// day and by the deadline, beside the progress at the moment (and at the deadline once past).
    public func trackRecord(region: String?, asOf: String?, knownAt: String?) async throws -> ForecastTrackRecord {
        try await checkRegion(region)
        let (stored, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        let campaign = stored.campaign
        let today = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
        let first = ShanghaiCalendar.day(of: campaign.start) + Figures.paceDays
        let deadlineDay = ShanghaiCalendar.day(of: campaign.deadline.adding(seconds: -1))
        let (summary, regions) = try await figures(campaign, at: moment)
        let now = region.flatMap { code in regions.first { $0.regionCode == code } }
        let progressNow = now?.progress ?? summary.progress
        let target = region == nil ? (summary.target > 0 ? summary.target : nil) : now?.target
        var entries: [ForecastTrackRecord.Entry] = []
        for week in 1...Self.trackRecordWeeks {
            let origin = today - 7 * week
            guard origin >= first, origin < deadlineDay else { continue }
            let cut = Cutoff.endOf(day: origin)
            let then = ReadMoment(asOf: cut, knownAt: moment.knownAt.map { min($0, cut) } ?? cut)
            let (s, r) = try await figures(campaign, at: then)
            let f = region.flatMap { code in r.first { $0.regionCode == code }?.forecast } ?? s.forecast
            let progressThen = region.flatMap { code in r.first { $0.regionCode == code }?.progress } ?? s.progress
            // Its weekly path reaches the moment's day after `week` steps (or ends at the deadline before it).
            let point = f.path.flatMap { path in path.first { $0.date == ShanghaiCalendar.dateString(min(today, deadlineDay)) } ?? path.last }
            entries.append(.init(madeOn: ShanghaiCalendar.dateString(origin), progressThen: progressThen,
                                 expectedNow: point?.expected ?? f.expectedAtDeadline, expectedNowLow: point?.low, expectedNowHigh: point?.high,
                                 expectedAtDeadline: f.expectedAtDeadline, expectedLow: f.expectedLow, expectedHigh: f.expectedHigh,
                                 probabilityByDeadline: f.probabilityByDeadline))
        }
        var outcome: Int? = nil
        if moment.asOf.before >= campaign.deadline {
            let (s, r) = try await figures(campaign, at: moment.at(Cutoff(before: campaign.deadline)))
            outcome = region.flatMap { code in r.first { $0.regionCode == code }?.progress } ?? s.progress
        }
        return ForecastTrackRecord(region: region, asOf: ShanghaiCalendar.dateString(today), progressNow: progressNow, target: target,
                                   outcome: outcome, entries: entries)
    }
}
