/// One milestone of a plan as the views list it.
public struct MilestoneFigure: Codable, Equatable, Sendable {
    /// The day it falls due, `YYYY-MM-DD`.
    public var due: String
    /// The cumulative number of sites due by then.
    public var target: Int
    /// Whether it is the milestone in force at the moment (the first not yet past, else the last).
    public var inForce: Bool
    /// Whether its day has passed at the moment.
    public var past: Bool
}

/// The forecast for one milestone still ahead.
public struct MilestoneForecast: Codable, Equatable, Sendable {
    /// The day it falls due, `YYYY-MM-DD`.
    public var due: String
    /// The cumulative number of sites due by then.
    public var target: Int
    /// The progress expected by then.
    public var expected: Int
    /// The low end of the 80 % range.
    @Nullable public var expectedLow: Int?
    /// The high end of the 80 % range.
    @Nullable public var expectedHigh: Int?
    /// The chance of reaching the milestone's number by its day.
    @Nullable public var probability: Double?
}

extension Campaign {
    /// The campaign measured against one milestone: its deadline is the milestone's day.
    public func until(_ due: Instant) -> Campaign { Campaign(name: name, start: start, deadline: due, firstDue: nil) }
}

extension Figures {
    /// The day a plan's milestone in force falls due at the moment; without a plan, the campaign's
    /// first milestone's day while it is ahead, else its end.
    public static func due(_ plan: MilestonePlan, campaign: Campaign, moment: ReadMoment) -> Instant {
        let t = moment.asOf.before.adding(seconds: -1)
        if let due = plan.inForce(at: t)?.due { return due }
        if let first = campaign.firstDue, ShanghaiCalendar.day(of: first) >= ShanghaiCalendar.day(of: t) { return first }
        return campaign.deadline
    }

    /// A plan's milestones as the views list them at the moment.
    public static func milestones(_ plan: MilestonePlan, moment: ReadMoment) -> [MilestoneFigure] {
        let t = moment.asOf.before.adding(seconds: -1)
        let current = plan.indexInForce(at: t)
        return plan.milestones.enumerated().map { i, m in
            MilestoneFigure(due: ShanghaiCalendar.dateString(m.due), target: m.target, inForce: i == current,
                            past: ShanghaiCalendar.day(of: m.due) < ShanghaiCalendar.day(of: t))
        }
    }

    /// The sites a plan expects by the moment (pro rata within the period of its milestone in force), rounded.
    public static func plannedByNow(_ plan: MilestonePlan, campaign: Campaign, moment: ReadMoment) -> Int? {
        plan.expected(at: moment.asOf.before.adding(seconds: -1), campaignStart: campaign.start).map { Int($0.rounded()) }
    }

    /// The forecasts for the milestones after the one in force: each from the same model, to its own day.
    static func laterMilestones(_ plan: MilestonePlan, progress: Int, paceBuilt: Int, pipeline: [String: [Stage: Int]],
                                arrivals: [String: Double], inputs: Inputs, campaign: Campaign, moment: ReadMoment,
                                key: String) -> [MilestoneForecast]? {
        let t = moment.asOf.before.adding(seconds: -1)
        guard let current = plan.indexInForce(at: t), current + 1 < plan.milestones.count else { return nil }
        return plan.milestones[(current + 1)...].map { m in
            let f = forecast(progress: progress, paceBuilt: paceBuilt, pipeline: pipeline, arrivals: arrivals, inputs: inputs,
                             target: m.target, campaign: campaign.until(m.due), moment: moment, withPath: false, key: key,
                             withCompletion: false)
            return MilestoneForecast(due: ShanghaiCalendar.dateString(m.due), target: m.target, expected: f.expectedAtDeadline,
                                     expectedLow: f.expectedLow, expectedHigh: f.expectedHigh, probability: f.probabilityByDeadline)
        }
    }

    /// The forecast of the milestone in force, then those of the later milestones beside it.
    static func planForecast(_ plan: MilestonePlan, progress: Int, paceBuilt: Int, pipeline: [String: [Stage: Int]],
                             arrivals: [String: Double], inputs: Inputs, target: Int, campaign: Campaign, moment: ReadMoment,
                             withPath: Bool, key: String) -> Forecast {
        var f = forecast(progress: progress, paceBuilt: paceBuilt, pipeline: pipeline, arrivals: arrivals, inputs: inputs, target: target,
                         campaign: campaign.until(due(plan, campaign: campaign, moment: moment)), moment: moment,
                         withPath: withPath, key: key)
        f.milestones = laterMilestones(plan, progress: progress, paceBuilt: paceBuilt, pipeline: pipeline, arrivals: arrivals,
                                       inputs: inputs, campaign: campaign, moment: moment, key: key)
        return f
    }
}

extension RegionFigures {
    func withPlan(_ plan: MilestonePlan, campaign: Campaign, moment: ReadMoment) -> RegionFigures {
        var r = self
        r.milestones = Figures.milestones(plan, moment: moment)
        r.plannedByNow = Figures.plannedByNow(plan, campaign: campaign, moment: moment)
        return r
    }
}

extension Summary {
    func withPlan(_ plan: MilestonePlan, campaign: Campaign, moment: ReadMoment) -> Summary {
        var s = self
        let t = moment.asOf.before.adding(seconds: -1)
        // Before any target line, the campaign's first milestone while it is ahead.
        s.due = (plan.inForce(at: t)?.due ?? campaign.firstDue.flatMap { ShanghaiCalendar.day(of: $0) >= ShanghaiCalendar.day(of: t) ? $0 : nil })
            .map { ShanghaiCalendar.dateString($0) }
        s.milestones = Figures.milestones(plan, moment: moment)
        s.plannedByNow = Figures.plannedByNow(plan, campaign: campaign, moment: moment)
        s.periodElapsed = plan.periodElapsed(at: t, campaignStart: campaign.start).map { ($0 * 10_000).rounded() / 10_000 }
        return s
    }
}
