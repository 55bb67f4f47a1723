import Foundation
import Testing
@testable import RolloutCore

/// The stage-duration forecast: what the ledger counts, and what the model makes of it.
@Suite struct StageForecastTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-03-01")!

    @Test func buildRecordsMeasureFromTheFirstEntryOfEachStageToTheFirstBuiltStep() {
        let steps = [TimelineStep(at: Self.day0, stage: .planned),
                     TimelineStep(at: Self.day0.adding(days: 10), stage: .designed),
                     TimelineStep(at: Self.day0.adding(days: 12), stage: .siteSecured),  // a rollback
                     TimelineStep(at: Self.day0.adding(days: 15), stage: .designed),
                     TimelineStep(at: Self.day0.adding(days: 40), stage: .onAir),
                     TimelineStep(at: Self.day0.adding(days: 50), stage: .accepted)]
        let records = SiteTimeline.buildRecords(steps)
        #expect(records.map(\.stage) == [.planned, .designed, .siteSecured])
        #expect(records.allSatisfy { $0.builtAt == Self.day0.adding(days: 40) })
        // 40 days: the [30, 45) bucket; 30 days (from the first entry of designed): also [30, 45); 28: [21, 30).
        #expect(records.map(\.bucket) == [9, 9, 8])
        #expect(SiteTimeline.buildRecords(Array(steps.prefix(4))).isEmpty)
    }

    @Test func aLateReportThatMovesTheBuiltDayMovesTheDurationCounted() throws {
        let key = SiteKey(operator: .cmcc, code: "S1")
        var ledger = Ledger()
        try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.siteRegistered(Fixtures.registration(key, region: "500101")),
                                                               occurredAt: Self.day0, recordedAt: Self.day0, actor: "t")))
        try ledger.apply(LoggedEvent(seq: 2, event: NewEvent(.stageReported(site: key, stage: .onAir, note: nil),
                                                               occurredAt: Self.day0.adding(days: 20), recordedAt: Self.day0.adding(days: 20), actor: "t")))
        let first = ledger.deltas.filter { $0.key.metric.hasPrefix(Metric.toBuiltPrefix) }
        #expect(first.map(\.key.metric) == [Metric.toBuilt(.planned, bucket: 7)] && first.map(\.delta) == [1])
        #expect(first[0].key.regionCode == "" && first[0].key.operatorCode == "cmcc")
        // Learned later: the site had been on air since day 4.
        var histories = [key: [StageChange(.report, .onAir, at: Self.day0.adding(days: 20), seq: 2)]]
        var again = Ledger(sites: ledger.sites, histories: histories)
        try again.apply(LoggedEvent(seq: 3, event: NewEvent(.stageReported(site: key, stage: .onAir, note: nil),
                                                              occurredAt: Self.day0.adding(days: 4), recordedAt: Self.day0.adding(days: 25), actor: "t")))
        let moved = again.deltas.filter { $0.key.metric.hasPrefix(Metric.toBuiltPrefix) }.map { "\($0.key.metric)=\($0.delta)" }
        #expect(Set(moved) == [Metric.toBuilt(.planned, bucket: 7) + "=-1", Metric.toBuilt(.planned, bucket: 3) + "=1"])
        histories = [:]
    }

    @Test func theOutlookSaysWhatComesFromSitesNotYetRegistered() {
        // setup: planned sites built within [7, 10) days; 100 planned now and 5 a day to come
        let model = StageForecast(now: Self.durations([(.planned, 5, 100)]), windowStart: CounterValues())
        // MUT
        let both = model.outlook(["cmcc": [.planned: 100]], arrivals: ["cmcc": 5], within: 30)
        let registered = model.outlook(["cmcc": [.planned: 100]], within: 30)
        let arriving = model.outlook([:], arrivals: ["cmcc": 5], within: 30)
        // validate: the sites to come are counted apart, and only they
        #expect(both.arriving > 0 && registered.arriving == 0)
        #expect(abs((both.mean - both.arriving) - registered.mean) < 1e-9)
        #expect(abs(arriving.arriving - arriving.mean) < 1e-9)
    }

    /// Counters where `n` sites of cmcc went from `stage` to built within `bucket`.
    static func durations(_ entries: [(Stage, Int, Int)]) -> CounterValues {
        var v = CounterValues()
        for (s, b, n) in entries { v.add(CounterKey(regionCode: "", operatorCode: "cmcc", metric: Metric.toBuilt(s, bucket: b)), n) }
        return v
    }

    @Test func theModelSpreadsEachBucketOverItsDaysAndPrefersRecentDurations() {
        // Old durations: installed → built took 30–45 days; in the last window, 10–14 days.
        let old = Self.durations([(.installed, 8, 500)])
        let now = Self.durations([(.installed, 8, 500), (.installed, 6, 100)])
        let model = StageForecast(now: now, windowStart: old)
        #expect(model.hasData)
        #expect(model.probability(operator: "cmcc", stage: .installed, within: 10) == 0)
        #expect(abs(model.probability(operator: "cmcc", stage: .installed, within: 12) - 0.5) < 1e-9)
        #expect(model.probability(operator: "cmcc", stage: .installed, within: 14) == 1)
        // Another operator with no durations of its own learns from everyone's.
        #expect(abs(model.probability(operator: "ctcc", stage: .installed, within: 12) - 0.5) < 1e-9)
        // Too few recent samples: the whole log is used instead.
        let thin = StageForecast(now: Self.durations([(.installed, 8, 500), (.installed, 6, 10)]), windowStart: old)
        #expect(thin.probability(operator: "cmcc", stage: .installed, within: 14) == 10.0 / 510)
        // A stage nothing has been learned about is never expected to finish.
        #expect(model.probability(operator: "cmcc", stage: .planned, within: 1000) == 0)
    }

    @Test func theChanceOfATargetFollowsTheSumOfIndependentSites() {
        let model = StageForecast(now: Self.durations([(.installed, 6, 100)]), windowStart: CounterValues())
        let pipeline = ["cmcc": [Stage.installed: 200]]
        let half = model.outlook(pipeline, within: 12)
        // Binomial variance 200 × ½ × ½ plus the model's own error, 10 % of the mean.
        #expect(abs(half.mean - 100) < 1e-9 && abs(half.variance - (50 + 100)) < 1e-9)
        #expect(abs(half.chance(ofAtLeast: 100) - 0.5) < 0.03)
        #expect(half.chance(ofAtLeast: 140) < 0.001)
        #expect(half.chance(ofAtLeast: 0) == 1)
        let all = model.outlook(pipeline, within: 20)
        #expect(all.mean == 200 && all.chance(ofAtLeast: 200) > 0.5 && all.chance(ofAtLeast: 260) < 0.01)
        // New sites arriving at 10 a day, each built 10–14 days after registering: none within 10 days, all the early ones by 24.
        let arriving = StageForecast(now: Self.durations([(.planned, 6, 100)]), windowStart: CounterValues())
        #expect(arriving.outlook([:], arrivals: ["cmcc": 10], within: 10).mean == 0)
        let later = arriving.outlook([:], arrivals: ["cmcc": 10], within: 24).mean
        #expect(later > 100 && later < 140)
    }

    @Test func figuresForecastFromTheStagesWhenDurationsAreKnown() {
        let (campaign, regions, moment, inputs) = Self.twelveDaysLeft(planned: 50, onAir: 100)
        let start = campaign.start
        let records = [TargetRecord(setting: TargetSetting(regionCode: "A", target: 200, due: campaign.deadline), setAt: start, recordedAt: start, seq: 1)]
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: inputs, moment: moment)
        #expect(s.forecast.method == "stage_durations")
        #expect(s.forecast.expectedAtDeadline == 200)
        #expect(abs((s.forecast.probabilityByDeadline ?? 0) - 0.5) < 0.03)
        #expect(s.forecast.expectedLow! < 200 && s.forecast.expectedHigh! > 200)
        // Target reached when half the installed sites are built: day 88 + 12 (the bucket's middle).
        #expect(s.forecast.expectedCompletionDate == ShanghaiCalendar.dateString(ShanghaiCalendar.day(of: start) + 87 + 12))
        #expect(s.forecast.path?.last?.expected == 200)
        #expect(s.forecast.path?.first?.expected == 100)
        let r = Figures.regions(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: inputs, moment: moment)
        #expect(r[0].forecast.expectedAtDeadline == 200 && r[0].forecast.path?.last?.expected == 200)
    }

    /// A campaign of 100 days read with 12 left, one region: 200 installed sites whose durations
    /// (10–14 days, from 100 built) say half are built by the deadline, `planned` sites with none,
    /// and `onAir` sites built already.
    static func twelveDaysLeft(planned: Int, onAir: Int = 0) -> (Campaign, [Region], ReadMoment, Figures.Inputs) {
        let start = ShanghaiCalendar.parseInstant("2020-01-01")!
        let campaign = Campaign(name: "c", start: start, deadline: start.adding(days: 100))
        let regions = [Region(code: "A", nameZh: "甲", nameEn: "A", kind: .district)]
        let moment = ReadMoment(asOf: Cutoff(before: start.adding(days: 88)))
        var now = Self.durations([(.installed, 6, 100)])
        now.add(CounterKey(regionCode: "A", operatorCode: "cmcc", metric: Metric.stage(.installed)), 200)
        if planned > 0 { now.add(CounterKey(regionCode: "A", operatorCode: "cmcc", metric: Metric.stage(.planned)), planned) }
        if onAir > 0 { now.add(CounterKey(regionCode: "A", operatorCode: "cmcc", metric: Metric.stage(.onAir)), onAir) }
        return (campaign, regions, moment, Figures.Inputs(now: now, atStart: CounterValues(), paceStart: now, paceDays: 14, windowStart: CounterValues()))
    }

    @Test func theCalibratedForecastNeverExpectsMoreOfThePipelineThanItHolds() {
        // setup: 200 installed sites, half expected by the deadline before calibration; past
        // forecasts that came out three times too low (a bias of log 3)
        var (campaign, regions, moment, inputs) = Self.twelveDaysLeft(planned: 0, onAir: 100)
        inputs.calibration = ForecastCalibration([7.0, 14, 21].map { .init(key: "", horizonDays: $0, predicted: 1000, actual: 3000) })
        let start = campaign.start
        let records = [TargetRecord(setting: TargetSetting(regionCode: "A", target: 350, due: campaign.deadline), setAt: start, recordedAt: start, seq: 1)]
        // MUT
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: inputs, moment: moment)
        // validate: raised threefold the 100 would be 300 of 200 sites; all 200 are expected, no more
        #expect(s.forecast.calibration != nil)
        #expect(s.forecast.expectedAtDeadline == 100 + 200)
        #expect(s.forecast.path?.last?.expected == 300)
        #expect(s.forecast.expectedLow! < 300 && s.forecast.expectedHigh! > 300)
        // the target of 350 lies beyond every registered site: a small chance, no day it is reached
        #expect((s.forecast.probabilityByDeadline ?? 1) < 0.2)
        #expect(s.forecast.expectedCompletionDate == nil)
    }

    @Test func theStagesAndTheNewSitesAddUpToTheForecast() {
        // setup: 200 installed sites (10–14 days to built) and 50 planned ones (planned sites built
        // within 5–7 days of registering), 28 of them registered in the last 14 days: two a day to come
        var (campaign, regions, moment, inputs) = Self.twelveDaysLeft(planned: 50, onAir: 100)
        var now = inputs.now
        now.add(CounterKey(regionCode: "", operatorCode: "cmcc", metric: Metric.toBuilt(.planned, bucket: 4)), 100)
        var before = now
        before.add(CounterKey(regionCode: "A", operatorCode: "cmcc", metric: Metric.stage(.planned)), -28)
        inputs = Figures.Inputs(now: now, atStart: CounterValues(), paceStart: before, paceDays: 14, windowStart: CounterValues())
        // MUT
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets([], at: moment), inputs: inputs, moment: moment)
        // validate: new sites are expected, and with the stages they make the forecast's gain
        let new = s.forecast.expectedNewSites ?? 0
        #expect(new > 0 && new <= 2 * 12)
        let stages = (s.forecast.byStage ?? []).reduce(0) { $0 + $1.expectedBuilt }
        #expect(abs(s.forecast.expectedAtDeadline - (100 + stages + new)) <= 1, "\(s.forecast.expectedAtDeadline) \(stages) \(new)")
        // none without registrations to carry forward
        let (_, _, _, still) = Self.twelveDaysLeft(planned: 50, onAir: 100)
        #expect(Figures.summary(campaign: campaign, regions: regions, targets: Targets([], at: moment), inputs: still, moment: moment).forecast.expectedNewSites == 0)
    }

    @Test func theStagesOfTheShortfallAddUpToTheUnbuiltSites() {
        // setup: the same campaign, 12 days left; installed sites take 10–14 days (half built by
        // the deadline), planned ones have no durations yet (none built)
        let (campaign, regions, moment, inputs) = Self.twelveDaysLeft(planned: 50)
        // MUT
        let outlook = Figures.stageOutlook(inputs: inputs, region: "A", campaign: campaign, moment: moment)
        // validate: one row per stage with sites, built and left adding up to them
        #expect(outlook.map(\.stage) == ["planned", "installed"])
        #expect(outlook.allSatisfy { $0.expectedBuilt + $0.expectedLeft == $0.sites && $0.expectedBuilt >= 0 })
        #expect(outlook.first { $0.stage == "installed" }?.expectedBuilt == 100)
        #expect(outlook.first { $0.stage == "planned" }?.expectedLeft == 50)
        // The summary's forecast carries it for the city.
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets([], at: moment), inputs: inputs, moment: moment)
        #expect(s.forecast.byStage == outlook)
    }

    @Test func aMissingPartOfTheForecastSaysWhyAndNothingIsNotANumber() throws {
        // setup: a region without a target, then a campaign where nothing has been built yet
        let (campaign, regions, moment, inputs) = Self.twelveDaysLeft(planned: 0)
        let start = campaign.start
        // MUT: no target
        let untargeted = Figures.regions(campaign: campaign, regions: regions, targets: Targets([], at: moment), inputs: inputs, moment: moment)[0].forecast
        // validate: an expected count and its range, no chance, no day, and the reason
        #expect(untargeted.reason == "no_target")
        #expect(untargeted.probabilityByDeadline == nil && untargeted.expectedCompletionDate == nil && untargeted.onTrack == nil)
        #expect(untargeted.expectedLow != nil && untargeted.expectedHigh != nil)
        // MUT: nothing built anywhere yet (no durations), a few planned sites
        var empty = CounterValues()
        empty.add(CounterKey(regionCode: "A", operatorCode: "cmcc", metric: Metric.stage(.planned)), 5)
        let bare = Figures.Inputs(now: empty, atStart: CounterValues(), paceStart: empty, paceDays: 14, windowStart: CounterValues())
        let records = [TargetRecord(setting: TargetSetting(regionCode: "A", target: 10, due: campaign.deadline), setAt: start, recordedAt: start, seq: 1)]
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: bare, moment: moment)
        // validate: the pace carried forward, nothing guessed, the reason given, and JSON without NaN
        #expect(s.forecast.method == "pace_14d" && s.forecast.reason == "nothing_built")
        #expect(s.forecast.probabilityByDeadline == nil && s.forecast.expectedLow == nil && s.forecast.expectedCompletionDate == nil)
        let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        #expect(json.contains("\"reason\":\"nothing_built\"") && !json.lowercased().contains("nan") && !json.contains("inf"))
    }
}
