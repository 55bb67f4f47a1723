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
    static func values(at moment: ReadMoment, db: any SQLDatabase, region: String? = nil,
                       lateRowsForTree: Int = CounterReader.lateRowsForTree) async throws -> CounterValues {
        let only: SQLQueryString = region.map { " AND region_code = \(bind: $0)" } ?? ""
        if let everything = try await wholeLog(at: moment, db: db, only: only) { return everything }
        let day = moment.asOf.firstPartialDay
        var values = CounterValues()
        if let knownAt = moment.knownAt {
            values = try await wholeDays([day], knownDay: knownAt.firstPartialDay, db: db, only: only, lateRowsForTree: lateRowsForTree)[0]
        } else {
            values = try await treeValues(before: day, db: db, only: only)
        }
        try await addPartialDays(moment, day: day, to: &values, db: db, region: region)
        return values
    }

    /// Counter values at several moments known as of the same past instant, in one pass over the
    /// day projection instead of one a moment (the figures read four: now, the start, the pace's
    /// and the durations' windows; a track record reads them for 13 past weeks and their
    /// calibrations). Other sets of moments are read one by one.
    static func values(at moments: [ReadMoment], db: any SQLDatabase, lateRowsForTree: Int = CounterReader.lateRowsForTree) async throws -> [CounterValues] {
        guard moments.count > 1, let knownAt = moments[0].knownAt, moments.allSatisfy({ $0.knownAt == knownAt }) else {
            var out: [CounterValues] = []
            for m in moments { out.append(try await values(at: m, db: db, lateRowsForTree: lateRowsForTree)) }
            return out
        }
        let days = moments.map(\.asOf.firstPartialDay)
        var out = try await wholeDays(days, knownDay: knownAt.firstPartialDay, db: db, only: "", lateRowsForTree: lateRowsForTree)
        for i in moments.indices {
            if let everything = try await wholeLog(at: moments[i], db: db, only: "") { out[i] = everything; continue }
            try await addPartialDays(moments[i], day: days[i], to: &out[i], db: db)
        }
        return out
    }

    /// The most day changes recorded on or after a past day of knowledge for which reads as known
    /// then are taken from the tree (every change) less those changes; beyond it, from the day
    /// changes in one pass. The forecast's calibration reads, as known at the start of today, the
    /// counters of five past days: scanning every day change for each (2.4 million at `--scale 10`)
    /// was most of a summary's time at a new date, while the changes recorded since the start of
    /// today are a handful.
    static let lateRowsForTree = 20_000

    /// Whole days' values, as known before `knownDay`, for each of `days`: the tree's sums less the
    /// day changes recorded on or after `knownDay` (by the index `counter_days_recorded`) while at
    /// most `lateRowsForTree` such changes stand; else the day changes recorded before it, in one pass.
    private static func wholeDays(_ days: [DayNumber], knownDay: DayNumber, db: any SQLDatabase, only: SQLQueryString,
                                  lateRowsForTree limit: Int) async throws -> [CounterValues] {
        let since: SQLQueryString = "recorded_day >= \(bind: Int64(knownDay))\(only)"
        if limit >= 0, let late = try await db.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM counter_days WHERE \(since) LIMIT \(bind: limit + 1)) AS late
            """).first(), try late.int("n") <= limit {
            var out: [CounterValues] = []
            for day in days { out.append(try await treeValues(before: day, db: db, only: only)) }
            let lateSums = try await dayChangeSums(before: days, db: db, matching: " AND \(since)")
            for i in days.indices { for (k, v) in lateSums[i].values { out[i].add(k, -v) } }
            return out
        }
        return try await dayChangeSums(before: days, db: db, matching: " AND recorded_day < \(bind: Int64(knownDay))\(only)")
    }

    /// The tree's sums of the days before `day` (every change, as known now).
    private static func treeValues(before day: DayNumber, db: any SQLDatabase, only: SQLQueryString) async throws -> CounterValues {
        var values = CounterValues()
        let nodes = CounterTree.nodes(summing: day - 1)
        guard !nodes.isEmpty else { return values }
        for r in try await db.raw("""
            SELECT region_code, operator, metric, CAST(SUM(value) AS BIGINT) AS v FROM counter_tree
            WHERE node IN (\(binds: nodes.map { Int64($0) }))\(only) GROUP BY region_code, operator, metric
            """).all() { values.add(try key(r), Int(try r.int("v"))) }
        return values
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

    private static func key(_ r: any SQLRow) throws -> CounterKey {
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
