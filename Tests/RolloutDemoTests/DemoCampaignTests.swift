import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutDemo
import RolloutReference

/// The demo against the published figures (shared/data/campaign-figures.csv) and its own rules.
@Suite(.serialized) struct DemoCampaignTests {
    static let regions = try! Chongqing.regions()
    static let outlines = try! Chongqing.outlines()

    static func day(_ s: String) -> DayNumber {
        guard case .day(let d)? = ShanghaiCalendar.parse(s) else { fatalError(s) }
        return d
    }

    /// The whole 2020 log folded in memory: built sites by date, progress by region at the deadline.
    struct Folded {
        var builtAt: [String: Int] = [:]
        var regionProgress: [String: Int] = [:]
        var categories: Set<ObstacleCategory> = []
        var outside: [String] = []
        var sites = 0
    }

    static let fullYear: Folded = {
        let demo = DemoCampaign(regions: regions, outlines: outlines, seed: 2020, scale: 1, clockDay: day("2020-12-31"))
        let dates = ["2019-12-31", "2020-04-09", "2020-06-30", "2020-12-31"]
        let cuts = dates.map { Cutoff.endOf(day: day($0)) }
        let start = Cutoff(before: DemoCampaign.start)
        var f = Folded()
        var atStart: [String: Int] = [:], atDeadline: [String: Int] = [:]
        let byCode = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0) })
        var seq: Int64 = 0
        for lower in stride(from: 0, to: demo.siteCount, by: 5_000) {
            var ledger = Ledger()
            for e in demo.siteEvents(lower..<min(demo.siteCount, lower + 5_000)) {
                seq += 1
                try! ledger.apply(LoggedEvent(seq: seq, event: e))
                switch e.body {
                case .siteRegistered(let r):
                    f.sites += 1
                    let region = byCode[r.regionCode]!
                    let codes = region.hostRegions.isEmpty ? [r.regionCode] : region.hostRegions
                    if !codes.contains(where: { outlines[$0]!.contains(lat: r.lat, lon: r.lon) }) { f.outside.append(r.site.code) }
                case .obstacleOpened(let o): f.categories.insert(o.category)
                default: break
                }
            }
            for d in ledger.deltas where d.key.metric == Metric.stage(.onAir) || d.key.metric == Metric.stage(.accepted) {
                for (i, c) in cuts.enumerated() where c.includes(d.occurredAt) { f.builtAt[dates[i], default: 0] += d.delta }
                if start.includes(d.occurredAt) { atStart[d.key.regionCode, default: 0] += d.delta }
                if cuts[2].includes(d.occurredAt) { atDeadline[d.key.regionCode, default: 0] += d.delta }
            }
        }
        for r in regions { f.regionProgress[r.code] = (atDeadline[r.code] ?? 0) - (atStart[r.code] ?? 0) }
        return f
    }()

    static func within5(_ value: Int, _ published: Int) -> Bool { abs(Double(value - published)) <= 0.05 * Double(published) }

    @Test func itAgreesWithThePublishedFigures() {
        let f = Self.fullYear
        // campaign-figures.csv: about 10,000 at the end of 2019, 12,700 on 2020-04-09, 49,000 at the end of 2020.
        #expect(Self.within5(f.builtAt["2019-12-31"]!, 10_000), "end 2019: \(f.builtAt["2019-12-31"]!)")
        #expect(Self.within5(f.builtAt["2020-04-09"]!, 12_700), "2020-04-09: \(f.builtAt["2020-04-09"]!)")
        #expect(Self.within5(f.builtAt["2020-12-31"]!, 49_000), "end 2020: \(f.builtAt["2020-12-31"]!)")
        // The 30,000 of the 2020 plan reached by 30 June (and not overshot by more than 5 %).
        let progress = f.builtAt["2020-06-30"]! - f.builtAt["2019-12-31"]!
        #expect(progress >= 30_000 && progress <= 31_500, "new by 2020-06-30: \(progress)")
    }

    @Test func aFewDistrictsLag() {
        let plan = DemoPlan(regions: Self.regions, cityTarget: DemoCampaign.cityTarget, seed: 2020)
        let behind = Self.regions.filter { r in
            Double(Self.fullYear.regionProgress[r.code]!) < 0.8 * Double(plan.regionTargets[r.code]!)
        }
        #expect(behind.count >= 2 && behind.count <= 8, "\(behind.map(\.nameZh))")
        for code in plan.lagging { #expect(behind.contains { $0.code == code }, "\(code): \(Self.fullYear.regionProgress[code]!) of \(plan.regionTargets[code]!), pace \(plan.pace[code]!)") }
    }

    @Test func sitesLieInsideTheirRegionAndObstaclesCoverEveryCategory() {
        #expect(Self.fullYear.outside.isEmpty, "\(Self.fullYear.outside.prefix(5))")
        #expect(Self.fullYear.categories == Set(ObstacleCategory.allCases))
    }

    @Test func targetsAddUpAndFollowTheWeights() {
        let plan = DemoPlan(regions: Self.regions, cityTarget: 30_000, seed: 7)
        #expect(plan.regionTargets.values.reduce(0, +) == 30_000)
        #expect(plan.regionTargets.count == 41)
        for (code, t) in plan.regionTargets { #expect(plan.operatorTargets[code]!.values.reduce(0, +) == t) }
        #expect(DemoPlan.apportion(7, weights: [("a", 1), ("b", 1), ("c", 1)]).values.sorted() == [2, 2, 3])
    }

    @Test func theSameSeedGivesTheSameCampaign() {
        let a = DemoCampaign(regions: Self.regions, outlines: Self.outlines, seed: 2020, fraction: 0.02)
        let b = DemoCampaign(regions: Self.regions, outlines: Self.outlines, seed: 2020, fraction: 0.02)
        let c = DemoCampaign(regions: Self.regions, outlines: Self.outlines, seed: 2021, fraction: 0.02)
        #expect(a.siteEvents(0..<a.siteCount) == b.siteEvents(0..<b.siteCount))
        #expect(a.targetEvents() == b.targetEvents())
        #expect(a.siteEvents(0..<a.siteCount) != c.siteEvents(0..<c.siteCount))
        // Batches do not change the result.
        #expect(a.siteEvents(0..<100) + a.siteEvents(100..<a.siteCount) == a.siteEvents(0..<a.siteCount))
    }

    @Test func theLogHoldsNothingAfterTheClock() {
        let demo = DemoCampaign(regions: Self.regions, outlines: Self.outlines, seed: 2020, fraction: 0.05)
        let events = demo.targetEvents() + demo.siteEvents(0..<demo.siteCount)
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { demo.clock.includes($0.occurredAt) && demo.clock.includes($0.recordedAt) && $0.occurredAt <= $0.recordedAt })
    }
}
