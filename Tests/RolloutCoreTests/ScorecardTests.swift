import Testing
@testable import RolloutCore

/// The scorecard's rules: each part's score, parts without data weighing nothing, the weights'
/// checks, and the ranking.
@Suite struct ScorecardTests {
    static func inputs(_ region: String, built: Int, target: Int?, elapsed: Double = 0.5, open: Int = 0, overdue: Int = 0,
                       periods: Int? = nil, missed: Int? = nil) -> Scorecard.Inputs {
        Scorecard.Inputs(region: region, built: built, target: target, elapsed: elapsed, openObstacles: open, overdueObstacles: overdue,
                         reportingPeriods: periods, missedPeriods: missed)
    }

    @Test func eachPartScoresZeroToAHundredOrHasNoData() {
        let i = Self.inputs("a", built: 30, target: 100, elapsed: 0.5, open: 4, overdue: 1, periods: 4, missed: 1)
        #expect(Scorecard.partScore(.build, i) == 60)  // 30 of 50 due by now
        #expect(Scorecard.partScore(.obstacles, i) == 75)
        #expect(Scorecard.partScore(.reporting, i) == 75)
        for p in [Scorecard.Part.verified, .safety, .applications, .subscribers] { #expect(Scorecard.partScore(p, i) == nil) }  // their inputs are absent
        // Ahead of the pro-rata target is capped at 100; no target or no time gone by: no data.
        #expect(Scorecard.partScore(.build, Self.inputs("a", built: 90, target: 100)) == 100)
        #expect(Scorecard.partScore(.build, Self.inputs("a", built: 9, target: nil)) == nil)
        #expect(Scorecard.partScore(.build, Self.inputs("a", built: 9, target: 0)) == nil)
        #expect(Scorecard.partScore(.build, Self.inputs("a", built: 9, target: 10, elapsed: 0)) == nil)
        // No open obstacle is a full score; no period ended is no data.
        #expect(Scorecard.partScore(.obstacles, Self.inputs("a", built: 0, target: 1)) == 100)
        #expect(Scorecard.partScore(.reporting, Self.inputs("a", built: 0, target: 1, periods: 0, missed: 0)) == nil)
        #expect(Scorecard.partScore(.reporting, Self.inputs("a", built: 0, target: 1, periods: 3, missed: 3)) == 0)
    }

    @Test func verifiedIsTheReconciliationRateUntilFieldVerificationExists() {
        var i = Self.inputs("a", built: 0, target: nil)
        #expect(Scorecard.partScore(.verified, i) == nil)
        i.pairedSites = 0; i.agreeingSites = 0
        #expect(Scorecard.partScore(.verified, i) == nil)   // nothing paired: no data
        i.pairedSites = 40; i.agreeingSites = 30
        #expect(Scorecard.partScore(.verified, i) == 75)
        i.agreeingSites = 50
        #expect(Scorecard.partScore(.verified, i) == 100)   // never above the paired
    }

    @Test func theScoreIsTheWeightedMeanOfThePartsWithDataAndTheRankOrdersIt() {
        let weights = Scorecard.Weights([.build: 40, .verified: 15, .obstacles: 15, .reporting: 10, .safety: 10])
        let lines = Scorecard.lines([
            Self.inputs("b", built: 30, target: 100, open: 4, overdue: 1, periods: 4, missed: 1),  // (40·60 + 15·75 + 10·75) / 65
            Self.inputs("a", built: 50, target: 100, open: 0, periods: nil),                       // (40·100 + 15·100) / 55
            Self.inputs("c", built: 50, target: 100, open: 0, periods: nil),                       // the same as a: after it by code
            Self.inputs("d", built: 0, target: nil, open: 0, periods: nil),                        // obstacles only: 100
        ], weights: weights)
        #expect(lines.map(\.region) == ["a", "c", "d", "b"])
        #expect(lines.map(\.rank) == [1, 2, 3, 4])
        #expect(abs(lines[3].score! - (40 * 60 + 15 * 75 + 10 * 75) / 65.0) < 1e-9)
        #expect(lines[0].score == 100 && lines[2].score == 100)
        // A part weighing nothing does not count, even with data; no part with both: no score, no rank, last.
        let onlyReporting = Scorecard.lines([Self.inputs("x", built: 1, target: 10, periods: nil), Self.inputs("y", built: 1, target: 10, periods: 2, missed: 1)],
                                            weights: Scorecard.Weights([.reporting: 1]))
        #expect(onlyReporting.map(\.region) == ["y", "x"] && onlyReporting[1].score == nil && onlyReporting[1].rank == nil)
        #expect(onlyReporting[0].score == 50 && onlyReporting[0].rank == 1)
    }

    @Test func weightsAreCheckedWhenSet() throws {
        #expect(try Scorecard.Weights.standard.validated() == .standard)
        #expect(Scorecard.Weights.standard.values.values.reduce(0, +) == 100)
        for bad in [["build": -1.0], ["build": .nan], ["build": .infinity], ["build": 1_001], ["nonsense": 1], ["build": 0, "safety": 0], [:]] as [[String: Double]] {
            #expect(throws: RolloutError.self, "\(bad)") { try Scorecard.Weights(values: bad).validated() }
        }
        #expect(Scorecard.Weights(values: ["obstacles": 2.5])[.obstacles] == 2.5)
        #expect(Scorecard.Weights(values: ["obstacles": 2.5])[.build] == 0)
    }
}
