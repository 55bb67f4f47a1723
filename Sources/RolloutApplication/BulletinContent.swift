import RolloutCore
import RolloutStorage

/// What the weekly bulletin (通报) for a cut-off says, read once as of the cut-off and as known at
/// the cut-off (a late report never changes it), with the bulletin's rules: which regions are
/// named for poor progress, which are praised, the operators' totals. The web layer renders it.
public struct BulletinContent: Sendable {
    /// A region below this share of its pro-rata target is named for poor progress.
    public static let poorShare = 0.6
    /// The regions praised, at most.
    public static let praisedCount = 5

    /// The previous bulletin's day and figures.
    public struct Previous: Sendable {
        /// The previous bulletin's last day, `YYYY-MM-DD`.
        public var day: String
        /// Each region's figures at that cut-off, as known then.
        public var regions: [RegionFigures]
        /// The city's figures at that cut-off, as known then.
        public var summary: Summary
    }

    /// The campaign, with the demo's frozen clock when it has one.
    public var campaign: StoredCampaign
    /// The cut-off: as of the end of `day` and as known then.
    public var moment: ReadMoment
    /// The last day the bulletin covers, as asked.
    public var day: String
    /// The city's figures at the cut-off.
    public var summary: Summary
    /// Each region's figures at the cut-off.
    public var regions: [RegionFigures]
    /// The last bulletin issued before this cut-off; nil for the first.
    public var previous: Previous?
    /// The city's sites built day by day from the campaign's start to the cut-off.
    public var series: [DayProgress]
    /// The open obstacles whose clock had run out at the cut-off, oldest first (at most 1,000).
    public var overdue: [ObstacleRow]
    /// The campaign's regions by code, for their names.
    public var names: [String: Region]
    /// The share of the campaign's time gone by at the cut-off.
    public var elapsed: Double
    /// Regions under listed supervision at the cut-off, and the changes since the last bulletin.
    public var listed: [String] = []
    /// Regions listed since the last bulletin (all listed ones when there is none), by code.
    public var listedSince: [String] = []
    /// Regions delisted since the last bulletin, by code.
    public var delistedSince: [String] = []
    /// The organisations not reporting on time at the cut-off (未按时报送).
    public var lateReporting: [Reporting.Status] = []
    /// The reconciliation with China Tower at the cut-off (as known then): the city's figure and each district's.
    public var reconciliation: ReconciliationView.Figure? = nil
    /// Each district's reconciliation figure, by code (those with a paired site or an open mismatch).
    public var reconciliationByRegion: [String: ReconciliationView.Figure] = [:]
    /// The scorecard at the cut-off (as known then), with the ranks at the bulletin before.
    public var scorecard: ScorecardView? = nil
    /// Safety at the cut-off (as known then): findings, overdue fixes, stopped sites.
    public var safety: SafetyView? = nil
    /// 5G adoption at the cut-off (as known then).
    public var adoption: AdoptionView? = nil
    /// The spend at the cut-off (as known then).
    public var investments: InvestmentView? = nil

    /// The regions named for poor progress: below 60 % of the target pro-rata to the time gone by
    /// (their ranked progress: under the verified basis, without the unverified sites), the worst first.
    public var poor: [RegionFigures] {
        regions.filter { r in
            guard let planned = Self.planned(r, elapsed: elapsed) else { return false }
            return Double(r.rankedProgress) < Self.poorShare * planned
        }.sorted { ($0.rank, $0.regionCode) > ($1.rank, $1.regionCode) }
    }

    /// The regions praised: ahead of their pro-rata target (their ranked progress), the best ranked first.
    public var praised: [RegionFigures] {
        Array(regions.filter { r in
            guard let planned = Self.planned(r, elapsed: elapsed) else { return false }
            return Double(r.rankedProgress) >= planned
        }.sorted { ($0.rank, $0.regionCode) < ($1.rank, $1.regionCode) }.prefix(Self.praisedCount))
    }

    /// What a region's plan expects by the cut-off: pro rata within its milestone in force (its
    /// target pro rata to the time gone by for figures made without a plan); nil without a target.
    static func planned(_ r: RegionFigures, elapsed: Double) -> Double? {
        guard let t = r.target, t > 0 else { return nil }
        return r.plannedByNow.map(Double.init) ?? Double(t) * elapsed
    }

    /// The operators' totals over the regions.
    public var operators: [(op: String, target: Int, progress: Int)] {
        Operator.network.map { op in
            let rows = regions.flatMap(\.operators).filter { $0.operator == op.rawValue }
            return (op.rawValue, rows.reduce(0) { $0 + ($1.target ?? 0) }, rows.reduce(0) { $0 + $1.progress })
        }.filter { $0.target > 0 || $0.progress > 0 }
    }
}
