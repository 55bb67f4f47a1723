import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutDemo
import RolloutReference

/// The demo variant a forecast is back-tested on: regions that stall, regions that build late.
@Suite struct DemoVariantTests {
    /// The days sites went on air, per region, in half the campaign generated to the end of 2020.
    static func onAirDays(_ variant: DemoVariant) -> (demo: DemoCampaign, days: [String: [DayNumber]]) {
        let demo = DemoCampaign(regions: DemoCampaignTests.regions, outlines: DemoCampaignTests.outlines, seed: 2020,
                                clockDay: DemoCampaignTests.day("2020-12-31"), fraction: 0.5, variant: variant)
        var days: [String: [DayNumber]] = [:]
        var regionOf: [SiteKey: String] = [:]
        for e in demo.siteEvents(0..<demo.siteCount) {
            switch e.body {
            case .siteRegistered(let r): regionOf[r.site] = r.regionCode
            case .stageReported(let site, .onAir, _): days[regionOf[site]!, default: []].append(ShanghaiCalendar.day(of: e.occurredAt))
            default: break
            }
        }
        return (demo, days)
    }

    /// Runs a long computation on a thread of its own, not on one of the few threads every
    /// suite's async work shares (two of them on this machine): the servers of the web suites keep answering.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: work()) } }
    }

    @Test func fourRegionsStallInMayAndFourBuildLate() async throws {
        let (standard, before) = await Self.offThePool { Self.onAirDays(.standard) }
        let (variant, after) = await Self.offThePool { Self.onAirDays(.stallAndSurge) }
        #expect(standard.stallingRegions.isEmpty && standard.surgingRegions.isEmpty)
        #expect(variant.stallingRegions.count == 4 && variant.surgingRegions.count == 4)
        #expect(Set(variant.stallingRegions).isDisjoint(with: variant.surgingRegions))
        #expect(Set(variant.stallingRegions + variant.surgingRegions).isDisjoint(with: variant.plan.lagging))
        let stall = DemoCampaignTests.day("2020-05-10")..<DemoCampaignTests.day("2020-06-01")
        let launch = DemoCampaignTests.day("2020-04-09"), deadline = DemoCampaignTests.day("2020-06-30")
        for r in variant.stallingRegions {
            // Nothing goes on air in the stall (a site's on-air time may stray by a third of a day).
            let during = after[r, default: []].filter { $0 > stall.lowerBound && $0 < stall.upperBound - 1 }
            #expect(during.isEmpty, "\(r): \(during.count) sites on air during the stall")
            #expect(before[r, default: []].filter { $0 > stall.lowerBound && $0 < stall.upperBound - 1 }.count > 5, "\(r)")
        }
        for r in variant.surgingRegions {
            // Of what is built between the launch and the deadline, far more comes in June; about as much in all.
            let span = { (days: [DayNumber]) in days.filter { $0 > launch && $0 <= deadline } }
            let (was, now) = (span(before[r, default: []]), span(after[r, default: []]))
            let june = { (days: [DayNumber]) in Double(days.filter { $0 >= DemoCampaignTests.day("2020-06-01") }.count) / Double(max(1, days.count)) }
            #expect(abs(now.count - was.count) <= max(3, was.count / 10), "\(r): \(was.count) then \(now.count)")
            #expect(was.count < 10 || june(now) > june(was) + 0.15, "\(r): \(june(was)) then \(june(now))")
        }
        // The other regions are as in the standard demo.
        let untouched = Set(after.keys).subtracting(variant.stallingRegions + variant.surgingRegions)
        for r in untouched { #expect(after[r] == before[r], "\(r)") }
    }
}
