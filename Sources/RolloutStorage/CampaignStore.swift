import Foundation
import RolloutCore

/// The campaign as stored, with the demo's frozen clock when it has one.
public struct StoredCampaign: Sendable, Equatable {
    public var campaign: Campaign
    /// A demo campaign stands at a fixed moment; a real one follows the wall clock (nil).
    public var clock: Instant?

    public init(campaign: Campaign, clock: Instant?) { self.campaign = campaign; self.clock = clock }

    /// The platform's "now" for this campaign: its frozen clock, or the wall clock's.
    public func now(_ wallClock: WallClock) -> Instant { clock ?? wallClock.now() }
}

/// What an append did.
public struct AppendResult: Sendable, Equatable {
    /// Events appended to the log.
    public var applied: Int
    /// Events already in the log (re-sent), which changed nothing.
    public var unchanged: Int
}

/// Everything the figures of one moment need, read from one snapshot.
public struct FigureSource: Sendable {
    public var regions: [Region]
    public var targets: Targets
    public var inputs: Figures.Inputs
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
}

/// A site with its timeline and its log, at a moment.
public struct SiteDetail: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable { public var stage: String; public var at: String }
    public struct LogEntry: Codable, Sendable, Equatable {
        public var seq: Int64
        public var kind: String
        @Nullable public var stage: String?
        public var occurredAt: String
        public var recordedAt: String
        public var actor: String
        @Nullable public var note: String?
    }
    public var site: SiteRow
    public var timeline: [Step]
    public var events: [LogEntry]
    /// Its obstacles as of the moment, with their state, unit and clock.
    public var obstacles: [ObstacleRow]
}

/// The campaign's storage: the append-only log and the projections kept beside it.
///
/// Every change is an event appended in one transaction with the projection updates it causes;
/// nothing in the log is ever updated or deleted. Reads take a ``ReadMoment``.
public protocol CampaignStore: AccountStore {
    /// Applies the migrations the database lacks; refuses a database from a newer Rollout.
    func migrate(now: Instant) async throws -> Int
    /// Checks the schema is the one this program knows.
    func checkSchema() async throws
    /// The database's size on disk, in bytes.
    func databaseBytes() async throws -> Int64
    /// The campaign, or nil in an empty database.
    func campaign() async throws -> StoredCampaign?
    /// Creates the campaign with its regions and outlines (GeoJSON geometry per region code).
    func createCampaign(_ campaign: Campaign, clock: Instant?, regions: [Region], outlines: [String: String], now: Instant) async throws
    /// The campaign's regions, in their file order.
    func regions() async throws -> [Region]
    /// The stored outline geometry (GeoJSON) of each region that has one.
    func outlines() async throws -> [String: String]
    /// Appends events (re-sent ones change nothing), with their projection updates, in one transaction.
    func append(_ events: [NewEvent]) async throws -> AppendResult
    /// Runs `body` in one write transaction: everything it appends is committed together, or nothing.
    func withWriteSession<T: Sendable>(_ body: @escaping @Sendable (any WriteSession) async throws -> T) async throws -> T
    /// Loads a large batch of new events into a fresh log (demo generation), in one transaction, or
    /// committing every `batchesPerCommit` batches for a side file that is thrown away unless complete.
    /// `next` yields the events in batches; each entity's events must lie in one batch, in recorded order.
    func bulkLoad(_ next: @escaping @Sendable (Int) -> [NewEvent]?, batchesPerCommit: Int?) async throws -> Int
    /// The figures' inputs at a moment, from one snapshot.
    func figureSource(at moment: ReadMoment, campaign: Campaign) async throws -> FigureSource
    /// The targets in force at a moment.
    func targets(at moment: ReadMoment) async throws -> Targets
    /// Counter values at a moment.
    func counters(at moment: ReadMoment) async throws -> CounterValues
    /// Sites at a moment.
    func sites(_ query: SiteQuery, at moment: ReadMoment) async throws -> SitePage
    /// The points a region's map draws (at most `limit`), with how many sites the region has then.
    func mapPoints(region: String, limit: Int, at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint])
    /// One site at a moment, or nil when it did not exist then.
    func site(_ key: SiteKey, at moment: ReadMoment) async throws -> SiteDetail?
    /// Obstacles at a moment, oldest first, with their counts by category and responsible unit.
    func obstacles(_ query: ObstacleQuery, at moment: ReadMoment) async throws -> ObstaclePage
    /// One obstacle as it stood at a moment, or nil when it was not raised (or known) then.
    func obstacle(org: String, ref: String, at moment: ReadMoment) async throws -> ObstacleRow?
    /// An obstacle's stored state (its opening and every mark), or nil when there is none.
    func obstacleState(org: String, ref: String) async throws -> ObstacleState?
    /// The routing table of dispatching at a moment.
    func dispatchTable(at moment: ReadMoment) async throws -> Dispatch.Table
    /// What waits on each unit at a moment, for every unit.
    func unitLoads(at moment: ReadMoment) async throws -> [UnitLoad]
    /// The obstacles whose clock has run out by `now`, neither resolved nor escalated, with when it ran out.
    func overdueObstacles(now: Instant) async throws -> [(state: ObstacleState, ranOutAt: Instant)]
    /// Sites late against their planned on-air date at a moment: counts per region, the `limit` planned earliest.
    func lateSites(region: String?, operator: Operator?, limit: Int, at moment: ReadMoment) async throws -> LateSites
    /// The sites built, day by day from `from` to the moment's day (the last day may be partial).
    func progressByDay(region: String?, operator: Operator?, from: DayNumber, at moment: ReadMoment) async throws -> [DayProgress]
    /// What an operator reported in the `days` days before the moment, by recorded day, kind and actor.
    func reports(operator: Operator, days: Int, at moment: ReadMoment) async throws -> [ReportDay]
    /// The sequence number of the newest event (0 for an empty log): a cheap version of the log.
    func lastSeq() async throws -> Int64
    /// Starts watching the log for changes made by this or another process (a server does).
    func watchChanges()
    /// The same as ``lastSeq()``, without a query once the store watches its changes (a server).
    func currentSeq() async throws -> Int64
    /// The number of events in the log.
    func eventCount() async throws -> Int
    /// The events of the log in order, `limit` at a time after `afterSeq`.
    func events(after afterSeq: Int64, limit: Int) async throws -> [LoggedEvent]
    /// Throws away the projections and derives them again from the log; returns the events read.
    func rebuildProjections() async throws -> Int
    /// The changes committed from now on, by this process or (on PostgreSQL) by any instance.
    func changes() -> AsyncStream<StoreChange>
    /// Keeps a bulletin's bytes and appends its `bulletin.issued` event, in one transaction;
    /// throws `bulletin_exists` when the cut-off has one.
    func issueBulletin(cutoff: Instant, html: String, csv: String, sha256: String, csvSha256: String,
                       actor: String, via: String?, now: Instant) async throws -> BulletinInfo
    /// A bulletin's stored bytes.
    func bulletin(id: Int64) async throws -> StoredBulletin?
    /// The bulletins issued, the latest cut-off first.
    func bulletins() async throws -> [BulletinInfo]
    /// The resources on offer at a moment (co-build and share).
    func resources(at moment: ReadMoment) async throws -> [ResourceOffer]
    /// The events of some kinds, in log order.
    func events(kinds: [String]) async throws -> [LoggedEvent]
    /// Closes the connections.
    func close() async throws
}
