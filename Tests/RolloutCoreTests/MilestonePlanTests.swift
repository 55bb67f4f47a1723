import Testing
@testable import RolloutCore

/// The plan's rules as pure functions: which milestone is in force, the pro-rata number within
/// its period, the sum of plans, and the target lines' history (later settings, moved dates).
@Suite struct MilestonePlanTests {
    static func day(_ s: String) -> Instant { ShanghaiCalendar.parseInstant(s)! }
    static func end(_ s: String) -> Instant { ShanghaiCalendar.endOfDay(day(s)) }
    static let start = day("2020-01-01")
    static let plan = MilestonePlan([.init(target: 100_000, due: end("2022-12-31")), .init(target: 30_000, due: end("2020-06-30")),
                                     .init(target: 70_000, due: end("2021-12-31"))])

    @Test func theMilestoneInForceIsTheFirstNotYetPastThroughItsWholeDay() {
        #expect(Self.plan.milestones.map(\.target) == [30_000, 70_000, 100_000])
        #expect(Self.plan.inForce(at: Self.day("2020-04-09"))?.target == 30_000)
        #expect(Self.plan.inForce(at: Self.day("2020-06-30T00:00:00+08:00"))?.target == 30_000)
        #expect(Self.plan.inForce(at: Self.end("2020-06-30"))?.target == 30_000)
        #expect(Self.plan.inForce(at: Self.day("2020-07-01"))?.target == 70_000)
        #expect(Self.plan.inForce(at: Self.day("2022-06-01"))?.target == 100_000)
        // After the last, the last stays in force.
        #expect(Self.plan.inForce(at: Self.day("2024-01-01"))?.target == 100_000)
        #expect(MilestonePlan([]).inForce(at: Self.start) == nil)
        #expect(Self.plan.ahead(of: Self.day("2021-01-01")).map(\.target) == [70_000, 100_000])
    }

    @Test func theProRataNumberRunsFromThePreviousMilestoneToTheOneInForce() throws {
        #expect(Self.plan.expected(at: Self.start, campaignStart: Self.start) == 0)
        #expect(Self.plan.expected(at: Self.end("2020-06-30"), campaignStart: Self.start)! > 29_999.9)
        // Halfway through 2021's period (1 July 2020 to 31 December 2021): halfway from 30,000 to 70,000.
        let from = Self.end("2020-06-30"), to = Self.end("2021-12-31")
        let mid = Instant(seconds: (from.seconds + to.seconds) / 2)
        let halfway = try #require(Self.plan.expected(at: mid, campaignStart: Self.start))
        #expect(abs(halfway - 50_000) < 1)
        #expect(abs(Self.plan.periodElapsed(at: mid, campaignStart: Self.start)! - 0.5) < 1e-6)
        #expect(Self.plan.periodStart(at: mid, campaignStart: Self.start)! == (from, 30_000))
        #expect(Self.plan.expected(at: Self.day("2025-01-01"), campaignStart: Self.start) == 100_000)
        // A cumulative plan never expects fewer sites later.
        var last = -1.0
        for d in stride(from: 0, through: 1200, by: 7) {
            let e = try #require(Self.plan.expected(at: Self.start.adding(days: d), campaignStart: Self.start))
            #expect(e >= last)
            last = e
        }
    }

    @Test func theSumOfPlansHasEveryDateAndWhatEachHasInForceThen() {
        let a = MilestonePlan([.init(target: 10, due: Self.end("2020-06-30")), .init(target: 30, due: Self.end("2021-12-31"))])
        let b = MilestonePlan([.init(target: 5, due: Self.end("2020-06-30")), .init(target: 9, due: Self.end("2020-12-31"))])
        let sum = MilestonePlan.sum([a, b, MilestonePlan([])])
        #expect(sum.milestones.map(\.target) == [15, 39, 39])
        #expect(sum.milestones.map { ShanghaiCalendar.dateString($0.due) } == ["2020-06-30", "2020-12-31", "2021-12-31"])
    }

    static func record(_ region: String, op: Operator? = nil, _ target: Int, due: String, at: String, seq: Int64, movedFrom: String? = nil,
                       recorded: String? = nil) -> TargetRecord {
        TargetRecord(setting: TargetSetting(regionCode: region, operator: op, target: target, due: end(due), reason: "r",
                                            movedFrom: movedFrom.map(end)),
                     setAt: day(at), recordedAt: day(recorded ?? at), seq: seq)
    }

    @Test func targetsKeepEveryMilestoneOfALineAndTheOneInForce() {
        let records = [
            Self.record("500101", 300, due: "2020-06-30", at: "2020-04-09", seq: 1),
            Self.record("500101", 900, due: "2022-12-31", at: "2020-04-09", seq: 2),
            Self.record("500101", 600, due: "2021-12-31", at: "2021-03-22", seq: 3),
            // 2020's milestone raised, then 2021's moved to the end of March 2022, recorded a day late.
            Self.record("500101", 320, due: "2020-06-30", at: "2020-05-01", seq: 4),
            Self.record("500101", 600, due: "2022-03-31", at: "2021-06-01", seq: 5, movedFrom: "2021-12-31", recorded: "2021-06-02"),
            Self.record("500101", op: .cmcc, 120, due: "2020-06-30", at: "2020-04-09", seq: 6),
        ]
        func targets(_ asOf: String, known: String? = nil) -> Targets {
            Targets(records, at: ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: Self.day(asOf))),
                                             knownAt: known.map { .endOf(day: ShanghaiCalendar.day(of: Self.day($0))) }))
        }
        #expect(targets("2020-04-20").target(region: "500101") == 300)
        #expect(targets("2020-06-15").target(region: "500101") == 320)
        #expect(targets("2020-06-15").due(region: "500101") == Self.end("2020-06-30"))
        #expect(targets("2020-06-15").target(region: "500101", operator: .cmcc) == 120)
        // Before the 2021 milestone is set, the 2022 one follows 2020's.
        #expect(targets("2020-08-01").target(region: "500101") == 900)
        #expect(targets("2021-05-01").target(region: "500101") == 600)
        #expect(targets("2021-05-01").plan(region: "500101").milestones.map(\.target) == [320, 600, 900])
        // The move: the old date is gone from then on, as known from when it was recorded.
        #expect(targets("2021-06-01", known: "2021-06-01").plan(region: "500101").milestones.count == 3)
        #expect(targets("2021-06-01", known: "2021-06-01").due(region: "500101") == Self.end("2021-12-31"))
        let moved = targets("2021-06-02")
        #expect(moved.plan(region: "500101").milestones.map { ShanghaiCalendar.dateString($0.due) } == ["2020-06-30", "2022-03-31", "2022-12-31"])
        #expect(moved.due(region: "500101") == Self.end("2022-03-31"))
        #expect(moved.lines.count == 2)
        // Both dates stay in the history.
        #expect(records.filter { $0.setting.entity == "target:500101::" }.count == 5)
    }

    @Test func anOperatorsOnlyRegionsPlanIsTheSumOfItsOperators() {
        let records = [
            Self.record("500102", op: .cmcc, 40, due: "2020-06-30", at: "2020-04-09", seq: 1),
            Self.record("500102", op: .ctcc, 20, due: "2020-06-30", at: "2020-04-09", seq: 2),
            Self.record("500102", op: .cmcc, 90, due: "2022-12-31", at: "2020-04-09", seq: 3),
        ]
        let t = Targets(records, at: ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: Self.day("2020-05-01")))))
        #expect(t.target(region: "500102") == 60)
        #expect(t.plan(region: "500102").milestones.map(\.target) == [60, 110])
    }

    @Test func figuresMeasureAgainstTheMilestoneInForceAndForecastTheLaterOnes() {
        let campaign = Campaign(name: "t", start: Self.start, deadline: Self.end("2022-12-31"))
        let plan = Self.plan
        let at = ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: Self.day("2020-08-01"))))
        #expect(Figures.due(plan, campaign: campaign, moment: at) == Self.end("2021-12-31"))
        let listed = Figures.milestones(plan, moment: at)
        #expect(listed.map(\.inForce) == [false, true, false])
        #expect(listed.map(\.past) == [true, false, false])
        #expect(Figures.due(MilestonePlan([]), campaign: campaign, moment: at) == campaign.deadline)
        let planned = Figures.plannedByNow(plan, campaign: campaign, moment: at)!
        #expect(planned > 30_000 && planned < 33_000)
    }
}

extension MilestonePlanTests {
    @Test func aQuotaMoveActsOnTheMilestonesInForceAndKeepsEachPlanCumulative() throws {
        let records = [
            Self.record("500101", 300, due: "2020-06-30", at: "2020-04-09", seq: 1),
            Self.record("500101", 900, due: "2022-12-31", at: "2020-04-09", seq: 2),
            Self.record("500103", 100, due: "2020-06-30", at: "2020-04-09", seq: 3),
            Self.record("500103", 130, due: "2022-12-31", at: "2020-04-09", seq: 4),
        ]
        let t = Targets(records, at: ReadMoment(asOf: .endOf(day: ShanghaiCalendar.day(of: Self.day("2020-05-01")))))
        let moved = try QuotaMove(from: "500101", to: "500103", sites: 30, reason: "调剂").settings(targets: t, progress: [:], operatorProgress: [:])
        #expect(moved.map(\.target) == [270, 130])
        #expect(moved.allSatisfy { ShanghaiCalendar.dateString($0.due) == "2020-06-30" })
        #expect(throws: RolloutError("quota_not_cumulative", ["value": "131", "due": "2022-12-31", "later": "130"])) {
            try QuotaMove(from: "500101", to: "500103", sites: 31, reason: "调剂").settings(targets: t, progress: [:], operatorProgress: [:])
        }
    }
}
