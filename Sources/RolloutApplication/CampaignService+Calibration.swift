import NIOConcurrencyHelpers
import Foundation
import RolloutCore
import RolloutStorage

extension CampaignService {
    /// How many past weeks the forecast is asked again to measure its errors (as far back as
    /// ``ForecastCalibration/windowDays`` reaches).
    static let calibrationWeeks = Int(ForecastCalibration.windowDays / 7)

    /// The figures' inputs at a moment with the forecast's calibration measured: the model asked as
    /// of the end of each of the ``calibrationWeeks`` weeks before a settled day (with what was
    /// known at the start of the moment's day: read once a day) how many sites each key would have
    /// built by that day, against how many the log says were. The settled day lies
    /// ``ForecastCalibration/settleDays`` before the moment: reports come in days late, so the
    /// last days' counts are still short of what the log will show, and the model forecasts
    /// what it will show.
    /// A `settled` moment (known as of an instant already past) is read through ``settledSource(at:campaign:)``.
    public func calibratedSource(at moment: ReadMoment, campaign: Campaign, settled: Bool = false) async throws -> FigureSource {
        var source = settled ? try await settledSource(at: moment, campaign: campaign) : try await store.figureSource(at: moment, campaign: campaign)
        let today = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
        let end = today - ForecastCalibration.settleDays
        let first = ShanghaiCalendar.day(of: campaign.start) + Figures.paceDays
        let origins = (1...Self.calibrationWeeks).map { end - 7 * $0 }.filter { $0 >= first }
        guard !origins.isEmpty else { return source }
        let clock = try await self.campaign().now(clock)
        let known = moment.knownAt ?? Cutoff(before: clock)
        let knowledge = Cutoff(before: ShanghaiCalendar.start(of: known.firstPartialDay))
        let endCut = Cutoff.endOf(day: end)
        let settledEnd = try await settledSource(at: ReadMoment(asOf: endCut, knownAt: knowledge), campaign: campaign)
        let builtThen = Figures.expectedGains(settledEnd.inputs, regions: settledEnd.regions, within: 0).built
        let pairs = try await withThrowingTaskGroup(of: [ForecastCalibration.Pair].self) { group in
            for origin in origins {
                group.addTask {
                    let cut = Cutoff.endOf(day: origin)
                    // The past state as known at the start of the moment's day of knowledge: a report
                    // that came late counts where it belongs, and the read is kept for the day.
                    let past = try await self.settledSource(at: ReadMoment(asOf: cut, knownAt: knowledge), campaign: campaign)
                    let days = Double(endCut.before.seconds - cut.before.seconds) / 86_400
                    let (expected, built) = Figures.expectedGains(past.inputs, regions: past.regions, within: days)
                    return expected.map { key, gain in
                        ForecastCalibration.Pair(key: key, horizonDays: days, predicted: gain, actual: Double((builtThen[key] ?? 0) - (built[key] ?? 0)))
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        source.inputs.calibration = ForecastCalibration(pairs)
        return source
    }
}

extension CampaignService {
    /// The figures' inputs at a moment known as of an instant already past, read once: the log is
    /// appended at the clock's time, so such a read never changes. The calibration of every later
    /// moment and every week of a track record read the same few past weeks.
    func settledSource(at moment: ReadMoment, campaign: Campaign) async throws -> FigureSource {
        let key = "\(moment.asOf.before.seconds)|\(moment.knownAt?.before.seconds ?? -1)"
        if let hit = settledSources.withLockedValue({ $0.reads[key] }) { return hit }
        let source = try await store.figureSource(at: moment, campaign: campaign)
        settledSources.withLockedValue { $0.keep(source, as: key, capacity: Self.settledCapacity) }
        return source
    }

    /// The most past reads kept (a read of the demo's counters holds a few thousand values): a
    /// track record's 13 weeks read six each (the week and its calibration's five).
    static let settledCapacity = 192
}

/// Past reads kept, the oldest let go first when full (clearing them all at once made a region's
/// track record, read after the city's, read every week again: 0.5 s became 4–5 s).
struct SettledReads: Sendable {
    /// The reads by moment.
    private(set) var reads: [String: FigureSource] = [:]
    /// Their keys in the order they were kept.
    private var order: [String] = []

    /// Keeps a read, letting the oldest go when `capacity` are kept.
    mutating func keep(_ source: FigureSource, as key: String, capacity: Int) {
        guard reads[key] == nil else { return }
        if order.count >= capacity {
            let drop = order.count - capacity + 1
            for old in order.prefix(drop) { reads[old] = nil }
            order.removeFirst(drop)
        }
        reads[key] = source
        order.append(key)
    }
}
