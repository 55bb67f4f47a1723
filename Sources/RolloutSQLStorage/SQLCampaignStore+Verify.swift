import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// What `rollout verify` found in a database.
public struct VerifyReport: Sendable {
    /// The engine's own check of its pages (`ok`), or what it found; nil where Rollout does not run one (PostgreSQL).
    public var integrity: String?
    /// The triggers that keep the log, the bulletins and the evidence append-only, and are missing.
    public var missingTriggers: [String]
    /// Events folded from the log.
    public var events: Int
    /// Per moment read (as of the end of a day, known then; and after the last event, as known now), the counters whose projected
    /// value differs from the fold of the log, as `key: projected ≠ folded`.
    public var mismatches: [(moment: String, differences: [String])]

    /// Whether nothing was found.
    public var clean: Bool {
        (integrity == nil || integrity == "ok") && missingTriggers.isEmpty && mismatches.allSatisfy(\.differences.isEmpty)
    }
}

extension SQLCampaignStore {
    /// The triggers every database of this schema has, by engine.
    static func appendOnlyTriggers(_ dialect: Dialect) -> [String] {
        switch dialect {
        case .sqlite: ["blobs_no_delete", "blobs_no_update", "bulletins_no_delete", "bulletins_no_update", "events_no_delete", "events_no_update"]
        case .postgres: ["blobs_no_change", "bulletins_no_change", "events_no_change", "events_no_truncate"]
        }
    }

    /// Checks a database: the engine's integrity check (SQLite), the append-only triggers, and the
    /// projections against the log folded again in memory, read at `moments` days spread over the
    /// log (as of the end of each, as known then) and as of now. Reads only.
    public func verify(moments count: Int) async throws -> VerifyReport {
        let dialect = self.dialect
        let (integrity, triggers): (String?, Set<String>) = try await read { db in
            switch dialect {
            case .sqlite:
                let rows = try await db.raw("PRAGMA integrity_check").all()
                let text = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }.joined(separator: "; ")
                let names = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'trigger'").all().map { try $0.string("name") }
                return (text, Set(names))
            case .postgres:
                let names = try await db.raw("SELECT tgname::text AS name FROM pg_trigger WHERE NOT tgisinternal").all().map { try $0.string("name") }
                return (nil, Set(names))
            }
        }
        // The log folded from scratch, as a rebuild would.
        var ledger = Ledger()
        var after: Int64 = 0, events = 0
        var first: Instant?, last: Instant?
        while true {
            let page = try await self.events(after: after, limit: 10_000)
            guard let end = page.last else { break }
            for e in page {
                try ledger.apply(e)
                first = min(first ?? e.event.occurredAt, e.event.occurredAt)
                last = max(last ?? e.event.occurredAt, e.event.occurredAt)
            }
            events += page.count
            after = end.seq
        }
        var moments: [(String, ReadMoment)] = []
        if let last { moments.append(("now", ReadMoment(asOf: Cutoff(before: last.adding(days: 1))))) }
        if let first, let last, count > 0 {
            let (a, b) = (ShanghaiCalendar.day(of: first), ShanghaiCalendar.day(of: last))
            let days = Set((0..<count).map { a + (b - a) * $0 / max(1, count - 1) }).sorted()
            moments = days.map { d in (ShanghaiCalendar.dateString(d), ReadMoment(asOf: .endOf(day: d), knownAt: .endOf(day: d))) } + moments
        }
        var mismatches: [(moment: String, differences: [String])] = []
        for (label, moment) in moments {
            var folded = CounterValues()
            for d in ledger.deltas where moment.asOf.includes(d.occurredAt) && (moment.knownAt?.includes(d.recordedAt) ?? true) {
                folded.add(d.key, d.delta)
            }
            let projected = try await counters(at: moment)
            var differences: [String] = []
            for key in Set(folded.values.keys).union(projected.values.keys).sorted() {
                let (p, f) = (projected.values[key] ?? 0, folded.values[key] ?? 0)
                if p != f { differences.append("\(key.regionCode)/\(key.operatorCode)/\(key.metric): \(p) ≠ \(f)") }
            }
            mismatches.append((label, differences))
        }
        return VerifyReport(integrity: integrity, missingTriggers: Self.appendOnlyTriggers(dialect).filter { !triggers.contains($0) },
                            events: events, mismatches: mismatches)
    }
}
