import Foundation
import RolloutCore
import Testing

/// A gain with no pipeline to hold it (every site of it registered and the pipeline unbounded).
extension ForecastCalibration.Fit {
    func range(_ gain: Double, days: Double) -> (low: Double, high: Double) {
        range(StageForecast.Outlook(mean: gain, variance: 0), registered: .infinity, days: days)
    }

    func chance(_ gain: Double, ofAtLeast needed: Double, days: Double) -> Double {
        chance(StageForecast.Outlook(mean: gain, variance: 0), registered: .infinity, ofAtLeast: needed, days: days)
    }
}

@Suite struct ForecastCalibrationTests {
    /// Past forecasts of the city and a region whose outcomes were `ratio` times what was expected, with noise.
    func pairs(ratio: Double, noise: [Double], horizons: [Double] = [7, 14, 21], key: String = "") -> [ForecastCalibration.Pair] {
        noise.enumerated().map { k, n in
            let h = horizons[k % horizons.count]
            return .init(key: key, horizonDays: h, predicted: 1000, actual: 1000 * ratio * exp(n * h.squareRoot()))
        }
    }

    @Test func aSteadyBiasIsTakenOut() throws {
        // setup: the model expected 10 % too many, every time
        let calibration = ForecastCalibration(pairs(ratio: 0.9, noise: [0, 0, 0]))
        // MUT
        let fit = try #require(calibration.fit(for: ""))
        // validate: the expected gain is corrected, and the range is the floor's (no spread measured)
        #expect(abs(fit.expected(2000) - 1800) < 1e-6)
        #expect(fit.spreadPerRootDay == ForecastCalibration.floorSpread)
    }

    @Test func tooFewPastForecastsLeaveTheModelAlone() {
        #expect(ForecastCalibration(pairs(ratio: 0.9, noise: [0], horizons: [7])).fit(for: "") == nil)
        // Small gains and forecasts older than the window do not count.
        #expect(ForecastCalibration([.init(key: "", horizonDays: 7, predicted: 2, actual: 3), .init(key: "", horizonDays: 7, predicted: 2, actual: 3),
                                     .init(key: "", horizonDays: 7, predicted: 2, actual: 3)]).fit(for: "") == nil)
        #expect(ForecastCalibration(pairs(ratio: 0.9, noise: [0, 0, 0], horizons: [35, 42, 49])).fit(for: "") == nil)
    }

    @Test func aRegionLeansOnTheCityByTheWeightOfItsSamples() throws {
        let city = pairs(ratio: 1.0, noise: [0, 0, 0, 0, 0, 0])
        let region = pairs(ratio: 1.2, noise: [0, 0, 0], key: "500101")
        let fit = try #require(ForecastCalibration(city + region).fit(for: "500101"))
        // Three samples of its own against the city's weight of six: a third of the way to its own bias.
        #expect(abs(fit.bias - log(1.2) * 3 / 9) < 1e-9)
        // A key without samples takes the city's fit.
        #expect(ForecastCalibration(city + region).fit(for: "op:cmcc")?.bias == 0)
    }

    @Test(arguments: [1, 2, 3]) func theRangeWidensWithTheHorizonAndTheChanceFallsWithTheNeed(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let noise = (0..<30).map { _ in (rng.unit() - 0.5) * 0.02 }
        let fit = try #require(ForecastCalibration(pairs(ratio: 1 + (rng.unit() - 0.5) * 0.2, noise: noise)).fit(for: ""))
        var lastWidth = -1.0, lastChance = 2.0
        for days in stride(from: 1.0, through: 120, by: 7) {
            let r = fit.range(1000, days: days)
            #expect(r.low <= fit.expected(1000) && fit.expected(1000) <= r.high)
            #expect(r.high - r.low > lastWidth, "days \(days)")
            lastWidth = r.high - r.low
        }
        for needed in stride(from: 500.0, through: 1500, by: 50) {
            let p = fit.chance(1000, ofAtLeast: needed, days: 30)
            #expect(p >= 0 && p <= 1 && p <= lastChance)
            lastChance = p
        }
    }

    @Test func theSpreadIsTheEmpiricalEightyPercentQuantileOfPastDeviations() throws {
        // setup: four past forecasts 7 days ahead whose log-ratios deviate from their mean by
        // −0.04, −0.01, +0.02, +0.03 (per √7 days)
        let root = 7.0.squareRoot()
        let deviations = [-0.04, -0.01, 0.02, 0.03]
        let past = deviations.map { ForecastCalibration.Pair(key: "", horizonDays: 7, predicted: 1000, actual: 1000 * exp(0.05 + $0 * root)) }
        // MUT
        let fit = try #require(ForecastCalibration(past).fit(for: ""))
        // validate: the bias is their mean; the 80 % deviation lies 0.8 of the way along the sorted
        // absolute deviations (0.01, 0.02, 0.03, 0.04): 0.8 × 3 = 2.4 ranks past the first,
        // 0.03 + 0.4 × 0.01 = 0.034 (the conformal rank would take the largest, 0.04); read as a
        // normal law's 80 % range.
        #expect(abs(fit.bias - 0.05) < 1e-9)
        #expect(abs(fit.spreadPerRootDay - 0.034 / 1.2816) < 1e-9, "\(fit.spreadPerRootDay)")
    }

    @Test func theEmpiricalRangeHoldsAboutEightyPercentOfNewOutcomes() throws {
        // setup: log-ratio errors with a known spread per √day; fit on 60 past forecasts
        var rng = SeededRandom(seed: 42)
        func gaussian() -> Double { (-2 * log(max(1e-12, rng.unit()))).squareRoot() * cos(2 * .pi * rng.unit()) }
        let sigma = 0.01
        let past = (0..<60).map { i -> ForecastCalibration.Pair in
            let h = [7.0, 14, 21][i % 3]
            return .init(key: "", horizonDays: h, predicted: 1000, actual: 1000 * exp(sigma * h.squareRoot() * gaussian()))
        }
        let fit = try #require(ForecastCalibration(past).fit(for: ""))
        // MUT: 2,000 new outcomes 21 days ahead
        var held = 0
        for _ in 0..<2000 {
            let actual = 1000 * exp(sigma * 21.0.squareRoot() * gaussian())
            let r = fit.range(1000, days: 21)
            if r.low <= actual && actual <= r.high { held += 1 }
        }
        // validate: within a few points of 80 %
        #expect(abs(Double(held) / 2000 - 0.8) < 0.08, "\(held) of 2000")
    }
}

@Suite struct CalibratedPipelineTests {
    /// A fit that raises every forecast by half (the model expected two thirds of what happened).
    func raisingFit() throws -> ForecastCalibration.Fit {
        try #require(ForecastCalibration((0..<4).map { .init(key: "", horizonDays: 7 * Double($0 + 1), predicted: 1000, actual: 1500) }).fit(for: ""))
    }

    @Test func theBiasNeverRaisesThePipelinePastTheSitesItHolds() throws {
        let fit = try raisingFit()
        // setup: 800 expected from the 1,000 registered sites, 100 from sites not yet registered
        let o = StageForecast.Outlook(mean: 900, variance: 0, arriving: 100)
        // MUT + validate: raised by half, the pipeline would give 1,200 of its 1,000 sites; it gives
        // them all, and the sites not yet registered are raised in full
        #expect(abs(fit.expected(o, registered: 1000) - (1000 + 150)) < 1e-6)
        // with more sites registered than the raised count, the bias applies in full
        #expect(abs(fit.expected(o, registered: 5000) - (1200 + 150)) < 1e-6)
        // a bias that lowers is never held back
        let lowering = try #require(ForecastCalibration((0..<4).map { _ in .init(key: "", horizonDays: 7, predicted: 1000, actual: 500) }).fit(for: ""))
        #expect(abs(lowering.expected(o, registered: 800) - 450) < 1e-6)
    }

    @Test func theRangeAndTheChanceFollowTheBoundedExpectation() throws {
        let fit = try raisingFit()
        let o = StageForecast.Outlook(mean: 900, variance: 0, arriving: 100)
        let expected = fit.expected(o, registered: 1000)
        let r = fit.range(o, registered: 1000, days: 30)
        #expect(r.low < expected && expected < r.high)
        // the chance of the bounded expectation is a half; it falls as the need grows
        #expect(abs(fit.chance(o, registered: 1000, ofAtLeast: expected, days: 30) - 0.5) < 1e-9)
        var last = 1.0
        for needed in stride(from: 800.0, through: 1600, by: 50) {
            let p = fit.chance(o, registered: 1000, ofAtLeast: needed, days: 30)
            #expect(p >= 0 && p <= last)
            last = p
        }
        // the chance of reaching the range's ends is about 90 % and 10 %
        #expect(abs(fit.chance(o, registered: 1000, ofAtLeast: r.low, days: 30) - 0.9) < 1e-3)
        #expect(abs(fit.chance(o, registered: 1000, ofAtLeast: r.high, days: 30) - 0.1) < 1e-3)
    }
}
