import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// The dashboard's lists: late sites, the progress day by day, an operator's reports.
extension SQLCampaignStore {
    /// Late sites at a moment: counts per region, and the `limit` planned earliest.
    public func lateSites(region: String?, operator op: Operator?, limit: Int, at moment: ReadMoment) async throws -> LateSites {
        let t = moment.asOf.before.seconds
        var filter = SQLQueryString("planned_at < \(bind: t) AND registered_at < \(bind: t)")
        if let k = moment.knownAt { filter.appendInterpolation(unsafeRaw: " AND registered_recorded_at < "); filter.appendInterpolation(bind: k.before.seconds) }
        if let region { filter.appendInterpolation(unsafeRaw: " AND region_code = "); filter.appendInterpolation(bind: region) }
        // An operator is matched as an expression, so that SQLite reads the dates' index rather
        // than every site of the operator through the key (scale 100: 880 → 410 ms).
        if let op { filter.appendInterpolation(unsafeRaw: " AND operator || '' = "); filter.appendInterpolation(bind: op.rawValue) }
        // China Tower's records are not base stations: late only on its own page.
        if op == nil { filter.appendInterpolation(unsafeRaw: " AND operator || '' <> 'tower'") }
        // Never built before the moment: late for certain. Built once but not without a break
        // since (a rollback): the timeline decides, for these few. The index's own condition
        // first, so that both engines read `sites_broken` alone.
        let never = " AND (first_built_at IS NULL OR first_built_at >= \(t))", planned = filter
        let broken = " AND \(LateSiteIndex.broken) AND first_built_at < \(t) AND (built_at IS NULL OR built_at >= \(t))"
        // The count and the first sites are each a walk of the index of every site planned before
        // the moment: side by side, each on its own connection (`--scale 100`: 0.17 s and 0.12 s).
        async let counted = read { db in
            // Grouped by an expression, not the column: SQLite would otherwise read every site in
            // `sites_region`'s order to group without sorting, instead of the dates' covering index
            // (at `--scale 10`, 300 ms against 35–50 ms).
            var countQ = SQLQueryString("SELECT region_code || '' AS r, COUNT(*) AS n FROM sites WHERE ")
            countQ.appendInterpolation(planned)
            countQ.appendInterpolation(unsafeRaw: never + " GROUP BY region_code || ''")
            var byRegion: [String: Int] = [:]
            for r in try await db.raw(countQ).all() { byRegion[try r.string("r")] = Int(try r.int("n")) }
            return byRegion
        }
        async let first = read { db in try await Self.lateRows(planned, never, limit: limit, at: moment, db: db) }
        let interrupted = try await read { db in try await Self.lateRows(planned, broken, limit: nil, at: moment, db: db) }.filter(\.late)
        var byRegion = try await counted
        for s in interrupted { byRegion[s.regionCode, default: 0] += 1 }
        let sites = (try await first + interrupted)
            .sorted { ($0.plannedOnAir ?? "", $0.operator, $0.siteCode) < ($1.plannedOnAir ?? "", $1.operator, $1.siteCode) }
        return LateSites(total: byRegion.values.reduce(0, +), byRegion: byRegion, sites: Array(sites.prefix(max(0, limit))))
    }

    /// The sites a late sites' query finds, planned earliest first, at the moment.
    ///
    /// The keys first, from the index `sites_late` alone, then the states of those: PostgreSQL
    /// otherwise read the row of every site planned before the moment to test the rest
    /// (`--scale 10`: 0.7–1.5 s a page; 54 ms with the keys' index read alone). Two statements,
    /// since in one PostgreSQL expected a hundred thousand interrupted sites where there are a
    /// handful, and hashed every site's row to join them (0.3–0.6 s).
    static func lateRows(_ filter: SQLQueryString, _ condition: String, limit: Int?, at moment: ReadMoment,
                         db: any SQLDatabase) async throws -> [SiteRow] {
        var q = SQLQueryString("SELECT operator, code FROM sites WHERE ")
        q.appendInterpolation(filter)
        q.appendInterpolation(unsafeRaw: condition + " ORDER BY planned_at, operator, code" + (limit.map { " LIMIT \(max(0, $0))" } ?? ""))
        let keys = try await db.raw(q).all().map { r in (try r.string("operator"), try r.string("code")) }
        var states: [String: SiteState] = [:]
        for chunk in keys.chunked(400) {
            let pairs = chunk.map { k in SQLQueryString("(\(bind: k.0), \(bind: k.1))") }.joined(separator: ", ")
            for r in try await db.raw("SELECT state FROM sites WHERE (operator, code) IN (\(pairs))").all() {
                let s = try StoredJSON.siteState(try r.string("state"))
                states[s.registration.site.operator.rawValue + "|" + s.registration.site.code] = s
            }
        }
        return keys.compactMap { k in states[k.0 + "|" + k.1].map { s in SQLCampaignStore.row(s, steps: s.steps, at: moment) } }
    }

    /// The sites built, day by day from `from` to the moment's day (the last may be partial).
    public func progressByDay(region: String?, operator op: Operator?, from: DayNumber, at moment: ReadMoment) async throws -> [DayProgress] {
        try await read { db in
            let last = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
            guard last >= from else { return [] }
            let built = "('\(Metric.stage(.onAir))', '\(Metric.stage(.accepted))')"
            var q: SQLQueryString
            if let k = moment.knownAt {
                // As known at a moment: the changes recorded by then, day by day.
                q = SQLQueryString("SELECT occurred_day AS d, CAST(SUM(delta) AS BIGINT) AS n FROM counter_days WHERE metric IN \(unsafeRaw: built) AND occurred_day <= \(bind: Int64(last))")
                q.appendInterpolation(unsafeRaw: " AND recorded_day <= ")
                q.appendInterpolation(bind: Int64(ShanghaiCalendar.day(of: k.before.adding(seconds: -1))))
            } else {
                // As known now: the tree's nodes of the days shown and of the total before them.
                let span = CounterTree.nodes(from: from, through: last)
                q = SQLQueryString("SELECT node AS d, CAST(SUM(value) AS BIGINT) AS n FROM counter_tree WHERE metric IN \(unsafeRaw: built) AND (node BETWEEN \(bind: Int64(span.lowerBound)) AND \(bind: Int64(span.upperBound))")
                let before = CounterTree.nodes(summing: from - 1)
                if !before.isEmpty { q.appendInterpolation(unsafeRaw: " OR node IN (\(before.map(String.init).joined(separator: ", ")))") }
                q.appendInterpolation(unsafeRaw: ")")
            }
            if let region { q.appendInterpolation(unsafeRaw: " AND region_code = "); q.appendInterpolation(bind: region) }
            if let op { q.appendInterpolation(unsafeRaw: " AND operator = "); q.appendInterpolation(bind: op.rawValue) } else {
                q.appendInterpolation(unsafeRaw: " AND operator <> 'tower'")
            }
            q.appendInterpolation(unsafeRaw: moment.knownAt == nil ? " GROUP BY node" : " GROUP BY occurred_day ORDER BY occurred_day")
            var values: [DayNumber: Int] = [:]
            for r in try await db.raw(q).all() { values[Int(try r.int("d"))] = Int(try r.int("n")) }
            var perDay: [DayNumber: Int] = [:]
            var atStart = 0
            if moment.knownAt == nil {
                // The tree's nodes: the total up to a day is the sum of its nodes.
                func total(_ day: DayNumber) -> Int { CounterTree.nodes(summing: day).reduce(0) { $0 + (values[$1] ?? 0) } }
                atStart = total(from - 1)
                var previous = atStart
                for day in from...last {
                    let v = total(day)
                    perDay[day] = v - previous
                    previous = v
                }
            } else {
                for (day, n) in values { if day < from { atStart += n } else { perDay[day] = n } }
            }
            var total = atStart
            return (from...last).map { day in
                total += perDay[day] ?? 0
                return DayProgress(date: ShanghaiCalendar.dateString(day), built: total, progress: total - atStart)
            }
        }
    }

    /// An operator's reports over the last `days` Shanghai days up to the moment (its day
    /// included, up to the moment): whole days from `report_days`, the moment's own day, when it
    /// has begun, from the log.
    public func reports(operator op: Operator, days: Int, at moment: ReadMoment) async throws -> [ReportDay] {
        try await read { db in
            let end = (moment.knownAt.map { min($0, moment.asOf) } ?? moment.asOf).before
            let endDay = ShanghaiCalendar.day(of: end)
            let dayStart = ShanghaiCalendar.start(of: endDay)
            let begun = dayStart < end
            var counts: [ReportDays.Key: Int] = [:]
            for r in try await db.raw("""
                SELECT day, kind, actor, events FROM report_days
                WHERE operator = \(bind: op.rawValue) AND day >= \(bind: Int64(endDay - days + (begun ? 1 : 0))) AND day < \(bind: Int64(endDay))
                """).all() {
                counts[.init(op: op.rawValue, day: Int(try r.int("day")), kind: try r.string("kind"), actor: try r.string("actor"))] = Int(try r.int("events"))
            }
            if begun {
                for r in try await db.raw("""
                    SELECT kind, actor, COUNT(*) AS n FROM events
                    WHERE operator = \(bind: op.rawValue) AND recorded_at >= \(bind: dayStart.seconds) AND recorded_at < \(bind: end.seconds)
                    GROUP BY kind, actor
                    """).all() {
                    counts[.init(op: op.rawValue, day: endDay, kind: try r.string("kind"), actor: try r.string("actor"))] = Int(try r.int("n"))
                }
            }
            return counts.map { ReportDay(date: ShanghaiCalendar.dateString($0.key.day), kind: $0.key.kind, actor: $0.key.actor, events: $0.value) }
                .sorted { ($1.date, $0.kind, $0.actor) < ($0.date, $1.kind, $1.actor) }
        }
    }
}
