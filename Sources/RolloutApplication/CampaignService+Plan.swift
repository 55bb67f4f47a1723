import Foundation
import RolloutCore
import RolloutStorage

/// Planned and actual spend at a moment, with the sites built since the start beside it: spend
/// against plan and spend per built site, for the city, each region and each operator.
public struct InvestmentView: Sendable {
    /// One line: a region's, an operator's or the city's.
    public struct Line: Sendable {
        /// The region's or the operator's code; empty for the city.
        public var key: String
        /// Planned and actual spend over every year.
        public var sum: Investments.Sum
        /// Per year.
        public var byYear: [Int: Investments.Sum]
        /// Sites built since the start (the progress the targets count).
        public var progress: Int
        /// Actual spend per built site, yuan; nil without either.
        public var perSite: Int64? { sum.perSite(progress) }
    }
    /// The last instant the view includes.
    public var at: Instant
    /// The years of the plan (the campaign's calendar years).
    public var years: [Int]
    /// The city.
    public var city: Line
    /// Each region with a record or a built site, in the campaign's order.
    public var regions: [Line]
    /// Each operator with a record or a built site.
    public var operators: [Line]
    /// The records standing, by region, operator and year.
    public var records: [InvestmentFigure]
}

extension CampaignService {
    /// The spend as of a moment (`as_of`, `known_at` as everywhere).
    public func investments(asOf: String? = nil, knownAt: String? = nil) async throws -> InvestmentView {
        let (stored, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await investments(stored.campaign, at: moment)
    }

    /// The spend at a moment.
    public func investments(_ campaign: Campaign, at moment: ReadMoment) async throws -> InvestmentView {
        let spend = Investments(try await store.events(kinds: Investments.kinds), at: moment)
        let figures = try await figures(campaign, at: moment)
        let firstYear = ShanghaiCalendar.civil(ShanghaiCalendar.day(of: campaign.start)).year
        let lastYear = ShanghaiCalendar.civil(ShanghaiCalendar.day(of: campaign.deadline)).year
        let years = Array(firstYear...lastYear)
        func line(_ key: String, region: String?, operator op: Operator?, progress: Int) -> InvestmentView.Line {
            var byYear: [Int: Investments.Sum] = [:]
            for y in years { byYear[y] = spend.sum(region: region, operator: op, year: y) }
            return .init(key: key, sum: spend.sum(region: region, operator: op), byYear: byYear, progress: progress)
        }
        let regions = figures.regions.sorted { $0.regionCode < $1.regionCode }.compactMap { r -> InvestmentView.Line? in
            let l = line(r.regionCode, region: r.regionCode, operator: nil, progress: r.progress)
            return l.sum.planned == nil && l.sum.actual == nil && r.progress == 0 ? nil : l
        }
        var operatorProgress: [Operator: Int] = [:]
        for r in figures.regions { for o in r.operators { if let op = Operator(rawValue: o.operator) { operatorProgress[op, default: 0] += o.progress } } }
        let operators = Operator.network.compactMap { op -> InvestmentView.Line? in
            let l = line(op.rawValue, region: nil, operator: op, progress: operatorProgress[op] ?? 0)
            return l.sum.planned == nil && l.sum.actual == nil && l.progress == 0 ? nil : l
        }
        return InvestmentView(at: moment.asOf.before.adding(seconds: -1), years: years,
                              city: line("", region: nil, operator: nil, progress: figures.summary.progress),
                              regions: regions, operators: operators,
                              records: spend.records.values.sorted { ($0.year, $0.regionCode, $0.operator.rawValue) < ($1.year, $1.regionCode, $1.operator.rawValue) })
    }

    /// Records planned and actual spend (the city office any; an operator its own), checked
    /// against the campaign. Returns whether it changed what is recorded.
    @discardableResult
    public func recordInvestment(_ figure: InvestmentFigure, by principal: Principal) async throws -> Bool {
        guard Access.allows(principal.role, .recordInvestment) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let stored = try await campaign()
        guard try await regionsByCode()[figure.regionCode] != nil else { throw RolloutError("unknown_region", kind: .notFound, ["value": figure.regionCode]) }
        let checked = try figure.validated(campaign: stored.campaign)
        guard Access.mayRecord(.investmentReported(checked), principal) else {
            throw RolloutError("forbidden_operator", kind: .forbidden, ["value": checked.operator.rawValue])
        }
        let now = stored.now(clock)
        let standing = Investments(try await store.events(kinds: Investments.kinds), at: ReadMoment(asOf: .including(now)))
        if standing.records[checked.entity] == checked { return false }
        _ = try await store.append([NewEvent(.investmentReported(checked), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        return true
    }
}

extension CampaignService {
    /// Moves the milestone due on `from` to `to`, with a reason (the city office): for every target
    /// line of `region` (nil: of every region) that has one on `from`, a new line on `to` that
    /// replaces it; both dates stay in the history. Refuses a date outside the plan, a line that
    /// already has a milestone on `to`, and a move that would leave a line's plan not cumulative.
    /// Returns the lines moved.
    @discardableResult
    public func moveMilestone(from fromText: String, to toText: String, region: String?, reason: String, by principal: Principal) async throws -> Int {
        guard Access.allows(principal.role, .moveQuota) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let fromDay = ShanghaiCalendar.parseDay(fromText) else { throw RolloutError("bad_date", ["value": String(fromText.prefix(40))]) }
        guard let toDay = ShanghaiCalendar.parseDay(toText) else { throw RolloutError("bad_date", ["value": String(toText.prefix(40))]) }
        let from = ShanghaiCalendar.start(of: fromDay + 1).adding(seconds: -1), to = ShanghaiCalendar.start(of: toDay + 1).adding(seconds: -1)
        guard !why.isEmpty else { throw RolloutError("move_reason_required", ["old": fromText, "value": toText]) }
        guard why.count <= 500 else { throw RolloutError("text_too_long", ["value": "500"]) }
        guard fromDay != toDay else { throw RolloutError("milestone_not_moved", ["value": fromText]) }
        let stored = try await campaign()
        let plan = stored.campaign
        guard to >= plan.start && to <= plan.deadline else {
            throw RolloutError("due_outside_plan", ["value": toText, "start": ShanghaiCalendar.dateString(plan.start), "deadline": ShanghaiCalendar.dateString(plan.deadline)])
        }
        try await checkRegion(region)
        let now = stored.now(clock)
        let targets = try await store.targets(at: ReadMoment(asOf: .including(now)))
        let moving = targets.milestones.values.filter { ShanghaiCalendar.day(of: $0.setting.due) == fromDay && (region == nil || $0.setting.regionCode == region) }
        guard !moving.isEmpty else { throw RolloutError("no_milestone_to_move", ["value": fromText]) }
        var settings: [TargetSetting] = []
        for record in moving.sorted(by: { $0.setting.entity < $1.setting.entity }) {
            var s = record.setting
            s.due = to; s.movedFrom = record.setting.due; s.reason = why
            if targets.milestones[s.milestone] != nil { throw RolloutError("milestone_exists", ["value": toText]) }
            if let fall = targets.plan(with: s).firstFall {
                let other = ShanghaiCalendar.day(of: fall.earlier.due) == toDay ? fall.later : fall.earlier
                throw RolloutError("milestone_not_cumulative", ["value": "\(s.target)", "due": toText, "earlier": "\(other.target)",
                                                                "earlier_due": ShanghaiCalendar.dateString(other.due)])
            }
            settings.append(s)
        }
        _ = try await store.append(settings.map { NewEvent(.targetSet($0), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token) })
        return settings.count
    }
}

extension CampaignService {
    /// An operator's progress, target in force, plan and forecast at a moment (nil: it has neither
    /// a target nor a site).
    public func operatorForecast(_ op: Operator, _ campaign: Campaign, at moment: ReadMoment) async throws -> OperatorForecast? {
        let s = try await calibratedSource(at: moment, campaign: campaign)
        return Figures.operators(campaign: campaign, regions: s.regions, targets: s.targets, inputs: s.inputs, moment: moment)
            .first { $0.operator == op.rawValue }
    }
}
