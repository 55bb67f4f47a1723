import Foundation
import Testing
@testable import RolloutCore

/// The stage durations the forecast learns, on synthetic logs whose durations are known: sites
/// registered (planned), designed a log-normal time later, on air another log-normal time later,
/// all run through the ledger. The chance the model gives of being built within d days converges
/// to the true law as the log grows, to within what its day buckets can resolve.
@Suite struct DurationEstimateTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-03-01")!
    /// Planned → designed and designed → on air: medians and spreads of their log-normal laws.
    static let first = (median: 8.0, sigma: 0.5), second = (median: 12.0, sigma: 0.4)

    /// The counters of a log of `n` sites with durations drawn from the two laws.
    static func counters(sites n: Int, seed: UInt64) throws -> CounterValues {
        var rng = SeededRandom(seed: seed)
        var ledger = Ledger()
        var seq: Int64 = 0
        func apply(_ body: EventBody, at: Instant) throws {
            seq += 1
            try ledger.apply(LoggedEvent(seq: seq, event: NewEvent(body, occurredAt: at, recordedAt: at, actor: "t")))
        }
        for i in 0..<n {
            let key = SiteKey(operator: .cmcc, code: "S\(i)")
            let registered = day0.adding(seconds: Int64(i) * 600)
            let designed = registered.adding(seconds: Int64(rng.logNormal(median: first.median, sigma: first.sigma) * 86_400))
            let built = designed.adding(seconds: Int64(rng.logNormal(median: second.median, sigma: second.sigma) * 86_400))
            try apply(.siteRegistered(Fixtures.registration(key)), at: registered)
            try apply(.stageReported(site: key, stage: .designed, note: nil), at: designed)
            try apply(.stageReported(site: key, stage: .onAir, note: nil), at: built)
        }
        var values = CounterValues()
        for d in ledger.deltas { values.add(d.key, d.delta) }
        return values
    }

    /// The true chance of being built within `days` from each stage: designed → built is log-normal;
    /// planned → built, the sum of both, by a large sample.
    static func truth() -> (fromPlanned: (Double) -> Double, fromDesigned: (Double) -> Double) {
        var rng = SeededRandom(seed: 99)
        let sums = (0..<200_000).map { _ in
            rng.logNormal(median: first.median, sigma: first.sigma) + rng.logNormal(median: second.median, sigma: second.sigma)
        }.sorted()
        func planned(_ d: Double) -> Double {
            var (low, high) = (0, sums.count)
            while low < high { let mid = (low + high) / 2; if sums[mid] <= d { low = mid + 1 } else { high = mid } }
            return Double(low) / Double(sums.count)
        }
        func designed(_ d: Double) -> Double {
            0.5 * erfc(-(log(d / second.median) / second.sigma) / 2.0.squareRoot())
        }
        return (planned, designed)
    }

    /// The truth as the buckets can hold it: the true chances at the bucket's ends, spread evenly
    /// inside it, as the model reads a bucket (nothing of the open-ended one).
    static func bucketed(_ f: (Double) -> Double, _ days: Double) -> Double {
        let b = DurationBuckets.bucket(seconds: Int64(days * 86_400))
        let low = b == 0 ? 0 : Double(DurationBuckets.upperDays[b - 1])
        guard b < DurationBuckets.upperDays.count else { return f(low) }
        let high = Double(DurationBuckets.upperDays[b])
        return f(low) + (f(high) - f(low)) * (days - low) / (high - low)
    }

    /// The largest gaps between the model's chances and the truth's over 1 to 60 days: to the truth
    /// as the buckets hold it, and to the truth itself.
    static func error(sites n: Int, seed: UInt64) throws -> (bucketed: Double, exact: Double) {
        let model = StageForecast(now: try counters(sites: n, seed: seed), windowStart: CounterValues())
        let t = truth()
        var worst = (bucketed: 0.0, exact: 0.0)
        for d in stride(from: 1.0, through: 60, by: 1) {
            let planned = model.probability(operator: "cmcc", stage: .planned, within: d)
            let designed = model.probability(operator: "cmcc", stage: .designed, within: d)
            worst.bucketed = max(worst.bucketed, abs(planned - bucketed(t.fromPlanned, d)), abs(designed - bucketed(t.fromDesigned, d)))
            worst.exact = max(worst.exact, abs(planned - t.fromPlanned(d)), abs(designed - t.fromDesigned(d)))
        }
        return worst
    }

    @Test func theEstimateConvergesToTheTrueDurationsAsTheLogGrows() throws {
        // MUT: the worst gaps, averaged over three logs of each size
        func meanError(_ n: Int) throws -> (bucketed: Double, exact: Double) {
            let each = try (1...3).map { try Self.error(sites: n, seed: UInt64($0)) }
            return (each.map(\.bucketed).reduce(0, +) / 3, each.map(\.exact).reduce(0, +) / 3)
        }
        let small = try meanError(60), middle = try meanError(600), large = try meanError(6_000)
        // validate: the gap to the truth the buckets can hold shrinks as the log grows (about
        // 0.11, 0.024, 0.010 for 60, 600 and 6,000 sites); the gap to the truth itself stays within what the buckets
        // resolve (a duration is read as spread evenly over its bucket: [10, 14) days, [14, 21), …)
        #expect(large.bucketed < middle.bucketed && middle.bucketed < small.bucketed, "\(small) \(middle) \(large)")
        #expect(large.bucketed < 0.02, "\(large)")
        #expect(large.exact < 0.06, "\(large)")
    }
}
