import RolloutCore
import RolloutStorage
import SQLKit

/// Where a bulk load into a fresh log stands, from one transaction to the next: the events written,
/// the counters gathered, the indexes to make at the end, and the next batch being made.
struct BulkProgress: Sendable {
    private var seq: Int64 = 0
    private var batch = 0
    /// The events written so far.
    private(set) var total = 0
    /// Whether `next` has no more batches.
    private(set) var done = false
    private var counters = CounterWriter()
    /// The reports' day counts of every batch, written once at the end.
    private var reports = ReportDays()
    private let indexes: DeferredIndexes
    /// The batch after the last one written, made while that one was written.
    private var ahead: Task<BulkBatch?, any Error>?

    /// Starts a load into an empty log (a log that holds events is refused).
    static func start(_ db: any SQLDatabase, dialect: Dialect) async throws -> BulkProgress {
        let seq = try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM events").first()!.int("s")
        guard seq == 0 else { throw RolloutError("campaign_exists", kind: .conflict, ["value": "events"]) }
        return BulkProgress(indexes: try await DeferredIndexes.drop(db, dialect: dialect))
    }

    private init(indexes: DeferredIndexes) { self.indexes = indexes }

    /// Writes up to `batches` batches of `next`.
    mutating func load(_ next: @escaping @Sendable (Int) async -> [NewEvent]?, batches: Int, db: any SQLDatabase) async throws {
        var count = 0
        while count < batches {
            let making = ahead ?? BulkBatch.making(next, index: batch, after: seq)
            ahead = nil
            guard let current = try await making.value else { done = true; return }
            batch += 1
            count += 1
            seq = current.lastSeq
            ahead = BulkBatch.making(next, index: batch, after: seq)
            counters.add(current.deltas)
            reports.merge(current.log.reports)
            try await current.projection.write(db: db, fresh: true)
            try await current.log.writeLog(db: db)
            total += current.count
        }
    }

    /// Writes the counters and the reports' day counts, and makes the deferred indexes (after the
    /// last batch).
    func finish(_ db: any SQLDatabase) async throws {
        try await counters.flushFresh(db: db)
        try await reports.write(db: db)
        try await indexes.restore(db)
    }
}
