import RolloutCore

/// Everything the figures of one moment need, read from one snapshot.
public struct FigureSource: Sendable {
    public var regions: [Region]
    public var targets: Targets
    public var inputs: Figures.Inputs

    public init(regions: [Region], targets: Targets, inputs: Figures.Inputs) {
        self.regions = regions; self.targets = targets; self.inputs = inputs
    }
}

/// Which sites to list.
public struct SiteQuery: Sendable, Equatable {
    public var region: String?
    public var `operator`: Operator?
    public var stage: Stage?
    /// From 1.
    public var page: Int
    public var perPage: Int
    /// Only the sites after this one (in operator, code order) instead of a page number: an
    /// export reads millions of sites page after page without skipping over the earlier ones
    /// (the page's `total` is then -1 as known now: it is not counted again for every page).
    public var after: SiteKey?

    public init(region: String? = nil, operator: Operator? = nil, stage: Stage? = nil, page: Int = 1, perPage: Int = 50, after: SiteKey? = nil) {
        self.region = region; self.operator = `operator`; self.stage = stage; self.page = page; self.perPage = perPage; self.after = after
    }
}

/// A site as a list shows it, at a moment.
public struct SiteRow: Codable, Sendable, Equatable {
    public var `operator`: String
    public var siteCode: String
    public var regionCode: String
    public var name: String
    public var lat: Double
    public var lon: Double
    public var kind: String
    @Nullable public var band: String?
    public var host: String
    @Nullable public var resourceId: String?
    public var stage: String
    public var registeredAt: String
    @Nullable public var plannedOnAir: String?
    /// Not built although its planned on-air date has passed.
    public var late: Bool

    public init(`operator`: String, siteCode: String, regionCode: String, name: String, lat: Double, lon: Double, kind: String, band: String? = nil, host: String, resourceId: String? = nil, stage: String, registeredAt: String, plannedOnAir: String? = nil, late: Bool) {
        self.`operator` = `operator`; self.siteCode = siteCode; self.regionCode = regionCode; self.name = name; self.lat = lat; self.lon = lon; self.kind = kind; self.band = band; self.host = host; self.resourceId = resourceId; self.stage = stage; self.registeredAt = registeredAt; self.plannedOnAir = plannedOnAir; self.late = late
    }
}

/// A site as a map draws it: where it stands and what colour it gets.
public struct MapPoint: Sendable, Equatable {
    public var lat: Double
    public var lon: Double
    public var stage: String
    public var late: Bool

    public init(lat: Double, lon: Double, stage: String, late: Bool) { self.lat = lat; self.lon = lon; self.stage = stage; self.late = late }
}

/// One page of sites.
public struct SitePage: Codable, Sendable, Equatable {
    public var total: Int
    public var page: Int
    public var perPage: Int
    public var sites: [SiteRow]

    public init(total: Int, page: Int, perPage: Int, sites: [SiteRow]) {
        self.total = total; self.page = page; self.perPage = perPage; self.sites = sites
    }
}

/// A site with its timeline and its log, at a moment.
public struct SiteDetail: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable { public var stage: String; public var at: String; public init(stage: String, at: String) { self.stage = stage; self.at = at } }
    public struct LogEntry: Codable, Sendable, Equatable {
        public var seq: Int64
        public var kind: String
        @Nullable public var stage: String?
        public var occurredAt: String
        public var recordedAt: String
        public var actor: String
        @Nullable public var note: String?

        public init(seq: Int64, kind: String, stage: String? = nil, occurredAt: String, recordedAt: String, actor: String, note: String? = nil) {
            self.seq = seq; self.kind = kind; self.stage = stage; self.occurredAt = occurredAt; self.recordedAt = recordedAt; self.actor = actor; self.note = note
        }
    }
    public var site: SiteRow
    public var timeline: [Step]
    public var events: [LogEntry]
    /// Its obstacles as of the moment, with their state, unit and clock.
    public var obstacles: [ObstacleRow]

    public init(site: SiteRow, timeline: [Step], events: [LogEntry], obstacles: [ObstacleRow]) {
        self.site = site; self.timeline = timeline; self.events = events; self.obstacles = obstacles
    }
}
