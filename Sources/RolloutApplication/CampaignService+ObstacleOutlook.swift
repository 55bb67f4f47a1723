import Foundation
import RolloutCore
import RolloutStorage

/// Which obstacles a region's (or the city's) shortfall comes from, as the district page and
/// `GET /api/v1/forecast/obstacles` show it.
public struct ObstacleForecast: Codable, Sendable, Equatable {
    /// The region's code; nil for the whole city.
    @Nullable public var region: String?
    /// The moment read (ISO-8601, Shanghai time).
    public var asOf: String
    /// The day of the milestone forecast for (the one in force at the moment).
    public var due: String
    /// Days from the moment to the end of that day.
    public var daysLeft: Double
    /// Open obstacles on sites, all categories.
    public var open: Int
    /// Of them, expected still open at the deadline: sites they keep from being built by it.
    public var expectedOpenAtDeadline: Int
    /// Per category, most held at the deadline first.
    public var byCategory: [ObstacleOutlook]
    /// True when more obstacles stood open than the outlook reads (``CampaignService/obstacleOutlookLimit``,
    /// the oldest first): the youngest were left out.
    public var truncated: Bool
}

extension CampaignService {
    /// The most open obstacles an outlook reads (the oldest first); beyond it the rest are left out and `truncated` says so.
    public static let obstacleOutlookLimit = 20_000

    /// Which obstacles the shortfall comes from at a moment, for the milestone in force: the open
    /// obstacles on sites (as of the moment, as known then), each category's resolution times as
    /// the log shows them by then, and each obstacle's chance of still being open on the milestone's day given its age.
    public func obstacleForecast(region: String?, asOf: String?, knownAt: String?) async throws -> ObstacleForecast {
        let (stored, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await obstacleForecast(region: region, campaign: stored.campaign, at: moment)
    }

    /// The same at a checked moment.
    public func obstacleForecast(region: String?, campaign: Campaign, at moment: ReadMoment) async throws -> ObstacleForecast {
        try await checkRegion(region)
        let page = try await obstacles(Self.outlookQuery(region: region), at: moment)
        return try await obstacleForecast(region: region, campaign: campaign, at: moment, open: page)
    }

    /// The read of open obstacles an outlook needs; a page that shows the list too reads it once
    /// with this query and passes it to ``obstacleForecast(region:campaign:at:open:)``.
    public static func outlookQuery(region: String?) -> ObstacleQuery {
        ObstacleQuery(region: region, status: .open, perPage: obstacleOutlookLimit)
    }

    /// The outlook from the open obstacles already read with ``outlookQuery(region:)`` at the moment.
    public func obstacleForecast(region: String?, campaign: Campaign, at moment: ReadMoment, open page: ObstaclePage) async throws -> ObstacleForecast {
        // The campaign-wide counters only (the resolution times are counted there).
        async let counters = store.counters(at: moment, region: "")
        let plan = try await self.plan(region: region, at: moment)
        let due = Figures.due(plan, campaign: campaign, moment: moment)
        let open = page.obstacles.compactMap { row -> OpenObstacle? in
            guard row.siteCode != nil, let c = ObstacleCategory(rawValue: row.category), let at = ShanghaiCalendar.parseInstant(row.openedAt) else { return nil }
            return OpenObstacle(category: c, openedAt: at)
        }
        let now = moment.asOf.before
        let outlook = ObstacleOutlook.make(open, law: ResolutionLaw(try await counters), now: now, deadline: due)
        return ObstacleForecast(region: region, asOf: moment.asOf.description, due: ShanghaiCalendar.dateString(due),
                                daysLeft: (max(0, Double(due.seconds - now.seconds)) / 8_640).rounded() / 10,
                                open: outlook.reduce(0) { $0 + $1.open }, expectedOpenAtDeadline: outlook.reduce(0) { $0 + $1.expectedOpenAtDeadline },
                                byCategory: outlook, truncated: page.total > page.obstacles.count)
    }
}
