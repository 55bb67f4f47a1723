import RolloutCore
import SQLKit

/// The day changes that span a past instant of knowledge: occurred before a day, recorded on or
/// after the day of knowledge. A read as known at a past instant is the tree's sums (every
/// change, as known now) less these, so its cost follows how many changes were in flight at
/// that instant, not how long the campaign has run.
///
/// They are found through the index `counter_days_span` on (``lagClass``, occurred day, change):
/// a change whose lag (recorded day − occurred day) lies in [2^(j−1), 2^j) can span day K only if it
/// occurred after K − 2^j, so each class is one range of the index, and at most about half of
/// the rows a class's range holds fail to span. Measured at `--scale 10` (2.4 million day changes):
/// the sums as known at 22 May took 14 ms, against 115 ms for the scan of every change
/// (which SQLite also chose for the tree-less-recorded-since read of migration 16, the index on
/// the recorded day alone being no help with the group's order).
enum CounterSpans {
    /// The highest class: lags of 2^(n−1) days and more.
    static let lastClass = 12

    /// The lag class of a row of `counter_days` (0: recorded the day it occurred, or before),
    /// written once for the index and every query (both engines match an indexed expression only
    /// when it is written the same).
    static let lagClass: String = {
        let lag = "recorded_day - occurred_day"
        let steps = (0..<lastClass).map { j in "WHEN \(lag) < \(1 << j) THEN \(j)" }.joined(separator: " ")
        return "(CASE \(steps) ELSE \(lastClass) END)"
    }()

    /// The index's statement (migration 17).
    static let createIndex = "CREATE INDEX counter_days_span ON counter_days (\(lagClass), occurred_day, delta)"

    /// The first occurred day of class `j` whose changes can still be in flight on `knownDay`.
    static func firstDay(ofClass j: Int, knownDay: DayNumber) -> Int64 {
        switch j {
        case 0: Int64(knownDay)
        case lastClass: Int64.min / 2
        default: Int64(knownDay) - Int64(1 << j) + 1
        }
    }

    /// For each of `days`, the sums of the day changes occurred before it and recorded on or after
    /// `knownDay`, in one statement (a range of the index per class).
    static func sums(before days: [DayNumber], knownDay: DayNumber, db: any SQLDatabase, only: SQLQueryString) async throws -> [CounterValues] {
        var out = Array(repeating: CounterValues(), count: days.count)
        guard let last = days.max() else { return out }
        var branches = SQLQueryString("")
        for j in 0...lastClass {
            if j > 0 { branches.appendInterpolation(unsafeRaw: " UNION ALL ") }
            branches.appendInterpolation(unsafeRaw: "SELECT region_code, operator, metric, occurred_day, delta FROM counter_days WHERE \(lagClass) = \(j)")
            branches.appendInterpolation(unsafeRaw: " AND occurred_day >= \(firstDay(ofClass: j, knownDay: knownDay)) AND occurred_day < \(Int64(last))")
            branches.appendInterpolation(unsafeRaw: " AND recorded_day >= \(Int64(knownDay))")
            branches.appendInterpolation(only)
        }
        let sums = days.indices.map { i in
            "CAST(SUM(CASE WHEN occurred_day < \(Int64(days[i])) THEN delta ELSE 0 END) AS BIGINT) AS v\(i)"
        }.joined(separator: ", ")
        for r in try await db.raw("""
            SELECT region_code, operator, metric, \(unsafeRaw: sums) FROM (\(branches)) AS spans GROUP BY region_code, operator, metric
            """).all() {
            let k = try CounterReader.key(r)
            for i in days.indices { out[i].add(k, Int(try r.int("v\(i)"))) }
        }
        return out
    }
}
