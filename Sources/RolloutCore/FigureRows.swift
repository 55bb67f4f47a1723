/// The campaign's headline numbers at a moment: what `/api/v1/summary` answers.
public struct Summary: Codable, Equatable, Sendable {
    /// The campaign's name.
    public var campaign: String
    /// The campaign's first day, `YYYY-MM-DD`.
    public var start: String
    /// The campaign's last day, `YYYY-MM-DD`.
    public var deadline: String
    /// The last instant the figures include, ISO-8601 in Asia/Shanghai.
    public var asOf: String
    /// The last recording instant taken into account, ISO-8601; nil when read as known now.
    @Nullable public var knownAt: String?
    /// The sum of the regions' targets in force.
    public var target: Int
    /// Sites at `on_air` or later, including those built before the campaign.
    public var built: Int
    /// Sites built when the campaign started.
    public var builtAtStart: Int
    /// Sites built since the start: what counts toward the target.
    public var progress: Int
    /// `progress / target`, nil without a target.
    @Nullable public var completion: Double?
    /// Registered sites (every stage).
    public var sites: Int
    /// Sites standing at each stage.
    public var stages: [String: Int]
    /// Obstacles not resolved at the moment.
    public var openObstacles: Int
    /// Open obstacles per category code, every category listed (0 when none).
    public var openObstaclesByCategory: [String: Int]
    /// Where the campaign is heading by the deadline.
    public var forecast: Forecast
    /// Registered sites on shared or existing infrastructure, and their share of all registered sites (共享率).
    public var shared: Int = 0
    /// `shared / sites`, nil without registered sites.
    @Nullable public var sharingRate: Double? = nil
    /// Of the built sites, those whose opening is verified (its evidence accepted, or verified by a
    /// person); null while evidence has never been switched on.
    @Nullable public var verified: Int? = nil
    /// Of the built sites, those whose opening needed evidence and is not backed yet (awaiting
    /// evidence or in the verification queue); null while evidence has never been switched on.
    @Nullable public var unverified: Int? = nil
    /// What rankings, bulletins, supervision proposals and the scorecard count at the moment:
    /// `reported` (every site reported built) or `verified` (without the unverified ones), as the
    /// city office's evidence rule in force says.
    public var rankBasis: String = RankBasis.reported.rawValue
    /// When the milestone in force (the city's sum of the regions') falls due, `YYYY-MM-DD`; the
    /// forecast's deadline. Before any target line, the campaign's first milestone while it is
    /// ahead (`init --first-milestone`); else nil.
    @Nullable public var due: String? = nil
    /// The city's plan: at each date a region's milestone falls due, the sum of the regions' milestones in force then.
    public var milestones: [MilestoneFigure] = []
    /// The sites the plan expects by the moment: pro rata in time within the period of the
    /// milestone in force (from the previous milestone's number). Nil without targets.
    @Nullable public var plannedByNow: Int? = nil
    /// The share of the period of the milestone in force gone by (0 to 1). Nil without targets.
    @Nullable public var periodElapsed: Double? = nil
    /// Sites on air per 10,000 people (the census population; see ``Population``). Nil without a population.
    @Nullable public var sitesPerTenThousand: Double? = nil
    /// The people the density is over: the districts' and counties' census figures, with estimates where missing.
    @Nullable public var population: Int? = nil
    /// Whether `population` includes estimates.
    public var populationImputed: Bool = false
}

/// What rankings count: every site reported built, or the reported ones less those whose opening
/// needed evidence and is not backed yet.
public enum RankBasis: String, CaseIterable, Codable, Sendable {
    /// Every site reported built.
    case reported
    /// The reported sites less the unverified ones.
    case verified
}

/// A region's numbers at a moment: one row of `/api/v1/regions` and of `export regions`.
public struct RegionFigures: Codable, Equatable, Sendable {
    /// The region's code.
    public var regionCode: String
    /// The region's Chinese name.
    public var name: String
    /// The region's English name.
    public var nameEn: String
    /// `district`, `county`, `autonomous_county` or `functional_area`.
    public var kind: String
    /// The region's target in force (its total line, else its operators' sum); nil without one.
    @Nullable public var target: Int?
    /// The latest due date among its target lines, `YYYY-MM-DD`; nil without one.
    @Nullable public var due: String?
    /// Its sites at `on_air` or later, including those built before the campaign.
    public var built: Int
    /// Its sites built when the campaign started.
    public var builtAtStart: Int
    /// Its sites built since the start: what counts toward its target.
    public var progress: Int
    /// `progress / target`, nil without a target.
    @Nullable public var completion: Double?
    /// 1 = best completion; regions without a target rank last.
    public var rank: Int
    /// Its registered sites (every stage).
    public var sites: Int
    /// Its sites standing at each stage.
    public var stages: [String: Int]
    /// Its obstacles not resolved at the moment.
    public var openObstacles: Int
    /// Each operator's part, for the operators with a site or a target in the region.
    public var operators: [OperatorFigures]
    /// Where the region is heading by the deadline.
    public var forecast: Forecast
    /// Registered sites on shared or existing infrastructure, and their share (共享率).
    public var shared: Int = 0
    /// `shared / sites`, nil without registered sites.
    @Nullable public var sharingRate: Double? = nil
    /// Of the built sites, those whose opening is verified (its evidence accepted, or verified by a
    /// person); null while evidence has never been switched on.
    @Nullable public var verified: Int? = nil
    /// Of the built sites, those whose opening needed evidence and is not backed yet; null while
    /// evidence has never been switched on.
    @Nullable public var unverified: Int? = nil
    /// The progress the rank counts: `progress`, or under the `verified` basis `progress` less the
    /// unverified sites.
    public var rankedProgress: Int = 0
    /// What the rank counts at the moment, as ``Summary/rankBasis``.
    public var rankBasis: String = RankBasis.reported.rawValue
    /// The region's plan: its milestones, the one in force marked (`target` and `due` are its).
    public var milestones: [MilestoneFigure] = []
    /// The sites the plan expects by the moment, pro rata within the period of the milestone in force.
    @Nullable public var plannedByNow: Int? = nil
    /// The census population the density is over (imputed where the reference lacks it; see `populationImputed`).
    @Nullable public var population: Int? = nil
    /// Whether `population` is an estimate (the city's census total less the known regions',
    /// shared by area and the median density of the region's kind).
    public var populationImputed: Bool = false
    /// Sites on air per 10,000 people. Nil without a population (a functional area the census does not count apart).
    @Nullable public var sitesPerTenThousand: Double? = nil
}

/// An operator's part of a region's numbers.
public struct OperatorFigures: Codable, Equatable, Sendable {
    /// The operator's code.
    public var `operator`: String
    /// Its share of the region's target; nil when it has none.
    @Nullable public var target: Int?
    /// Its sites in the region at `on_air` or later.
    public var built: Int
    /// Its sites in the region built since the start.
    public var progress: Int
    /// Its registered sites in the region (every stage).
    public var sites: Int
    /// Its registered sites on shared or existing infrastructure.
    public var shared: Int = 0
    /// Its built sites in the region whose opening is verified; null while evidence has never been switched on.
    @Nullable public var verified: Int? = nil
}

/// Where the campaign is heading by the deadline.
public struct Forecast: Codable, Equatable, Sendable {
    /// How the forecast was made: `stage_durations` (see ``StageForecast``), or `pace_14d` (the
    /// last 14 days' pace carried forward) before any site has been built.
    public var method: String
    /// Sites built per day over the last 14 days (or since the start, if shorter).
    public var pacePerDay: Double
    /// The progress expected at the deadline.
    public var expectedAtDeadline: Int
    /// The progress at the deadline will be at least this with a chance of 90 % (and at most
    /// `expectedHigh` with a chance of 90 %).
    @Nullable public var expectedLow: Int?
    /// The progress at the deadline will be at most this with a chance of 90 %.
    @Nullable public var expectedHigh: Int?
    /// The day the target is expected to be reached, if it is expected at all (nil once reached).
    @Nullable public var expectedCompletionDate: String?
    /// Whether the expected progress at the deadline reaches the target.
    @Nullable public var onTrack: Bool?
    /// The chance that the target is reached by the deadline.
    @Nullable public var probabilityByDeadline: Double?
    /// The expected progress week by week up to the deadline, with its 80 % band.
    @Nullable public var path: [ForecastPoint]?
    /// The past errors the expected count and its range were corrected with (nil: too few yet, and
    /// the range is the model's own).
    @Nullable public var calibration: CalibrationNote? = nil
    /// The unbuilt sites by stage and what is expected of them by the deadline (the city and each
    /// region; nil elsewhere).
    @Nullable public var byStage: [StageOutlook]? = nil
    /// Of the progress expected at the deadline, the sites not registered yet that are expected to
    /// be registered (at the last 14 days' pace) and built by then; with `byStage`, where the
    /// expected count comes from (nil with the 14-day pace).
    @Nullable public var expectedNewSites: Int? = nil
    /// Why a part of the forecast is missing: `nothing_built` (no site built yet to learn stage
    /// durations from: the 14-day pace is carried forward, with no range and no chance) or
    /// `no_target` (no target: no chance, no expected day, no "on track"); nil when nothing is missing.
    @Nullable public var reason: String? = nil
    /// The forecasts for the plan's milestones after the one in force (nil when none is left after it).
    @Nullable public var milestones: [MilestoneForecast]? = nil
}

/// How a forecast was calibrated: the bias taken out of it and the spread of its past errors.
public struct CalibrationNote: Codable, Equatable, Sendable {
    /// The mean log-ratio of what happened to what the model expected (below zero: it expected too many).
    public var bias: Double
    /// The spread of that log-ratio for one day ahead (it grows as the square root of the days).
    public var spreadPerRootDay: Double
    /// How many past forecasts of this key were compared with the log.
    public var samples: Int
}

/// An operator's progress over the whole campaign and where it is heading.
public struct OperatorForecast: Codable, Equatable, Sendable {
    /// The operator's code.
    public var `operator`: String
    /// Its sites built since the start, all regions together.
    public var progress: Int
    /// Its targets summed over the regions; nil when no region gives it one.
    @Nullable public var target: Int?
    /// Where it is heading by the deadline (without the week-by-week path).
    public var forecast: Forecast
    /// Its plan: at each date one of its regional shares falls due, their sum then.
    public var milestones: [MilestoneFigure] = []
    /// The sites its plan expects by the moment, pro rata within the period of the milestone in force.
    @Nullable public var plannedByNow: Int? = nil
}

/// The expected progress on a day, with its 80 % band.
public struct ForecastPoint: Codable, Equatable, Sendable {
    /// The day, `YYYY-MM-DD`.
    public var date: String
    /// The progress expected by that day.
    public var expected: Int
    /// The low end of the 80 % band.
    public var low: Int
    /// The high end of the 80 % band.
    public var high: Int
}
