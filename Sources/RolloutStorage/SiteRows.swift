import RolloutCore

/// Everything the figures of one moment need, read from one snapshot.
public struct FigureSource: Sendable {
    /// The campaign's regions, in their file order.
    public var regions: [Region]
    /// The targets in force at the moment.
    public var targets: Targets
    /// Counters now, at the campaign's start and where the pace and forecast windows start.
    public var inputs: Figures.Inputs

    /// The source of one snapshot's figures, from its regions, targets and counters.
    public init(regions: [Region], targets: Targets, inputs: Figures.Inputs) {
        self.regions = regions; self.targets = targets; self.inputs = inputs
    }
}

/// Which sites to list.
public struct SiteQuery: Sendable, Equatable {
    /// Only the sites in this region (a region code); nil for every region.
    public var region: String?
    /// Only this operator's sites; nil for every operator.
    public var `operator`: Operator?
    /// Only the sites at this stage at the moment; nil for every stage.
    public var stage: Stage?
    /// From 1.
    public var page: Int
    /// How many sites a page holds.
    public var perPage: Int
    /// Only the sites after this one (in operator, code order) instead of a page number: an
    /// export reads millions of sites page after page without skipping over the earlier ones
    /// (the page's `total` is then -1 as known now: it is not counted again for every page).
    public var after: SiteKey?
    /// Only the four operators' sites: China Tower's records (the infrastructure under them) left out.
    public var networkOnly: Bool
    /// Only the sites this contractor builds; nil for every site.
    public var contractor: String? = nil

    /// A query; by default every site, the first page of 50.
    public init(region: String? = nil, operator: Operator? = nil, stage: Stage? = nil, page: Int = 1, perPage: Int = 50, after: SiteKey? = nil,
                networkOnly: Bool = false) {
        self.region = region; self.operator = `operator`; self.stage = stage; self.page = page; self.perPage = perPage; self.after = after
        self.networkOnly = networkOnly
    }
}

/// A site as a list shows it, at a moment.
public struct SiteRow: Codable, Sendable, Equatable {
    /// The operator's code (`cmcc`, `ctcc`, …).
    public var `operator`: String
    /// The operator's own code for the site: unique within the operator.
    public var siteCode: String
    /// The code of the region it stands in.
    public var regionCode: String
    /// The site's name as its operator registered it.
    public var name: String
    /// Latitude, in degrees.
    public var lat: Double
    /// Longitude, in degrees.
    public var lon: Double
    /// The kind of site: `macro`, `micro`, `indoor` or `pole`.
    public var kind: String
    /// The frequency band, when the operator gave one.
    @Nullable public var band: String?
    /// What carries it: `new_tower`, `existing_tower`, `rooftop` and so on.
    public var host: String
    /// The id of the offered resource that hosts it; nil when it uses none.
    @Nullable public var resourceId: String?
    /// The stage it had reached at the moment (`planned` … `accepted`).
    public var stage: String
    /// When it was put on the plan (ISO-8601, Shanghai time).
    public var registeredAt: String
    /// The day it is planned to go on air (`YYYY-MM-DD`), nil when none was given.
    @Nullable public var plannedOnAir: String?
    /// Not built although its planned on-air date has passed.
    public var late: Bool
    /// The contractor building it, when named.
    @Nullable public var contractor: String? = nil

    /// A row with every field given.
    public init(`operator`: String, siteCode: String, regionCode: String, name: String, lat: Double, lon: Double, kind: String, band: String? = nil, host: String, resourceId: String? = nil, stage: String, registeredAt: String, plannedOnAir: String? = nil, late: Bool) {
        self.`operator` = `operator`; self.siteCode = siteCode; self.regionCode = regionCode; self.name = name; self.lat = lat; self.lon = lon; self.kind = kind; self.band = band; self.host = host; self.resourceId = resourceId; self.stage = stage; self.registeredAt = registeredAt; self.plannedOnAir = plannedOnAir; self.late = late
    }
}

/// A site as a map draws it: where it stands and what colour it gets.
public struct MapPoint: Sendable, Equatable {
    /// Latitude, in degrees.
    public var lat: Double
    /// Longitude, in degrees.
    public var lon: Double
    /// The stage it had reached at the moment, which picks its colour.
    public var stage: String
    /// Not built although its planned on-air date has passed (drawn red).
    public var late: Bool

    /// A point with its position, stage and lateness.
    public init(lat: Double, lon: Double, stage: String, late: Bool) { self.lat = lat; self.lon = lon; self.stage = stage; self.late = late }
}

/// One page of sites.
public struct SitePage: Codable, Sendable, Equatable {
    /// How many sites match the query in all; -1 when reading on after a site (not counted again).
    public var total: Int
    /// The page's number, from 1.
    public var page: Int
    /// How many sites a page holds.
    public var perPage: Int
    /// The page's sites, in operator and code order.
    public var sites: [SiteRow]

    /// A page with its sites and the count of all that match.
    public init(total: Int, page: Int, perPage: Int, sites: [SiteRow]) {
        self.total = total; self.page = page; self.perPage = perPage; self.sites = sites
    }
}

/// A site with its timeline and its log, at a moment.
public struct SiteDetail: Codable, Sendable, Equatable {
    /// A stage the site stood at from a moment on (ISO-8601, Shanghai time).
    public struct Step: Codable, Sendable, Equatable { public var stage: String; public var at: String; public init(stage: String, at: String) { self.stage = stage; self.at = at } }
    /// One event of the site's log, with both its times.
    public struct LogEntry: Codable, Sendable, Equatable {
        /// The event's position in the log.
        public var seq: Int64
        /// The event's kind, e.g. `stage.reported`.
        public var kind: String
        /// The stage reported or rolled back to; nil for other kinds.
        @Nullable public var stage: String?
        /// When it happened in the field (ISO-8601, Shanghai time).
        public var occurredAt: String
        /// When the platform learned it (ISO-8601, Shanghai time).
        public var recordedAt: String
        /// The account (or system) that reported it.
        public var actor: String
        /// A stage report's note or a rollback's reason; nil when there is none.
        @Nullable public var note: String?

        /// An entry with every field given.
        public init(seq: Int64, kind: String, stage: String? = nil, occurredAt: String, recordedAt: String, actor: String, note: String? = nil) {
            self.seq = seq; self.kind = kind; self.stage = stage; self.occurredAt = occurredAt; self.recordedAt = recordedAt; self.actor = actor; self.note = note
        }
    }
    /// The site as a list shows it.
    public var site: SiteRow
    /// The stages it stood at from its registration up to the moment, a rollback included.
    public var timeline: [Step]
    /// Its events up to the moment, in log order.
    public var events: [LogEntry]
    /// Its obstacles as of the moment, with their state, unit and clock.
    public var obstacles: [ObstacleRow]

    /// A detail with the site, its timeline, its log and its obstacles.
    public init(site: SiteRow, timeline: [Step], events: [LogEntry], obstacles: [ObstacleRow]) {
        self.site = site; self.timeline = timeline; self.events = events; self.obstacles = obstacles
    }
}
