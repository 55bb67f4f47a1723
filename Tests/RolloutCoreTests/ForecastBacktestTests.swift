import Foundation
import RolloutCore
import Testing

@Suite struct ForecastBacktestTests {
    func make(_ expected: Int, _ outcome: Int, low: Int? = nil, high: Int? = nil, chance: Double? = nil, target: Int? = nil,
              pace: Int = 0, paceChance: Double? = nil, level: String = "region") -> BacktestCase {
        BacktestCase(origin: "2020-05-01", level: level, key: "x", horizonDays: 30, progress: 0, target: target, expected: expected,
                     low: low, high: high, probability: chance, paceExpected: pace, paceProbability: paceChance, outcome: outcome)
    }

    @Test func coverageCountsTheRangesThatHeldTheOutcome() {
        // setup: four ranges, three of which hold the outcome (bounds included); one case without a range
        let cases = [make(100, 100, low: 90, high: 110), make(100, 90, low: 90, high: 110), make(100, 110, low: 90, high: 110),
                     make(100, 111, low: 90, high: 110), make(100, 50)]
        // MUT
        let score = BacktestScore(level: "region", cases: cases)
        // validate
        #expect(score.cases == 5)
        #expect(score.coverage80 == 0.75)
    }

    @Test func errorsAreRelativeToTheOutcomeAndSigned() {
        let score = BacktestScore(level: "city", cases: [make(90, 100), make(120, 100), make(100, 100)])
        #expect(abs(score.model.medianAbsolute! - 0.1) < 1e-12)
        #expect(abs(score.model.meanAbsolute! - 0.1) < 1e-12)
        #expect(abs(score.model.bias! - (-0.1 + 0.2 + 0) / 3) < 1e-12)
        // An outcome of zero has no relative error: it is left out, not a NaN.
        let zero = BacktestScore(level: "region", cases: [make(5, 0)])
        #expect(zero.model.medianAbsolute == nil && zero.model.bias == nil)
    }

    @Test func theSpanTwoToTenWeeksAheadIsScoredApart() {
        // setup: a forecast 13 days ahead (left out), two 2 and 10 weeks ahead (in), one 71 days ahead (left out)
        func at(_ days: Int, _ expected: Int) -> BacktestCase {
            var c = make(expected, 100, level: "city"); c.horizonDays = days; return c
        }
        // MUT
        let score = BacktestScore(level: "city", cases: [at(13, 50), at(14, 97), at(70, 105), at(71, 150)])
        // validate: the median of 3 % and 5 %; the whole set's median is 27.5 %
        #expect(abs(score.modelWeeksAhead.medianAbsolute! - 0.04) < 1e-12)
        #expect(abs(score.modelWeeksAhead.bias! - 0.01) < 1e-12)
        #expect(abs(score.model.medianAbsolute! - 0.275) < 1e-12)
        #expect(BacktestScore(level: "city", cases: [at(7, 100)]).modelWeeksAhead.medianAbsolute == nil)
    }

    @Test func theBrierScoreRewardsAChanceThatWasRight() {
        // The target was met: a chance of 0.9 scores 0.01, the pace's 0.2 scores 0.64.
        let met = BacktestScore(level: "city", cases: [make(100, 120, chance: 0.9, target: 110, pace: 100, paceChance: 0.2)])
        #expect(abs(met.model.brier! - 0.01) < 1e-12)
        #expect(abs(met.pace.brier! - 0.64) < 1e-12)
        // Without a target there is nothing to score.
        #expect(BacktestScore(level: "region", cases: [make(1, 1, chance: 0.5)]).model.brier == nil)
    }

    @Test func levelsComeCityFirstAndOnlyWhenTheyHaveCases() {
        let levels = BacktestScore.levels([make(1, 1, level: "operator"), make(1, 1, level: "city")])
        #expect(levels.map(\.level) == ["city", "operator"])
    }

    @Test func thePaceBaselineSpreadsTheDailyCountsOverTheDaysLeft() {
        // setup: 14 days alternating 10 and 20 sites a day (mean 15, sample variance 25·14/13)
        let pace = PaceBaseline(dailyCounts: (0..<14).map { $0 % 2 == 0 ? 10 : 20 })
        #expect(pace.mean == 15)
        #expect(abs(pace.variance - 25 * 14 / 13) < 1e-9)
        #expect(pace.expected(within: 10) == 150)
        // An even chance at the mean, more for less, less for more; a steady pace is certain.
        #expect(abs(pace.chance(ofAtLeast: 150, within: 10) - 0.5) < 0.03)
        #expect(pace.chance(ofAtLeast: 100, within: 10) > 0.99)
        #expect(pace.chance(ofAtLeast: 200, within: 10) < 0.01)
        let steady = PaceBaseline(dailyCounts: [5, 5, 5])
        #expect(steady.chance(ofAtLeast: 15, within: 3) == 1 && steady.chance(ofAtLeast: 16, within: 3) == 0)
        #expect(PaceBaseline(dailyCounts: []).expected(within: 30) == 0)
    }
}
