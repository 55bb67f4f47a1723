import RolloutCore

/// What an append did.
public struct AppendResult: Sendable, Equatable {
    /// Events appended to the log.
    public var applied: Int
    /// Events already in the log (re-sent), which changed nothing.
    public var unchanged: Int

    /// A result with both counts given.
    public init(applied: Int, unchanged: Int) {
        self.applied = applied; self.unchanged = unchanged
    }
}

/// A change committed to the log: the newest sequence number after it.
public struct StoreChange: Codable, Sendable, Equatable {
    /// The sequence number of the newest event once the change was committed.
    public var lastSeq: Int64
    /// A change that brought the log to `lastSeq`.
    public init(lastSeq: Int64) { self.lastSeq = lastSeq }
}

/// The append-only event log: appends (with the projection changes they cause), its extent, its
/// events in order and the changes committed to it.
public protocol EventLog: Sendable {
    /// Appends events (re-sent ones change nothing), with their projection updates, in one transaction.
    func append(_ events: [NewEvent]) async throws -> AppendResult
    /// Runs `body` in one write transaction: everything it appends is committed together, or nothing.
    func withWriteSession<T: Sendable>(_ body: @escaping @Sendable (any WriteSession) async throws -> T) async throws -> T
    /// Loads a large batch of new events into a fresh log (demo generation), in one transaction, or
    /// committing every `batchesPerCommit` batches for a side file that is thrown away unless complete.
    /// `next` yields the events in batches; each entity's events must lie in one batch, in recorded order.
    func bulkLoad(_ next: @escaping @Sendable (Int) async -> [NewEvent]?, batchesPerCommit: Int?) async throws -> Int
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
    /// The events of some kinds, in log order.
    func events(kinds: [String]) async throws -> [LoggedEvent]
    /// The events of some kinds numbered after `afterSeq` up to `throughSeq`, in log order: what a
    /// reader that kept the earlier ones needs to catch up (the log only grows).
    /// Without the stage reports below `on_air` when `reportsBelowBuilt` is false: the engine leaves
    /// them out, so they are never sent or decoded (what verification folds, see
    /// `Verification.changesOpenings`: on the demo at `--scale 10`, 2.5 of 3.4 million reports fewer).
    func events(kinds: [String], after afterSeq: Int64, through throughSeq: Int64, reportsBelowBuilt: Bool) async throws -> [LoggedEvent]
    /// The events of some entities, in log order (none for no entities).
    func events(entities: [String]) async throws -> [LoggedEvent]
    /// The places of the sites registered after `afterSeq` up to `throughSeq`, in log order (a
    /// site registered again appears again).
    func registeredPlaces(after afterSeq: Int64, through throughSeq: Int64) async throws -> [RegisteredPlace]
    /// Throws away the projections and derives them again from the log; returns the events read.
    func rebuildProjections() async throws -> Int
    /// The changes committed from now on, by this process or (on PostgreSQL) by any instance.
    func changes() -> AsyncStream<StoreChange>
}
