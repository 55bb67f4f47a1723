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
        let (result, last) = try await write { db in
            if dialect == .postgres {
                // One writer at a time: sequence numbers and the re-sent check stay exact across instances.
                try await db.raw("LOCK TABLE events IN EXCLUSIVE MODE").run()
            }
            let session = SQLWriteSession(db: db)
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
    /// SQLite's write-ahead log small for very large loads.
    public func bulkLoad(_ next: @escaping @Sendable (Int) async -> [NewEvent]?, batchesPerCommit: Int?) async throws -> Int {
        if batchesPerCommit == nil {
            return try await write { db in
                var p = try await SQLCampaignStore.startBulk(db)
                try await SQLCampaignStore.loadBatches(next, into: &p.seq, batch: &p.batch, total: &p.total, counters: &p.counters,
                                                       done: &p.done, limit: .max, db: db)
                try await p.counters.flushFresh(db: db)
                return p.total
            }
        }
        var progress = try await write { db in try await SQLCampaignStore.startBulk(db) }
        while !progress.done {
            let before = progress
            progress = try await write { db in
                var p = before
                try await SQLCampaignStore.loadBatches(next, into: &p.seq, batch: &p.batch, total: &p.total, counters: &p.counters,
                                                       done: &p.done, limit: batchesPerCommit!, db: db)
                return p
            }
        }
        let final = progress
        try await write { db in try await final.counters.flushFresh(db: db) }
        return final.total
    }

    private static func startBulk(_ db: any SQLDatabase) async throws -> (seq: Int64, batch: Int, total: Int, counters: CounterWriter, done: Bool) {
        let seq = try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM events").first()!.int("s")
        guard seq == 0 else { throw RolloutError("campaign_exists", kind: .conflict, ["value": "events"]) }
        return (0, 0, 0, CounterWriter(), false)
    }

    private static func loadBatches(_ next: @Sendable (Int) async -> [NewEvent]?, into seq: inout Int64, batch: inout Int, total: inout Int,
                                    counters: inout CounterWriter, done: inout Bool, limit: Int, db: any SQLDatabase) async throws {
        var count = 0
        while count < limit {
            guard let events = await next(batch) else { done = true; return }
            batch += 1
            count += 1
            var s = seq
            let logged = events.map { e -> LoggedEvent in s += 1; return LoggedEvent(seq: s, event: e) }
            seq = s
            counters.add(try await Projector.project(logged, db: db, existing: false))
            try await SQLCampaignStore.insertEvents(logged, db: db)
            total += logged.count
        }
    }

    /// Derives the projections again from the log in one transaction; returns the events read.
    public func rebuildProjections() async throws -> Int {
        try await write { db in
            for table in ["sites", "obstacles", "targets", "resources", "counter_days", "counter_totals", "counter_span", "report_days"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table)").run()
            }
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
        let encoder = EventRow.encoder()
        var regionOf: [SiteKey: String] = [:]
        var reports = ReportDays()
        let rows: [[any Encodable & Sendable]] = try logged.map { e in
            var region: String? = nil
            var op: String? = nil
            switch e.event.body {
            case .siteRegistered(let r): region = r.regionCode; op = r.site.operator.rawValue; regionOf[r.site] = r.regionCode
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): region = regionOf[s]; op = s.operator.rawValue
            case .obstacleOpened(let o): region = o.regionCode; op = o.operator?.rawValue
            case .obstacleResolved, .obstacleEscalated, .obstacleStep, .dispatchRuleSet: break
            case .targetSet(let t): region = t.regionCode; op = t.operator?.rawValue
            case .resourceOffered(let r): region = r.regionCode
            case .bulletinIssued, .supervisionRuleSet, .reportingRuleSet, .workingCalendarSet, .reconciliationThresholdsSet, .scorecardWeightsSet: break
            case .applicationRecorded(let p): region = p.regionCode; op = p.operator?.rawValue
            case .subscribersReported(let f): region = f.regionCode; op = f.operator.rawValue
            case .subscriberTargetSet(let t): region = t.regionCode; op = t.operator?.rawValue
            case .findingRecorded(let f): region = f.regionCode; op = f.site?.operator.rawValue
            case .findingStep, .evidenceRuleSet, .spotCheckDrawn: break
            case .evidenceAttached(let p): op = p.site.operator.rawValue
            case .verificationDecided(let site, _): op = site.operator.rawValue
            case .contractorSet(let site, _): region = regionOf[site]; op = site.operator.rawValue
            case .reportingEscalated(let org, _, _): if org.kind == .district { region = org.code } else { op = org.code }
            case .supervision(let r, _): region = r
            case .reconciliationResolved(let r): region = r.regionCode
            case .reportReceived(let org, _, _): if org.kind == .district { region = org.code } else { op = org.code }
            case .resourceRequested(let r), .resourceRequestAnswered(let r, _, _): region = regionOf[r.site]; op = r.site.operator.rawValue
            }
            // A receipt of a report is not itself a report of the operator's (its page lists what was reported).
            if let op, e.event.body.kind != ReportDays.receiptKind { reports.add(e.event, operator: op) }
            return try EventRow.values(e, regionCode: region, operator: op, encoder: encoder)
        }
        try await db.insertRows("events", columns: EventRow.columns, rows: rows)
        try await reports.write(db: db)
    }
}
