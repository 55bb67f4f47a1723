import Foundation
import RolloutCore
import RolloutStorage

extension CampaignService {
    /// The forecast for the milestone in force replayed as it would have been made at the end of each
    /// day from `from` to `to`, `everyDays` apart (read as of that day and as known then), for the
    /// city, each region and each operator, beside the 14-day pace's and the progress the log shows
    /// on that milestone's day. Refuses a step outside 1…366 days, days outside the campaign or after
    /// the last milestone already past, and a campaign none of whose milestones the log has reached.
    public func backtest(from fromText: String?, to toText: String?, everyDays: Int) async throws -> [BacktestCase] {
        let stored = try await campaign()
        let campaign = stored.campaign
        guard (1...366).contains(everyDays) else { throw RolloutError("backtest_bad_step", ["value": "\(everyDays)d"]) }
        let startDay = ShanghaiCalendar.day(of: campaign.start)
        let now = stored.now(clock)
        // The last milestone of the city's plan (as known now) already past: the last outcome the log holds.
        let known = try await plan(region: nil, at: ReadMoment(asOf: .including(now)))
        let dues = known.isEmpty ? [campaign.deadline] : known.milestones.map(\.due)
        guard let lastDue = dues.last(where: { $0 < now }) else {
            throw RolloutError("backtest_no_outcome", ["value": ShanghaiCalendar.dateString(dues.first ?? campaign.deadline)])
        }
        let lastDay = ShanghaiCalendar.day(of: lastDue)
        func day(_ text: String?, default fallback: DayNumber) throws -> DayNumber {
            guard let text else { return fallback }
            guard let d = ShanghaiCalendar.parseDay(text) else { throw RolloutError("backtest_bad_day", ["value": text]) }
            guard d >= startDay && d < lastDay else {
                throw RolloutError("backtest_out_of_range", ["value": text, "start": ShanghaiCalendar.dateString(startDay),
                                                             "deadline": ShanghaiCalendar.dateString(lastDay)])
            }
            return d
        }
        let first = try day(fromText, default: min(lastDay - 1, startDay + Figures.paceDays))
        let last = try day(toText, default: lastDay - 1)
        let origins = Array(stride(from: first, through: last, by: everyDays))
        guard !origins.isEmpty else {
            throw RolloutError("backtest_empty", ["from": ShanghaiCalendar.dateString(first), "to": ShanghaiCalendar.dateString(last)])
        }
        // The outcome: the progress on the day of each origin's milestone as the log shows it now.
        var outcomes: [DayNumber: FigureSource] = [:]
        func progress(_ inputs: Figures.Inputs, region: String? = nil, operator op: String? = nil) -> Int {
            inputs.now.built(region: region, operator: op) - inputs.atStart.built(region: region, operator: op)
        }
        var cases: [BacktestCase] = []
        for origin in origins {
            let cut = Cutoff.endOf(day: origin)
            let moment = ReadMoment(asOf: cut, knownAt: cut)
            // The milestone in force then, as known then (before any was known: the first the plan
            // known now sets after the day); its day must have passed.
            let then = try await plan(region: nil, at: moment)
            let due = then.isEmpty ? (known.ahead(of: cut.before.adding(seconds: -1)).first?.due ?? campaign.deadline)
                : Figures.due(then, campaign: campaign, moment: moment)
            let dueDay = ShanghaiCalendar.day(of: due)
            guard dueDay <= lastDay else { continue }
            if outcomes[dueDay] == nil { outcomes[dueDay] = try await store.figureSource(at: ReadMoment(asOf: .endOf(day: dueDay)), campaign: campaign) }
            let outcome = outcomes[dueDay]!
            let source = try await calibratedSource(at: moment, campaign: campaign, settled: true)
            // Measured against that milestone's day (a line without a plan then falls back to it too).
            let until = campaign.until(due)
            let summary = Figures.summary(campaign: until, regions: source.regions, targets: source.targets, inputs: source.inputs, moment: moment)
            let regions = Figures.regions(campaign: until, regions: source.regions, targets: source.targets, inputs: source.inputs, moment: moment)
            let operators = Figures.operators(campaign: until, regions: source.regions, targets: source.targets, inputs: source.inputs, moment: moment)
            // The pace baseline: each of the last 14 days' counts, as known on the origin.
            var daily: [CounterValues] = []
            for d in (origin - Figures.paceDays)...origin where d >= startDay - 1 {
                daily.append(try await store.counters(at: moment.at(.endOf(day: d))))
            }
            let horizon = Double(due.seconds - cut.before.seconds) / 86_400
            func make(_ level: String, _ key: String, progress p: Int, target: Int?, forecast f: Forecast, outcome o: Int,
                      built: (CounterValues) -> Int) -> BacktestCase {
                let counts = zip(daily.dropFirst(), daily).map { built($0.0) - built($0.1) }
                let pace = PaceBaseline(dailyCounts: counts)
                return BacktestCase(origin: ShanghaiCalendar.dateString(origin), level: level, key: key, horizonDays: Int(horizon.rounded()),
                                    progress: p, target: target, expected: f.expectedAtDeadline, low: f.expectedLow, high: f.expectedHigh,
                                    probability: f.probabilityByDeadline, paceExpected: p + Int(pace.expected(within: horizon).rounded()),
                                    paceProbability: (target ?? 0) > 0 ? pace.chance(ofAtLeast: target! - p, within: horizon) : nil, outcome: o)
            }
            cases.append(make("city", "", progress: summary.progress, target: summary.target > 0 ? summary.target : nil, forecast: summary.forecast,
                              outcome: progress(outcome.inputs), built: { $0.built() }))
            for r in regions {
                cases.append(make("region", r.regionCode, progress: r.progress, target: r.target, forecast: r.forecast,
                                  outcome: progress(outcome.inputs, region: r.regionCode), built: { $0.built(region: r.regionCode) }))
            }
            for o in operators {
                cases.append(make("operator", o.operator, progress: o.progress, target: o.target, forecast: o.forecast,
                                  outcome: progress(outcome.inputs, operator: o.operator), built: { $0.built(operator: o.operator) }))
            }
        }
        guard !cases.isEmpty else { throw RolloutError("backtest_no_outcome", ["value": ShanghaiCalendar.dateString(lastDay + 1)]) }
        return cases
    }
}
