import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// Reads counter values at a moment.
///
/// Whole days come from the projections: `counter_tree` when the read is as known now,
/// `counter_days` when it is as known at a past moment. A cutoff inside a day adds the part of
/// that day: the entities with an event in the partial window are folded again from the log,
/// and their value at the cutoff replaces their value at the day's start. So a read costs the
/// counters of one day plus the events of at most one day, however long the log.
enum CounterReader {
    /// - Parameter region: only this region's counters (`""`: the campaign-wide ones); nil for all.
    /// - Parameter byScan: a past knowledge is read by the scan of every day change (the tests' second path).
    static func values(at moment: ReadMoment, db: any SQLDatabase, region: String? = nil, byScan: Bool = false) async throws -> CounterValues {
        let only: SQLQueryString = region.map { " AND region_code = \(bind: $0)" } ?? ""
        if let everything = try await wholeLog(at: moment, db: db, only: only) { return everything }
        let day = moment.asOf.firstPartialDay
        var values = CounterValues()
        if let knownAt = moment.knownAt {
            values = try await wholeDays([day], knownDay: knownAt.firstPartialDay, db: db, only: only, byScan: byScan)[0]
        } else {
            values = try await treeValues(before: [day], db: db, only: only)[0]
        }
        try await addPartialDays(moment, day: day, to: &values, db: db, region: region)
        return values
    }

    /// Counter values at several moments known as of the same instant (or all as known now), in
    /// one statement over the projections instead of one a moment (the figures read four: now, the
    /// start, the pace's and the durations' windows; a track record reads them for 13 past weeks
    /// and their calibrations). Other sets of moments are read one by one.
    static func values(at moments: [ReadMoment], db: any SQLDatabase, byScan: Bool = false) async throws -> [CounterValues] {
        guard moments.count > 1, moments.allSatisfy({ $0.knownAt == moments[0].knownAt }) else {
            var out: [CounterValues] = []
            for m in moments { out.append(try await values(at: m, db: db, byScan: byScan)) }
            return out
        }
        let days = moments.map(\.asOf.firstPartialDay)
        var out = if let knownAt = moments[0].knownAt {
            try await wholeDays(days, knownDay: knownAt.firstPartialDay, db: db, only: "", byScan: byScan)
        } else {
            try await treeValues(before: days, db: db, only: "")
        }
        for i in moments.indices {
            if let everything = try await wholeLog(at: moments[i], db: db, only: "") { out[i] = everything; continue }
            try await addPartialDays(moments[i], day: days[i], to: &out[i], db: db)
        }
        return out
    }

    /// Whole days' values, as known before `knownDay`, for each of `days`: the tree's sums less the
    /// day changes in flight then (``CounterSpans``), or (`byScan`) the day changes recorded before
    /// it, in one pass over them all.
    private static func wholeDays(_ days: [DayNumber], knownDay: DayNumber, db: any SQLDatabase, only: SQLQueryString,
                                  byScan: Bool) async throws -> [CounterValues] {
        if byScan { return try await dayChangeSums(before: days, db: db, matching: " AND recorded_day < \(bind: Int64(knownDay))\(only)") }
        var out = try await treeValues(before: days, db: db, only: only)
        let spanning = try await CounterSpans.sums(before: days, knownDay: knownDay, db: db, only: only)
        for i in days.indices { for (k, v) in spanning[i].values { out[i].add(k, -v) } }
        return out
    }

    /// For each of `days`, the tree's sums of the days before it (every change, as known now), in
    /// one statement over the nodes they need (a figure's four days: one read instead of four).
    private static func treeValues(before days: [DayNumber], db: any SQLDatabase, only: SQLQueryString) async throws -> [CounterValues] {
        var out = Array(repeating: CounterValues(), count: days.count)
        let nodes = days.map { CounterTree.nodes(summing: $0 - 1) }
        let all = Set(nodes.joined()).sorted()
        guard !all.isEmpty else { return out }
        let sums = days.indices.map { i in
            let list = nodes[i].isEmpty ? "NULL" : nodes[i].map(String.init).joined(separator: ", ")
            return "CAST(SUM(CASE WHEN node IN (\(list)) THEN value ELSE 0 END) AS BIGINT) AS v\(i)"
        }.joined(separator: ", ")
        for r in try await db.raw("""
            SELECT region_code, operator, metric, \(unsafeRaw: sums) FROM counter_tree
            WHERE node IN (\(binds: all.map { Int64($0) }))\(only) GROUP BY region_code, operator, metric
            """).all() {
            let k = try key(r)
            for i in days.indices { out[i].add(k, Int(try r.int("v\(i)"))) }
        }
        return out
    }

    /// For each of `days`, the sum of the day changes `matching` that occurred before it, in one pass.
    private static func dayChangeSums(before days: [DayNumber], db: any SQLDatabase, matching: SQLQueryString) async throws -> [CounterValues] {
        var out = Array(repeating: CounterValues(), count: days.count)
        guard let last = days.max() else { return out }
        let sums = days.indices.map { i in
            "CAST(SUM(CASE WHEN occurred_day < \(Int64(days[i])) THEN delta ELSE 0 END) AS BIGINT) AS v\(i)"
        }.joined(separator: ", ")
        for r in try await db.raw("""
            SELECT region_code, operator, metric, \(unsafeRaw: sums) FROM counter_days
            WHERE occurred_day < \(bind: Int64(last))\(matching) GROUP BY region_code, operator, metric
            """).all() {
            let k = try key(r)
            for i in days.indices { out[i].add(k, Int(try r.int("v\(i)"))) }
        }
        return out
    }

    /// A read of "now": when every event of the log lies before both cutoffs, the values are the
    /// tree's root (every change), and no part of a day is folded again. Without this,
    /// a read of now folded every entity with an event earlier that day (all of a busy day's
    /// imports: 3.2 s per read after 250,000 rows, `rollout bench load`).
    private static func wholeLog(at moment: ReadMoment, db: any SQLDatabase, only: SQLQueryString) async throws -> CounterValues? {
        // One aggregate a statement: SQLite answers a lone MAX from the index, two together by reading every row.
        guard let o = try await db.raw("SELECT MAX(occurred_at) AS o FROM events").first() else { return nil }
        // An empty log counts nothing: nothing more to read.
        guard let occurred = try o.optionalInt("o") else { return CounterValues() }
        guard occurred < moment.asOf.before.seconds,
              let r = try await db.raw("SELECT MAX(recorded_at) AS r FROM events").first(), let recorded = try r.optionalInt("r"),
              moment.knownAt.map({ recorded < $0.before.seconds }) ?? true
        else { return nil }
        var values = CounterValues()
        for r in try await db.raw("""
            SELECT region_code, operator, metric, value AS v FROM counter_tree WHERE node = \(bind: Int64(CounterTree.root)) AND value <> 0\(only)
            """).all() { values.add(try key(r), Int(try r.int("v"))) }
        return values
    }

    static func key(_ r: any SQLRow) throws -> CounterKey {
        CounterKey(regionCode: try r.string("region_code"), operatorCode: try r.string("operator"), metric: try r.string("metric"))
    }

    private static func addPartialDays(_ moment: ReadMoment, day: DayNumber, to values: inout CounterValues,
                                       db: any SQLDatabase, region: String? = nil) async throws {
        let dayStart = ShanghaiCalendar.start(of: day)
        let knownDayStart = moment.knownAt.map { ShanghaiCalendar.start(of: $0.firstPartialDay) }
        var touched: Set<String> = []
        if dayStart < moment.asOf.before {
            for r in try await db.raw("""
                SELECT DISTINCT entity FROM events WHERE occurred_at >= \(bind: dayStart.seconds) AND occurred_at < \(bind: moment.asOf.before.seconds)
                """).all() { touched.insert(try r.string("entity")) }
        }
        if let knownAt = moment.knownAt, let knownDayStart, knownDayStart < knownAt.before {
            for r in try await db.raw("""
                SELECT DISTINCT entity FROM events WHERE recorded_at >= \(bind: knownDayStart.seconds) AND recorded_at < \(bind: knownAt.before.seconds)
                """).all() { touched.insert(try r.string("entity")) }
        }
        guard !touched.isEmpty else { return }
        // Fold the touched entities from their whole history; targets carry no counters.
        var ledger = Ledger()
        let decoder = JSONDecoder()
        let list = touched.filter { !$0.hasPrefix("target:") }.sorted()
        for chunk in list.chunked() {
            let rows = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE entity IN (\(binds: chunk)) ORDER BY seq").all()
            for r in rows { try ledger.apply(try EventRow.decode(r, decoder: decoder)) }
        }
        let (t, k) = (moment.asOf.before, moment.knownAt?.before)
        for d in ledger.deltas {
            let now = d.occurredAt < t && (k.map { d.recordedAt < $0 } ?? true)
            let atDayStart = d.occurredAt < dayStart && (knownDayStart.map { d.recordedAt < $0 } ?? true)
            let change = (now ? d.delta : 0) - (atDayStart ? d.delta : 0)
            if change != 0 && (region.map { d.key.regionCode == $0 } ?? true) { values.add(d.key, change) }
        }
    }
}
