import RolloutAccess
import RolloutCore
import RolloutStorage

/// The reads of a moment the pages already checked (``moment(asOf:knownAt:)``), and the log's
/// extent and changes: the web layer asks the service, never the store.
extension CampaignService {
    /// The campaign's regions, in their file order: read once, they are fixed when the campaign is created.
    public func regionList() async throws -> [Region] {
        if let r = regionCache.withLockedValue({ $0 }) { return r }
        let r = try await store.regions()
        regionCache.withLockedValue { $0 = r }
        return r
    }

    /// The campaign's regions by code.
    public func regionsByCode() async throws -> [String: Region] {
        Dictionary(uniqueKeysWithValues: try await regionList().map { ($0.code, $0) })
    }

    /// An obstacle's stored state (its opening and every mark), or nil when there is none.
    public func obstacleState(org: String, ref: String) async throws -> ObstacleState? {
        try await store.obstacleState(org: org, ref: ref)
    }

    /// Late sites at a checked moment.
    public func lateSites(region: String?, operator op: Operator?, limit: Int, at moment: ReadMoment) async throws -> LateSites {
        try await store.lateSites(region: region, operator: op, limit: limit, at: moment)
    }

    /// The targets in force at a checked moment.
    public func targets(at moment: ReadMoment) async throws -> Targets { try await store.targets(at: moment) }

    /// The counters at a checked moment.
    public func counters(at moment: ReadMoment) async throws -> CounterValues { try await store.counters(at: moment) }

    /// The points a region's map draws (at most `limit`), with how many sites the region has then.
    public func mapPoints(region: String, limit: Int, at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint]) {
        try await store.mapPoints(region: region, limit: limit, at: moment)
    }

    /// The routing table at a checked moment.
    public func dispatchTable(at moment: ReadMoment) async throws -> Dispatch.Table { try await store.dispatchTable(at: moment) }

    /// What an operator reported in the `days` days before a checked moment.
    public func reports(operator op: Operator, days: Int, at moment: ReadMoment) async throws -> [ReportDay] {
        try await store.reports(operator: op, days: days, at: moment)
    }

    /// The resources on offer at a checked moment.
    public func resources(at moment: ReadMoment) async throws -> [ResourceOffer] { try await store.resources(at: moment) }

    /// The supervision events of the whole log, in order (listings are folded from them at any moment).
    public func supervisionEvents() async throws -> [LoggedEvent] { try await store.events(kinds: Self.supervisionKinds) }

    /// The sequence number of the newest event: the log's version.
    public func lastSeq() async throws -> Int64 { try await store.lastSeq() }

    /// The same, without a query once the service watches the log's changes.
    public func currentSeq() async throws -> Int64 { try await store.currentSeq() }

    /// Starts watching the log for changes made by this or another process (a server does).
    public func watchChanges() { store.watchChanges() }

    /// The changes committed from now on, by this process or (on PostgreSQL) by any instance.
    public func changes() -> AsyncStream<StoreChange> { store.changes() }

    /// The database's size on disk, in bytes.
    public func databaseBytes() async throws -> Int64 { try await store.databaseBytes() }

    /// The process has set up its metrics system: the storage's timers are made again on it.
    public func metricsSystemStarted() { store.metricsSystemStarted() }

    /// The accounts, tokens and sessions of this campaign's database, hashing passwords at `cost`.
    public func accountService(cost: UInt8) -> AccountService { AccountService(store: store, cost: cost, clock: clock) }
}
