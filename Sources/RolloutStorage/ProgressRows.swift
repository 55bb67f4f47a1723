import RolloutCore

/// Sites not built although their planned on-air date has passed.
public struct LateSites: Codable, Sendable, Equatable {
    public var total: Int
    /// Per region code.
    public var byRegion: [String: Int]
    /// The ones planned earliest first.
    public var sites: [SiteRow]

    public init(total: Int, byRegion: [String: Int], sites: [SiteRow]) {
        self.total = total; self.byRegion = byRegion; self.sites = sites
    }
}

/// The progress (sites built since the campaign start) at the end of one day.
public struct DayProgress: Codable, Sendable, Equatable {
    public var date: String
    public var built: Int
    public var progress: Int

    public init(date: String, built: Int, progress: Int) {
        self.date = date; self.built = built; self.progress = progress
    }
}

/// What an operator reported on one day (by the day the platform recorded it).
public struct ReportDay: Codable, Sendable, Equatable {
    public var date: String
    public var kind: String
    public var actor: String
    public var events: Int

    public init(date: String, kind: String, actor: String, events: Int) {
        self.date = date; self.kind = kind; self.actor = actor; self.events = events
    }
}
