import RolloutCore
import RolloutStorage

/// One batch of a bulk load into a fresh log, ready to be written: its events numbered, the ledger
/// run over them and every row made. Nothing here reads the database (a fresh load has no earlier
/// state, and each entity's events lie in one batch), so the next batch is made on another core
/// while this one is written.
struct BulkBatch: Sendable {
    /// How many events the batch holds.
    let count: Int
    /// The sequence number of its last event.
    let lastSeq: Int64
    /// The counter changes of its events.
    let deltas: [CounterDelta]
    let projection: ProjectionRows
    let log: LogRows

    /// Numbers the events after `seq` and makes their rows.
    init(_ events: [NewEvent], after seq: Int64) throws {
        var s = seq
        let logged = events.map { e -> LoggedEvent in s += 1; return LoggedEvent(seq: s, event: e) }
        var ledger = Ledger(sites: [:], obstacles: [:], histories: [:])
        for e in logged { try ledger.apply(e) }
        count = logged.count
        lastSeq = s
        deltas = ledger.deltas
        projection = try ProjectionRows(ledger)
        log = try LogRows(logged)
    }

    /// Batch `index` of `next`, made on another thread (nil when `next` has no more).
    static func making(_ next: @escaping @Sendable (Int) async -> [NewEvent]?, index: Int,
                       after seq: Int64) -> Task<BulkBatch?, any Error> {
        Task.detached(priority: .userInitiated) {
            guard let events = await next(index) else { return nil }
            return try BulkBatch(events, after: seq)
        }
    }
}
