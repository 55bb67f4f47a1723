import Testing
@testable import RolloutCore
@testable import RolloutDemo
import RolloutReference

/// The demo's adoption against the published figures: 675,000 5G users in April 2020 and a 9 %
/// penetration at the end of 2020 (shared/data/campaign-figures.csv); the rest is illustrative.
@Suite struct DemoAdoptionTests {
    static func demo(_ day: String) -> DemoCampaign {
        DemoCampaign(regions: DemoCampaignTests.regions, outlines: DemoCampaignTests.outlines, seed: 2020, scale: 1,
                     clockDay: DemoCampaignTests.day(day), fraction: 0.001)
    }

    static func adoption(_ demo: DemoCampaign) -> Adoption {
        Adoption(demo.adoptionEvents().enumerated().map { LoggedEvent(seq: Int64($0.offset + 1), event: $0.element) }, at: ReadMoment(asOf: demo.clock))
    }

    @Test func aprilAndDecemberAreThePublishedFigures() throws {
        let year = Self.adoption(Self.demo("2020-12-31"))
        #expect(year.subscribers(YearMonth(year: 2020, month: 4)!) == 675_000)
        let december = YearMonth(year: 2020, month: 12)!
        #expect(year.latestMonth == december)
        let populations = Dictionary(uniqueKeysWithValues: DemoCampaignTests.regions.compactMap { r in r.population.map { (r.code, $0) } })
        let city = year.cityLine(populations: populations)
        // 9 % of the census population in all, and over the regions whose population is known.
        #expect(city.subscribers == Int((0.09 * Double(DemoCampaign.cityPopulation)).rounded()))
        #expect(abs(try #require(city.penetration) - 9) < 0.005)
        // Each month grows; no operator has a negative or fractional count; China Broadnet has none in 2020.
        var last = 0
        for m in 1...12 {
            let n = try #require(year.subscribers(YearMonth(year: 2020, month: m)!))
            #expect(n > last, "month \(m)")
            last = n
        }
        #expect(year.figures.values.allSatisfy { ($0.subscribers ?? 0) >= 0 && $0.operator != .cbn })
        // Regions grow at different paces: the scorecard's growth part tells them apart.
        let growths = Set(DemoCampaignTests.regions.compactMap { year.growth(region: $0.code).map { Int(($0 * 100).rounded()) } })
        #expect(growths.count > 5)
    }

    @Test func theDefaultClockHasTheMonthsReportedByThenAndTheCorrection() throws {
        let demo = Self.demo("2020-06-15")
        let a = Self.adoption(demo)
        #expect(a.latestMonth == YearMonth(year: 2020, month: 5))
        #expect(a.projects.count == DemoCampaign.projectCount)
        #expect(a.projects.values.contains { $0.project.status == .inOperation })
        let events = demo.adoptionEvents()
        #expect(events.allSatisfy { demo.clock.includes($0.recordedAt) && $0.occurredAt <= $0.recordedAt })
        let march = events.filter { if case .subscribersReported(let f) = $0.body { f.month.month == 3 && f.regionCode == "500103" && f.operator == .cucc } else { false } }
        #expect(march.count == 2, "one first report and its correction")
        // Before any clock, nothing.
        #expect(Self.demo("2020-01-01").adoptionEvents().filter { if case .subscribersReported = $0.body { true } else { false } }.isEmpty)
    }
}
