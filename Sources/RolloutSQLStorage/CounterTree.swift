import RolloutCore

/// The days of the counters' running totals as a Fenwick tree (`counter_tree`): node i holds the
/// changes of the days i − lowbit(i) + 1 … i (days numbered from 1900-01-01 as 1). A change on a day
/// adds to at most 17 nodes, and the total up to a day is the sum of at most 17 nodes, whatever the
/// length of the campaign: a report that arrives late, or a day that passes, no longer rewrites a
/// row per later day and counter, as the dense day totals did (issue 25).
enum CounterTree {
    /// The day numbered 1: 1900-01-01.
    static let firstDay: DayNumber = -25_567
    /// The number of days the tree spans (to 2258): its root is the node of this number.
    static let size = 1 << 17
    /// The node that holds every change: the totals as known now, after every day.
    static let root = size

    /// A day's place in the tree, within it (days outside it count on its first or last day).
    static func index(_ day: DayNumber) -> Int { min(size, max(1, day - firstDay + 1)) }

    /// The nodes a change on `day` adds to.
    static func nodes(changing day: DayNumber) -> [Int] {
        var out: [Int] = []
        var i = index(day)
        while i <= size { out.append(i); i += i & -i }
        return out
    }

    /// The nodes whose sum is the total of every day up to `day`, that day included (none before the tree).
    static func nodes(summing day: DayNumber) -> [Int] {
        guard day >= firstDay else { return [] }
        var out: [Int] = []
        var i = index(day)
        while i > 0 { out.append(i); i -= i & -i }
        return out
    }

    /// The nodes that hold the changes of `first`…`last` and of every day before: with
    /// `nodes(summing: first - 1)`, those of the days in between (what a day-by-day series reads).
    static func nodes(from first: DayNumber, through last: DayNumber) -> ClosedRange<Int> { index(first)...index(max(first, last)) }

    /// The migration's fill from `counter_days`: each field day's sum (as known now) added to the
    /// nodes above its day, for both engines.
    static let fill = """
        INSERT INTO counter_tree (node, region_code, operator, metric, value)
        WITH RECURSIVE up (node, region_code, operator, metric, value) AS (
          SELECT occurred_day - (\(firstDay)) + 1, region_code, operator, metric, CAST(SUM(delta) AS BIGINT) FROM counter_days
          GROUP BY region_code, operator, metric, occurred_day
          UNION ALL
          SELECT node + (node & -node), region_code, operator, metric, value FROM up WHERE node + (node & -node) <= \(size))
        SELECT node, region_code, operator, metric, CAST(SUM(value) AS BIGINT) FROM up
        GROUP BY node, region_code, operator, metric HAVING SUM(value) <> 0
        """
}
