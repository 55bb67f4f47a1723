import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// Appends events and their projection updates in one transaction; re-sent ones change nothing.
    public func append(_ events: [NewEvent]) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(applied: 0, unchanged: 0) }
        return try await withWriteSession { session in try await session.append(events) }
    }

    /// Runs `body` in one write transaction, on PostgreSQL one writer at a time: all or nothing.
    public func withWriteSession<T: Sendable>(_ body: @escaping @Sendable (any WriteSession) async throws -> T) async throws -> T {
        let dialect = self.dialect
        let cellsPerFlush = counterCellsPerFlush.withLockedValue { $0 }
        let (result, last) = try await write { db in
            if dialect == .postgres {
                // One writer at a time: sequence numbers and the re-sent check stay exact across instances.
                try await db.raw("LOCK TABLE events IN EXCLUSIVE MODE").run()
            }
            let session = SQLWriteSession(db: db, cellsPerFlush: cellsPerFlush)
            let result = try await body(session)
            try await session.finish()
            let last = await session.lastAppended
            if let last, dialect == .postgres {
                // Delivered to every listening instance when (and only if) the transaction commits.
                try await db.raw("SELECT pg_notify(\(bind: SQLCampaignStore.changeChannel), \(bind: String(last)))").run()
            }
            return (result, last)
        }
        // Heard here at once; on PostgreSQL the other instances hear it through NOTIFY.
        if let last { feed.publish(StoreChange(lastSeq: last)) }
        return result
    }

    /// A bulk load that commits every `batchesPerCommit` batches (nil: one transaction). Only for a
    /// database file that is thrown away unless the load completes (the demo's side file): it keeps
    /// SQLite's write-ahead log small for very large loads. On SQLite the secondary indexes of the log
    /// and the projections are made after the rows (``DeferredIndexes``).
    public func bulkLoad(_ next: @escaping @Sendable (Int) async -> [NewEvent]?, batchesPerCommit: Int?) async throws -> Int {
        let dialect = self.dialect
        guard let batchesPerCommit else {
            return try await write { db in
                var p = try await BulkProgress.start(db, dialect: dialect)
                try await p.load(next, batches: .max, db: db)
                try await p.finish(db)
                return p.total
            }
        }
        var progress = try await write { db in try await BulkProgress.start(db, dialect: dialect) }
        while !progress.done {
            let before = progress
            progress = try await write { db in
                var p = before
                try await p.load(next, batches: batchesPerCommit, db: db)
                if p.done { try await p.finish(db) }
                return p
            }
        }
        return progress.total
    }

    /// Derives the projections again from the log in one transaction; returns the events read.
    public func rebuildProjections() async throws -> Int {
        let dialect = self.dialect
        return try await write { db in
            for table in ["sites", "obstacles", "targets", "resources", "counter_days", "counter_tree", "report_days"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table)").run()
            }
            // What was derived from the projections' old rules goes with them (a test may stop before the table).
            if try await Schema.version(db, dialect) >= Schema.snapshotsVersion { try await db.raw("DELETE FROM snapshots").run() }
            try await db.raw(SQLQueryString(ReportDays.fill)).run()
            var counters = CounterWriter()
            var after: Int64 = 0
            var total = 0
            let decoder = JSONDecoder()
            while true {
                let batch = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE seq > \(bind: after) ORDER BY seq LIMIT 20000")
                    .all().map { try EventRow.decode($0, decoder: decoder) }
                guard let last = batch.last else { break }
                counters.add(try await Projector.project(batch, db: db, existing: true))
                after = last.seq
                total += batch.count
            }
            try await counters.flushFresh(db: db)
            return total
        }
    }

    static func insertEvents(_ logged: [LoggedEvent], db: any SQLDatabase) async throws {
        try await LogRows(logged).write(db: db)
    }
}
