import Foundation

/// Buckets of days, for how long sites take from a stage to being built.
public enum DurationBuckets {
    /// The upper bounds (exclusive) of the buckets, in days; the last bucket is open-ended.
    public static let upperDays: [Int] = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270]
    /// The number of buckets.
    public static var count: Int { upperDays.count + 1 }

    /// The bucket of a duration.
    public static func bucket(seconds: Int64) -> Int {
        let days = Double(max(0, seconds)) / 86_400
        return upperDays.firstIndex { days < Double($0) } ?? upperDays.count
    }

    /// The share of a bucket's durations that are at most `days`, spreading them evenly inside it;
    /// nothing of the open-ended bucket.
    static func share(_ bucket: Int, within days: Double) -> Double {
        guard bucket < upperDays.count else { return 0 }
        let low = bucket == 0 ? 0 : Double(upperDays[bucket - 1])
        let high = Double(upperDays[bucket])
        return min(1, max(0, (days - low) / (high - low)))
    }
}

/// How long built sites took from each stage to `on_air`, as counted by the `tobuilt.*` counters.
public struct DurationProfile: Sendable, Equatable {
    /// Per stage, the number of sites in each ``DurationBuckets`` bucket.
    public private(set) var counts: [Stage: [Int]] = [:]

    /// The profile of one operator (or of all, with nil) from counter values.
    public init(_ values: CounterValues, operator op: String?) {
        for (key, value) in values.values where key.metric.hasPrefix(Metric.toBuiltPrefix)
            && (op == nil ? key.operatorCode != Operator.tower.rawValue : key.operatorCode == op) {
            let parts = key.metric.split(separator: ".")
            guard parts.count == 3, let stage = Stage(rawValue: String(parts[1])), let b = Int(parts[2]),
                  (0..<DurationBuckets.count).contains(b) else { continue }
            counts[stage, default: Array(repeating: 0, count: DurationBuckets.count)][b] += value
        }
    }

    init(counts: [Stage: [Int]]) { self.counts = counts }

    /// What was counted in `self` and not in `older`: the durations of the sites built in between.
    public func minus(_ older: DurationProfile) -> DurationProfile {
        var out = counts
        for (s, c) in older.counts {
            var mine = out[s] ?? Array(repeating: 0, count: DurationBuckets.count)
            for i in c.indices { mine[i] -= c[i] }
            out[s] = mine
        }
        return DurationProfile(counts: out)
    }

    /// The number of sites counted for a stage.
    public func samples(_ s: Stage) -> Int { counts[s]?.reduce(0, +) ?? 0 }

    /// The share of the sites counted for a stage that were built within `days` of entering it.
    public func share(from s: Stage, within days: Double) -> Double {
        curve(from: s)?.share(within: days) ?? 0
    }

    /// A stage's counts, looked up once for many questions (the forecast asks one for every day ahead).
    func curve(from s: Stage) -> Curve? { counts[s].map(Curve.init) }

    /// One stage's counts and their total.
    struct Curve {
        let counts: [Int], total: Int
        init(_ counts: [Int]) { self.counts = counts; total = counts.reduce(0, +) }

        /// The share built within `days` of entering the stage (0 with nothing counted).
        func share(within days: Double) -> Double {
            guard total > 0 else { return 0 }
            var built = 0.0
            for (b, k) in counts.enumerated() where k > 0 { built += Double(k) * DurationBuckets.share(b, within: days) }
            return built / Double(total)
        }
    }
}

/// The forecast from each site's remaining stages and the observed stage durations.
///
/// Every site not yet built is expected to be built within d days with the probability that a
/// site at its stage was built within d days of entering it, among the sites built in the last
/// ``windowDays`` days (the whole log when that is too few): recent durations, so a campaign that
/// speeds up or slows down is seen as it is now. Sites are independent: the number built by a day
/// has the mean and variance of a sum of Bernoulli trials, and the chance of reaching a target is
/// read from the normal law with those moments. It does not know how long a site has already
/// waited at its stage (the counters do not say), nor sites not yet registered.
public struct StageForecast: Sendable {
    /// The window of recent durations, in days.
    public static let windowDays = 60
    /// The model's own error, as a share of the sites it expects to be built: sites are not really
    /// independent (a shortage of equipment or a rainy month delays many at once) and it does not
    /// see how long a site has waited. 10 % is what the back-tests on the demo campaign showed
    /// (3–14 % too few, 15 to 45 days ahead).
    public static let modelError = 0.10
    /// Fewer samples than this for a stage and the forecast falls back to a wider set.
    public static let minimumSamples = 50

    /// Per operator code (and `""` for all operators), per stage, the profile the forecast uses.
    private var chosen: [String: [Stage: DurationProfile]] = [:]
    /// Whether any stage has durations to learn from.
    public let hasData: Bool

    /// A model from the counters at the moment and at the start of the window.
    public init(now: CounterValues, windowStart: CounterValues) {
        var any = false
        let allNow = DurationProfile(now, operator: nil)
        let allRecent = allNow.minus(DurationProfile(windowStart, operator: nil))
        for op in [""] + Operator.network.map(\.rawValue) {
            let total = op.isEmpty ? allNow : DurationProfile(now, operator: op)
            let recent = op.isEmpty ? allRecent : total.minus(DurationProfile(windowStart, operator: op))
            var perStage: [Stage: DurationProfile] = [:]
            for s in Stage.allCases where !s.isBuilt {
                let candidates = [recent, allRecent, total, allNow]
                perStage[s] = candidates.first { $0.samples(s) >= StageForecast.minimumSamples } ?? candidates.first { $0.samples(s) > 0 }
                if perStage[s] != nil { any = true }
            }
            chosen[op] = perStage
        }
        hasData = any
    }

    /// The chance that a site of an operator, at a stage now, is built within `days`.
    public func probability(operator op: String, stage: Stage, within days: Double) -> Double {
        guard !stage.isBuilt else { return 1 }
        return (chosen[op]?[stage] ?? chosen[""]?[stage])?.share(from: stage, within: days) ?? 0
    }

    /// The mean and variance of the number of sites built within `days`, from a pipeline of sites
    /// per operator and stage, and sites registered from now on at `arrivals` a day per operator
    /// (a Poisson stream, each new site then taking the durations of a `planned` one).
    public func outlook(_ pipeline: [String: [Stage: Int]], arrivals: [String: Double] = [:], within days: Double) -> Outlook {
        var o = Outlook(mean: 0, variance: 0)
        for (op, rate) in arrivals where rate > 0 && days > 0 {
            // The profile looked up once, not once a day (a fifth of a summary's time at `--scale 10`).
            let curve = (chosen[op]?[.planned] ?? chosen[""]?[.planned])?.curve(from: .planned)
            var t = 0.0
            while t < days {
                let span = min(1, days - t)
                let p = curve?.share(within: days - t - span / 2) ?? 0
                o.mean += rate * span * p
                o.arriving += rate * span * p
                o.variance += rate * span * p
                t += 1
            }
        }
        for (op, stages) in pipeline {
            for (s, n) in stages where n > 0 && !s.isBuilt {
                let p = probability(operator: op, stage: s, within: days)
                o.mean += Double(n) * p
                o.variance += Double(n) * p * (1 - p)
            }
        }
        o.variance += (StageForecast.modelError * o.mean) * (StageForecast.modelError * o.mean)
        return o
    }

    /// The mean and variance of a count of sites built.
    public struct Outlook: Sendable, Equatable {
        /// The expected number of sites.
        public var mean: Double
        /// The variance of that number.
        public var variance: Double
        /// The part of `mean` that comes from sites not yet registered.
        public var arriving: Double = 0

        /// A mean and a variance, `arriving` of the mean from sites not yet registered.
        public init(mean: Double, variance: Double, arriving: Double = 0) {
            self.mean = mean; self.variance = variance; self.arriving = arriving
        }

        /// The chance that at least `needed` more sites are built (normal law, continuity-corrected).
        public func chance(ofAtLeast needed: Int) -> Double {
            if needed <= 0 { return 1 }
            guard variance > 1e-9 else { return mean >= Double(needed) ? 1 : 0 }
            let z = (Double(needed) - 0.5 - mean) / variance.squareRoot()
            return 0.5 * erfc(z / 2.0.squareRoot())
        }

        /// The count `z` standard deviations from the mean (normal law; ±1.2816 bounds the middle 80 %), never below zero.
        public func quantile(_ z: Double) -> Double { max(0, mean + z * variance.squareRoot()) }
    }
}
