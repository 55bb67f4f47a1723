import Foundation
import RolloutCore

extension CampaignService {
    /// How many past weeks the forecast is asked again to measure its errors (as far back as
    /// ``ForecastCalibration/windowDays`` reaches).
    static let calibrationWeeks = Int(ForecastCalibration.windowDays / 7)

    /// The figures' inputs at a moment with the forecast's calibration measured: the model asked as
    /// of the end of each of the last ``calibrationWeeks`` weeks (with the moment's knowledge) how
    /// many sites each key would have built by the moment, against how many the moment's counters
    /// say were.
    public func calibratedSource(at moment: ReadMoment, campaign: Campaign) async throws -> FigureSource {
        var source = try await store.figureSource(at: moment, campaign: campaign)
        let today = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
        let first = ShanghaiCalendar.day(of: campaign.start) + Figures.paceDays
        let origins = (1...Self.calibrationWeeks).map { today - 7 * $0 }.filter { $0 >= first }
        guard !origins.isEmpty else { return source }
        let builtNow = Figures.expectedGains(source.inputs, regions: source.regions, within: 0).built
        let store = self.store
        let pairs = try await withThrowingTaskGroup(of: [ForecastCalibration.Pair].self) { group in
            for origin in origins {
                group.addTask {
                    let cut = Cutoff.endOf(day: origin)
                    // The past state as the moment knows it (a report that came late counts where it
                    // belongs): nothing after the moment's knowledge, and the cheap read of a day's
                    // totals instead of a read as known at each past day.
                    let then = moment.at(cut)
                    let past = try await store.figureSource(at: then, campaign: campaign)
                    let days = Double(moment.asOf.before.seconds - cut.before.seconds) / 86_400
                    let (expected, built) = Figures.expectedGains(past.inputs, regions: past.regions, within: days)
                    return expected.map { key, gain in
                        ForecastCalibration.Pair(key: key, horizonDays: days, predicted: gain, actual: Double((builtNow[key] ?? 0) - (built[key] ?? 0)))
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        source.inputs.calibration = ForecastCalibration(pairs)
        return source
    }
}
