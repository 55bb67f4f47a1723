import Foundation

/// The plain forecast the model is judged against: the last days' pace carried to the deadline,
/// its chance read from a normal spread of those days' counts (each day's count independent, with
/// their mean and variance) over the days left.
public struct PaceBaseline: Sendable, Equatable {
    /// Sites built per day, on average.
    public var mean: Double
    /// The variance of one day's count.
    public var variance: Double

    /// The baseline from the counts of consecutive days (sites built each day).
    public init(dailyCounts: [Int]) {
        let n = Double(dailyCounts.count)
        let m = n > 0 ? Double(dailyCounts.reduce(0, +)) / n : 0
        mean = m
        variance = n > 1 ? dailyCounts.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / (n - 1) : 0
    }

    /// The sites expected in `days`.
    public func expected(within days: Double) -> Double { mean * max(0, days) }

    /// The chance that at least `needed` more sites are built in `days` (continuity-corrected).
    public func chance(ofAtLeast needed: Int, within days: Double) -> Double {
        StageForecast.Outlook(mean: expected(within: days), variance: variance * max(0, days)).chance(ofAtLeast: needed)
    }
}

/// One forecast for the deadline made on a past day, beside what the log shows at the deadline.
public struct BacktestCase: Codable, Sendable, Equatable {
    /// The day the forecast was made (read as of the end of that day and as known then).
    public var origin: String
    /// `city`, `region` or `operator`, and the region's or operator's code (empty for the city).
    public var level: String
    /// The region's or operator's code (empty for the city).
    public var key: String
    /// Days from the origin to the deadline.
    public var horizonDays: Int
    /// The progress at the origin, and the target.
    public var progress: Int
    /// The target then; nil without one.
    public var target: Int?
    /// The forecast of the progress at the deadline: expected, its 80 % range, the chance of the target.
    public var expected: Int
    /// The low end of the 80 % range; nil when the forecast drew none.
    public var low: Int?
    /// The high end of the 80 % range; nil when the forecast drew none.
    public var high: Int?
    /// The chance of reaching the target; nil when the forecast gave none.
    public var probability: Double?
    /// The 14-day pace's forecast of the same.
    public var paceExpected: Int
    /// The pace's chance of reaching the target; nil without a target.
    public var paceProbability: Double?
    /// The progress at the deadline as the log shows it now.
    public var outcome: Int

    /// A case from a past forecast and its outcome.
    public init(origin: String, level: String, key: String, horizonDays: Int, progress: Int, target: Int?, expected: Int,
                low: Int?, high: Int?, probability: Double?, paceExpected: Int, paceProbability: Double?, outcome: Int) {
        self.origin = origin; self.level = level; self.key = key; self.horizonDays = horizonDays; self.progress = progress
        self.target = target; self.expected = expected; self.low = low; self.high = high; self.probability = probability
        self.paceExpected = paceExpected; self.paceProbability = paceProbability; self.outcome = outcome
    }
}

/// How a set of back-test cases scored: for the model and for the 14-day pace.
public struct BacktestScore: Codable, Sendable, Equatable {
    /// How far one forecaster's expectations fell from the outcomes.
    public struct Errors: Codable, Sendable, Equatable {
        /// The median and the mean of |expected − outcome| / outcome.
        public var medianAbsolute: Double?
        /// The mean of the same; nil when no outcome was above zero.
        public var meanAbsolute: Double?
        /// The mean of (expected − outcome) / outcome: below zero, the forecast was low.
        public var bias: Double?
        /// The mean of (chance − met)², met being 1 when the outcome reached the target; over the
        /// cases with a target and a chance.
        public var brier: Double?
    }

    /// `city`, `region` or `operator`.
    public var level: String
    /// How many cases were scored.
    public var cases: Int
    /// The share of cases whose 80 % range held the outcome (nil: no case had a range).
    public var coverage80: Double?
    /// The model's errors.
    public var model: Errors
    /// The 14-day pace's errors.
    public var pace: Errors
    /// The model's errors over the forecasts made 2 to 10 weeks before the milestone's day
    /// (``weeksAhead`` days): the span the forecast is judged on.
    public var modelWeeksAhead: Errors
    /// The span of horizons, in days, of ``modelWeeksAhead``.
    public static let weeksAhead = 14...70

    /// The scores of a level's cases.
    public init(level: String, cases list: [BacktestCase]) {
        self.level = level
        cases = list.count
        let ranged = list.filter { $0.low != nil && $0.high != nil }
        coverage80 = ranged.isEmpty ? nil : Double(ranged.filter { $0.low! <= $0.outcome && $0.outcome <= $0.high! }.count) / Double(ranged.count)
        model = Self.errors(list.map { ($0.expected, $0.outcome, $0.probability, $0.target) })
        pace = Self.errors(list.map { ($0.paceExpected, $0.outcome, $0.paceProbability, $0.target) })
        modelWeeksAhead = Self.errors(list.filter { Self.weeksAhead.contains($0.horizonDays) }.map { ($0.expected, $0.outcome, $0.probability, $0.target) })
    }

    static func errors(_ rows: [(expected: Int, outcome: Int, chance: Double?, target: Int?)]) -> Errors {
        let relative = rows.filter { $0.outcome > 0 }.map { Double($0.expected - $0.outcome) / Double($0.outcome) }
        let absolute = relative.map(abs).sorted()
        let scored = rows.compactMap { r -> Double? in
            guard let p = r.chance, let t = r.target, t > 0, p.isFinite else { return nil }
            let met: Double = r.outcome >= t ? 1 : 0
            return (p - met) * (p - met)
        }
        func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }
        return Errors(medianAbsolute: absolute.medianOfSorted, meanAbsolute: mean(absolute), bias: mean(relative), brier: mean(scored))
    }

    /// The scores per level, city first.
    public static func levels(_ cases: [BacktestCase]) -> [BacktestScore] {
        ["city", "region", "operator"].compactMap { level in
            let mine = cases.filter { $0.level == level }
            return mine.isEmpty ? nil : BacktestScore(level: level, cases: mine)
        }
    }
}
