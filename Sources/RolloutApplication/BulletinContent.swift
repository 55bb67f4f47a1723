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
        public var day: String
        public var regions: [RegionFigures]
        public var summary: Summary
    }

    public var campaign: StoredCampaign
    public var moment: ReadMoment
    public var day: String
    public var summary: Summary
    public var regions: [RegionFigures]
    public var previous: Previous?
    public var series: [DayProgress]
    public var overdue: [ObstacleRow]
    public var names: [String: Region]
    /// The share of the campaign's time gone by at the cut-off.
    public var elapsed: Double
    /// Regions under listed supervision at the cut-off, and the changes since the last bulletin.
    public var listed: [String] = []
    public var listedSince: [String] = []
    public var delistedSince: [String] = []

    /// The regions named for poor progress: below 60 % of the target pro-rata to the time gone by.
    public var poor: [RegionFigures] {
        regions.filter { r in
            guard let t = r.target, t > 0 else { return false }
            return Double(r.progress) < Self.poorShare * Double(t) * elapsed
        }.sorted { ($0.completion ?? 0, $0.regionCode) < ($1.completion ?? 0, $1.regionCode) }
    }

    /// The regions praised: ahead of their pro-rata target, the best completions first.
    public var praised: [RegionFigures] {
        Array(regions.filter { r in
            guard let t = r.target, t > 0 else { return false }
            return Double(r.progress) >= Double(t) * elapsed
        }.sorted { ($0.completion ?? 0, $1.regionCode) > ($1.completion ?? 0, $0.regionCode) }.prefix(Self.praisedCount))
    }

    /// The operators' totals over the regions.
    public var operators: [(op: String, target: Int, progress: Int)] {
        Operator.allCases.map { op in
            let rows = regions.flatMap(\.operators).filter { $0.operator == op.rawValue }
            return (op.rawValue, rows.reduce(0) { $0 + ($1.target ?? 0) }, rows.reduce(0) { $0 + $1.progress })
        }.filter { $0.target > 0 || $0.progress > 0 }
    }
}
