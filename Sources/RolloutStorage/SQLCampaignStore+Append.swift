import Foundation
import RolloutCore
import SQLKit

extension SQLCampaignStore {
    public func append(_ events: [NewEvent]) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(applied: 0, unchanged: 0) }
        return try await withWriteSession { session in try await session.append(events) }
    }

    public func withWriteSession<T: Sendable>(_ body: @escaping @Sendable (any WriteSession) async throws -> T) async throws -> T {
        let dialect = self.dialect
        return try await write { db in
            if dialect == .postgres {
                // One writer at a time: sequence numbers and the re-sent check stay exact across instances.
                try await db.raw("LOCK TABLE events IN EXCLUSIVE MODE").run()
            }
            let session = SQLWriteSession(db: db)
            let result = try await body(session)
            try await session.finish()
            return result
        }
    }

    public func bulkLoad(_ next: @escaping @Sendable (Int) -> [NewEvent]?) async throws -> Int {
        try await write { db in
            var seq = try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM events").first()!.int("s")
            guard seq == 0 else { throw RolloutError("campaign_exists", kind: .conflict, ["value": "events"]) }
            var counters = CounterWriter()
            var batchIndex = 0
            var total = 0
            while let batch = next(batchIndex) {
                batchIndex += 1
                let logged = batch.map { e -> LoggedEvent in seq += 1; return LoggedEvent(seq: seq, event: e) }
                counters.add(try await Projector.project(logged, db: db, existing: false))
                try await SQLCampaignStore.insertEvents(logged, db: db)
                total += logged.count
            }
            try await counters.flushFresh(db: db)
            return total
        }
    }

    public func rebuildProjections() async throws -> Int {
        try await write { db in
            for table in ["sites", "obstacles", "targets", "resources", "counter_days", "counter_totals", "counter_span"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table)").run()
            }
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
        let rows: [[any Encodable & Sendable]] = try logged.map { e in
            var region: String? = nil
            var op: String? = nil
            switch e.event.body {
            case .siteRegistered(let r): region = r.regionCode; op = r.site.operator.rawValue; regionOf[r.site] = r.regionCode
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): region = regionOf[s]; op = s.operator.rawValue
            case .obstacleOpened(let o): region = o.regionCode; op = o.operator?.rawValue
            case .obstacleResolved: break
            case .targetSet(let t): region = t.regionCode; op = t.operator?.rawValue
            case .resourceOffered(let r): region = r.regionCode
            }
            return try EventRow.values(e, regionCode: region, operator: op, encoder: encoder)
        }
        try await db.insertRows("events", columns: EventRow.columns, rows: rows)
    }
}
