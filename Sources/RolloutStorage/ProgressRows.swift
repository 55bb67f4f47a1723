import RolloutCore

/// Sites not built although their planned on-air date has passed.
public struct LateSites: Codable, Sendable, Equatable {
    /// How many sites are late in all, not only those listed.
    public var total: Int
    /// Per region code.
    public var byRegion: [String: Int]
    /// The ones planned earliest first.
    public var sites: [SiteRow]

    /// The late sites with their counts.
    public init(total: Int, byRegion: [String: Int], sites: [SiteRow]) {
        self.total = total; self.byRegion = byRegion; self.sites = sites
    }
}

/// The progress (sites built since the campaign start) at the end of one day.
public struct DayProgress: Codable, Sendable, Equatable {
    /// The Shanghai day, `YYYY-MM-DD`.
    public var date: String
    /// Sites built (on air or accepted) at the end of the day, in all.
    public var built: Int
    /// Of those, the ones built since the start of the first day asked for (the campaign's start).
    public var progress: Int

    /// A day's progress with its counts.
    public init(date: String, built: Int, progress: Int) {
        self.date = date; self.built = built; self.progress = progress
    }
}

/// What an operator reported on one day (by the day the platform recorded it).
public struct ReportDay: Codable, Sendable, Equatable {
    /// The Shanghai day the platform recorded the events, `YYYY-MM-DD`.
    public var date: String
    /// The events' kind, e.g. `stage.reported`.
    public var kind: String
    /// The account (or system) that reported them.
    public var actor: String
    /// How many events of that kind the account reported that day.
    public var events: Int

    /// A day's count of one kind from one reporter.
    public init(date: String, kind: String, actor: String, events: Int) {
        self.date = date; self.kind = kind; self.actor = actor; self.events = events
    }
}
