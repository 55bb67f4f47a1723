import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutDemo
import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
import RolloutTestSupport
import Testing
@testable import RolloutWeb

/// A small demo whose log runs past the deadline, so that forecasts can be scored.
actor PastDeadlineFixture {
    static let shared = PastDeadlineFixture()
    private var task: Task<(String, CampaignService), any Error>?

    /// The database's URL and a service over it.
    func fixture() async throws -> (String, CampaignService) {
        if task == nil {
            task = Task {
                let path = NSTemporaryDirectory() + "rollout-forecast-\(UUID().uuidString)/rollout.sqlite"
                let store = try await SQLCampaignStore.open(.sqlite(path: path))
                _ = try await store.migrate(now: Instant(Date()))
                let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: ShanghaiCalendar.parseDay("2020-12-31")!, fraction: 0.03)
                _ = try await DemoInstaller.install(demo, into: store, now: Instant(Date()))
                return ("sqlite:" + path, CampaignService(store: store, clock: .system))
            }
        }
        return try await task!.value
    }
}

@Suite struct ForecastTests {
    @Test func theBacktestScoresEachWeeksForecastAgainstTheDeadline() async throws {
        let (database, service) = try await PastDeadlineFixture.shared.fixture()
        // MUT: the command a user runs
        let r = try await CommandLineTests().run(["forecast", "backtest", "--database", database, "--from", "2020-04-15", "--to", "2020-06-22",
                                            "--every", "7d", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let cases = try #require(json["cases"] as? [[String: Any]])
        let scores = try #require(json["scores"] as? [[String: Any]])
        // validate: ten days replayed, one case for the city, each region and each operator with sites
        let origins = Set(cases.map { $0["origin"] as! String })
        #expect(origins.count == 10 && origins.contains("2020-04-15") && origins.contains("2020-06-17"))
        #expect(cases.filter { $0["level"] as? String == "city" }.count == 10)
        #expect(cases.filter { $0["level"] as? String == "region" }.count == 410)
        #expect(scores.map { $0["level"] as! String } == ["city", "region", "operator"])
        for s in scores {
            let coverage = try #require(s["coverage80"] as? Double)
            #expect(coverage >= 0 && coverage <= 1)
        }
        // The city's forecasts 2 to 10 weeks ahead, scored apart: the median of a naive reading of the cases.
        let ahead = cases.filter { $0["level"] as? String == "city" && (14...70).contains($0["horizon_days"] as! Int) }
            .map { abs(Double($0["expected"] as! Int - ($0["outcome"] as! Int)) / Double($0["outcome"] as! Int)) }.sorted()
        let naiveMedian = ahead.count % 2 == 1 ? ahead[ahead.count / 2] : (ahead[ahead.count / 2 - 1] + ahead[ahead.count / 2]) / 2
        let cityAhead = try #require((scores[0]["model_weeks_ahead"] as? [String: Any])?["median_absolute"] as? Double)
        #expect(ahead.count == 8 && abs(cityAhead - naiveMedian) < 1e-12)
        // Back-tested against what the log shows at the deadline, the city's median error 2 to 10
        // weeks ahead is within issue 17's 3 %: 0.65 % on this demo; 4.9 % when the calibration's
        // bias raised the registered pipeline past the sites it held.
        #expect(naiveMedian <= 0.03, "\(ahead)")
        // Each outcome is the progress the log shows at the deadline, and each case's progress the
        // progress as known on its day (a naive reading of the summary).
        let outcome = try await service.summary(asOf: "2020-06-30").progress
        let city = cases.filter { $0["level"] as? String == "city" }
        #expect(city.allSatisfy { $0["outcome"] as? Int == outcome })
        let june = try #require(city.first { $0["origin"] as? String == "2020-06-03" })
        #expect(june["progress"] as? Int == (try await service.summary(asOf: "2020-06-03", knownAt: "2020-06-03").progress))
        #expect(june["horizon_days"] as? Int == 27)
        // The table a person reads.
        let table = try await CommandLineTests().run(["forecast", "backtest", "--database", database, "--lang", "en"])
        #expect(table.status == 0 && table.out.contains("region") && table.out.contains("%"), "\(table.err)")
    }

    @Test func theCalibrationScoresPastForecastsAtASettledDay() async throws {
        let (_, service) = try await PastDeadlineFixture.shared.fixture()
        let campaign = try await service.campaign().campaign
        let day = ShanghaiCalendar.parseDay("2020-06-10")!
        let moment = ReadMoment(asOf: .endOf(day: day), knownAt: .endOf(day: day))
        // MUT
        let calibrated = try await service.calibratedSource(at: moment, campaign: campaign)
        // validate: a naive reading. The forecasts made at the end of each of the four weeks before
        // the day a week back (reports of the last days are still coming in), scored against the
        // log's count on that day, all as known on the moment's day.
        let settled = day - ForecastCalibration.settleDays
        let knowledge = Cutoff.endOf(day: day)
        let end = try await service.store.figureSource(at: ReadMoment(asOf: .endOf(day: settled), knownAt: knowledge), campaign: campaign)
        let builtEnd = Figures.expectedGains(end.inputs, regions: end.regions, within: 0).built
        var pairs: [ForecastCalibration.Pair] = []
        for week in 1...4 {
            let origin = settled - 7 * week
            let past = try await service.store.figureSource(at: ReadMoment(asOf: .endOf(day: origin), knownAt: knowledge), campaign: campaign)
            let (expected, built) = Figures.expectedGains(past.inputs, regions: past.regions, within: Double(7 * week))
            for (key, gain) in expected {
                pairs.append(.init(key: key, horizonDays: Double(7 * week), predicted: gain, actual: Double(builtEnd[key]! - built[key]!)))
            }
        }
        let naive = ForecastCalibration(pairs), measured = calibrated.inputs.calibration
        #expect(Set(measured.fits.keys) == Set(naive.fits.keys) && measured.fits[""]?.samples == 4)
        for (key, fit) in naive.fits {
            let m = try #require(measured.fits[key])
            // The same pairs, summed in another order.
            #expect(m.samples == fit.samples && abs(m.bias - fit.bias) < 1e-9 && abs(m.spreadPerRootDay - fit.spreadPerRootDay) < 1e-9, "\(key)")
        }
    }

    @Test func pastReadsAreLetGoOldestFirst() {
        // setup: empty figures under three keys, two kept at most
        let empty = CounterValues()
        let source = FigureSource(regions: [], targets: Targets([], at: ReadMoment(asOf: .including(Instant(seconds: 0)))),
                                  inputs: Figures.Inputs(now: empty, atStart: empty, paceStart: empty, paceDays: 14, windowStart: empty))
        var kept = SettledReads()
        // MUT
        kept.keep(source, as: "a", capacity: 2)
        kept.keep(source, as: "b", capacity: 2)
        kept.keep(source, as: "a", capacity: 2)  // kept already: changes nothing
        kept.keep(source, as: "c", capacity: 2)
        // validate: the oldest went, the others stay
        #expect(Set(kept.reads.keys) == ["b", "c"])
        kept.keep(source, as: "d", capacity: 2)
        #expect(Set(kept.reads.keys) == ["c", "d"])
    }

    @Test func badBacktestRequestsGetAClearAnswer() async throws {
        let (database, _) = try await PastDeadlineFixture.shared.fixture()
        let cli = CommandLineTests()
        for (arguments, message) in [(["--every", "0d"], "1 to 366 days"), (["--every", "weekly"], "1 to 366 days"),
                                     (["--from", "2019-01-01"], "must lie in the campaign"), (["--to", "2020-07-15"], "must lie in the campaign"),
                                     (["--from", "15/04/2020"], "YYYY-MM-DD"), (["--from", "2020-06-20", "--to", "2020-06-10"], "no day to replay")] {
            let r = try await cli.run(["forecast", "backtest", "--database", database, "--lang", "en"] + arguments)
            #expect(r.status == 1 && r.err.contains(message), "\(arguments): \(r.err)")
        }
        // A campaign whose deadline the log has not reached has no outcome to compare with.
        let fresh = cli.temporaryDatabase()
        _ = try await cli.run(["init", "--database", fresh, "--name", "n", "--start", "2020-01-01", "--deadline", "2999-06-30"])
        let early = try await cli.run(["forecast", "backtest", "--database", fresh])
        #expect(early.status == 1 && early.err.contains("尚未到来"), "\(early.err)")
    }

    @Test func theTrackRecordShowsPastForecastsAgainstTheLog() async throws {
        let (_, service) = try await PastDeadlineFixture.shared.fixture()
        let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
        try await app.test(.router) { base in
            let client = try await TestAccess.client(base, service.store, role: .leader)
            try await client.execute(uri: "/api/v1/forecast/track-record?as_of=2020-06-10", method: .get) { r in
                #expect(r.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                let entries = try #require(body["entries"] as? [[String: Any]])
                #expect(body["progress_now"] as? Int == (try await service.summary(asOf: "2020-06-10").progress))
                #expect(body["outcome"] is NSNull)
                #expect(entries.first?["made_on"] as? String == "2020-06-03")
                #expect(entries.first?["progress_then"] as? Int == (try await service.summary(asOf: "2020-06-03", knownAt: "2020-06-03").progress))
                let now = try #require(body["progress_now"] as? Int)
                let held = entries.filter { e in
                    guard let low = e["expected_now_low"] as? Int, let high = e["expected_now_high"] as? Int else { return false }
                    return (low...high).contains(now)
                }.count
                #expect(body["ranges_held"] as? Int == held)
            }
            // After the deadline: the outcome is there; an unknown region is refused (400, as every filter by region).
            try await client.execute(uri: "/api/v1/forecast/track-record?as_of=2020-07-15&region=500101", method: .get) { r in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                let deadline = try await service.regions(asOf: "2020-06-30").first { $0.regionCode == "500101" }!.progress
                #expect(body["outcome"] as? Int == deadline)
            }
            try await client.execute(uri: "/api/v1/forecast/track-record?region=999999", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/forecast?as_of=2020-06-10&lang=en", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains(#"id="track-record""#))
            }
        }
    }
}
