import Foundation
import RolloutCore
import SQLKit

/// The dashboard's lists: obstacles, late sites, the progress day by day, an operator's reports.
extension SQLCampaignStore {
    public func obstacles(_ query: ObstacleQuery, at moment: ReadMoment) async throws -> ObstaclePage {
        if moment.knownAt == nil && (query.status == .open || query.status == .escalated) {
            return try await read { db in try await SQLCampaignStore.openObstacles(query, at: moment, db: db) }
        }
        return try await read { db in
            let t = moment.asOf.before.seconds
            // The field times narrow the rows; the recorded times (known_at) are checked on the states.
            var q = SQLQueryString("SELECT state FROM obstacles WHERE opened_at < \(bind: t)")
            switch query.status {
            case .open: q.appendInterpolation(unsafeRaw: " AND (resolved_at IS NULL OR resolved_at >= \(t))")
            case .escalated: q.appendInterpolation(unsafeRaw: " AND escalated_at < \(t) AND (resolved_at IS NULL OR resolved_at >= \(t))")
            case .resolved: q.appendInterpolation(unsafeRaw: " AND resolved_at < \(t)")
            case .all: break
            }
            if let r = query.region { q.appendInterpolation(unsafeRaw: " AND region_code = "); q.appendInterpolation(bind: r) }
            if let o = query.operator { q.appendInterpolation(unsafeRaw: " AND operator = "); q.appendInterpolation(bind: o.rawValue) }
            if let c = query.category { q.appendInterpolation(unsafeRaw: " AND category = "); q.appendInterpolation(bind: c.rawValue) }
            q.appendInterpolation(unsafeRaw: " ORDER BY opened_at, entity")
            var rows: [ObstacleRow] = []
            for r in try await db.raw(q).all() {
                let s = try StoredJSON.decode(ObstacleState.self, try r.string("state"))
                guard let row = SQLCampaignStore.obstacleRow(s, at: moment), query.status == .all || row.status == query.status.rawValue
                        || (query.status == .open && row.status == "escalated") else { continue }
                if let min = query.minAgeDays, row.ageDays < min { continue }
                rows.append(row)
            }
            let offset = (query.page - 1) * query.perPage
            return ObstaclePage(total: rows.count, page: query.page, perPage: query.perPage,
                                obstacles: Array(rows.dropFirst(offset).prefix(query.perPage)),
                                byCategory: SQLCampaignStore.groups(rows, by: \.category),
                                byResponsible: SQLCampaignStore.groups(rows) { $0.responsible ?? "" })
        }
    }

    public func obstacle(org: String, ref: String, at moment: ReadMoment) async throws -> ObstacleRow? {
        try await read { db in
            let entity = ObstacleOpening.entity(org: org, ref: ref)
            guard let r = try await db.raw("SELECT state FROM obstacles WHERE entity = \(bind: entity)").first() else { return nil }
            return SQLCampaignStore.obstacleRow(try StoredJSON.decode(ObstacleState.self, try r.string("state")), at: moment)
        }
    }

    /// Open (or escalated) obstacles as now known: counted and grouped by the database, only the
    /// page's rows read in full, so the city's overview does not read every open obstacle.
    static func openObstacles(_ query: ObstacleQuery, at moment: ReadMoment, db: any SQLDatabase) async throws -> ObstaclePage {
        let t = moment.asOf.before.seconds
        var filter = SQLQueryString("opened_at < \(bind: t) AND (resolved_at IS NULL OR resolved_at >= \(bind: t))")
        if query.status == .escalated { filter.appendInterpolation(unsafeRaw: " AND escalated_at < "); filter.appendInterpolation(bind: t) }
        if let r = query.region { filter.appendInterpolation(unsafeRaw: " AND region_code = "); filter.appendInterpolation(bind: r) }
        if let o = query.operator { filter.appendInterpolation(unsafeRaw: " AND operator = "); filter.appendInterpolation(bind: o.rawValue) }
        if let c = query.category { filter.appendInterpolation(unsafeRaw: " AND category = "); filter.appendInterpolation(bind: c.rawValue) }
        if let min = query.minAgeDays { filter.appendInterpolation(unsafeRaw: " AND opened_at <= "); filter.appendInterpolation(bind: t - Int64(min) * 86_400) }
        // Older than a week: a whole-day age above 7, that is open for at least 8 days.
        let weekAgo = t - 8 * 86_400
        func groups(_ column: String) async throws -> [ObstacleGroup] {
            var q = SQLQueryString("SELECT \(unsafeRaw: column) AS k, COUNT(*) AS n, CAST(SUM(CASE WHEN opened_at <= \(unsafeRaw: "\(weekAgo)") THEN 1 ELSE 0 END) AS BIGINT) AS old, MIN(opened_at) AS first FROM obstacles WHERE ")
            q.appendInterpolation(filter)
            q.appendInterpolation(unsafeRaw: " GROUP BY \(column)")
            return try await db.raw(q).all().map { r in
                ObstacleGroup(key: try r.string("k"), count: Int(try r.int("n")), olderThanWeek: Int(try r.int("old")),
                              oldestDays: Int(max(0, t - (try r.int("first"))) / 86_400))
            }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
        }
        let byCategory = try await groups("category")
        let byResponsible = try await groups("COALESCE(responsible, '')")
        var page = SQLQueryString("SELECT state FROM obstacles WHERE ")
        page.appendInterpolation(filter)
        page.appendInterpolation(unsafeRaw: " ORDER BY opened_at, entity LIMIT \(query.perPage) OFFSET \((query.page - 1) * query.perPage)")
        let rows = try await db.raw(page).all().compactMap { r in
            obstacleRow(try StoredJSON.decode(ObstacleState.self, try r.string("state")), at: moment)
        }
        return ObstaclePage(total: byCategory.reduce(0) { $0 + $1.count }, page: query.page, perPage: query.perPage,
                            obstacles: rows, byCategory: byCategory, byResponsible: byResponsible)
    }

    /// An obstacle as it stood at a moment, or nil when it was not yet raised (or known) then.
    static func obstacleRow(_ s: ObstacleState, at moment: ReadMoment) -> ObstacleRow? {
        func seen(_ at: Instant?, _ recorded: Instant?) -> Instant? {
            guard let at, moment.asOf.includes(at) else { return nil }
            if let k = moment.knownAt { guard let recorded, k.includes(recorded) else { return nil } }
            return at
        }
        guard seen(s.openedAt, s.openedRecordedAt) != nil else { return nil }
        let resolved = seen(s.resolvedAt, s.resolvedRecordedAt)
        let escalated = seen(s.escalatedAt, s.escalatedRecordedAt)
        let end = resolved ?? moment.asOf.before
        let o = s.opening
        return ObstacleRow(org: o.org, ref: o.ref, regionCode: o.regionCode, operator: o.operator?.rawValue, siteCode: o.site?.code,
                           category: o.category.rawValue, responsible: o.responsible, description: o.description,
                           status: resolved != nil ? "resolved" : escalated != nil ? "escalated" : "open",
                           openedAt: s.openedAt.description, escalatedAt: escalated?.description,
                           escalationReason: escalated == nil ? nil : s.escalationReason, resolvedAt: resolved?.description,
                           ageDays: Int(max(0, end.seconds - s.openedAt.seconds) / 86_400))
    }

    static func groups(_ rows: [ObstacleRow], by key: (ObstacleRow) -> String) -> [ObstacleGroup] {
        var out: [String: ObstacleGroup] = [:]
        for r in rows {
            var g = out[key(r)] ?? ObstacleGroup(key: key(r), count: 0, olderThanWeek: 0, oldestDays: 0)
            g.count += 1
            if r.ageDays > 7 { g.olderThanWeek += 1 }
            g.oldestDays = max(g.oldestDays, r.ageDays)
            out[key(r)] = g
        }
        return out.values.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }

    public func lateSites(region: String?, operator op: Operator?, limit: Int, at moment: ReadMoment) async throws -> LateSites {
        try await read { db in
            let t = moment.asOf.before.seconds
            var filter = SQLQueryString("planned_at < \(bind: t) AND registered_at < \(bind: t)")
            if let k = moment.knownAt { filter.appendInterpolation(unsafeRaw: " AND registered_recorded_at < "); filter.appendInterpolation(bind: k.before.seconds) }
            if let region { filter.appendInterpolation(unsafeRaw: " AND region_code = "); filter.appendInterpolation(bind: region) }
            if let op { filter.appendInterpolation(unsafeRaw: " AND operator = "); filter.appendInterpolation(bind: op.rawValue) }
            // Never built before the moment: late for certain. Built once but not without a break
            // since (a rollback): the timeline decides, for these few.
            let never = " AND (first_built_at IS NULL OR first_built_at >= \(t))"
            let broken = " AND first_built_at < \(t) AND (built_at IS NULL OR built_at >= \(t))"
            var countQ = SQLQueryString("SELECT region_code, COUNT(*) AS n FROM sites WHERE ")
            countQ.appendInterpolation(filter)
            countQ.appendInterpolation(unsafeRaw: never + " GROUP BY region_code")
            var byRegion: [String: Int] = [:]
            for r in try await db.raw(countQ).all() { byRegion[try r.string("region_code")] = Int(try r.int("n")) }
            func rows(_ condition: String, limit: Int?) async throws -> [SiteRow] {
                var q = SQLQueryString("SELECT state FROM sites WHERE ")
                q.appendInterpolation(filter)
                q.appendInterpolation(unsafeRaw: condition + " ORDER BY planned_at, operator, code" + (limit.map { " LIMIT \(max(0, $0))" } ?? ""))
                return try await db.raw(q).all().map { r in
                    let s = try StoredJSON.decode(SiteState.self, try r.string("state"))
                    return SQLCampaignStore.row(s, steps: s.steps, at: moment)
                }
            }
            let interrupted = try await rows(broken, limit: nil).filter(\.late)
            for s in interrupted { byRegion[s.regionCode, default: 0] += 1 }
            let sites = (try await rows(never, limit: limit) + interrupted)
                .sorted { ($0.plannedOnAir ?? "", $0.operator, $0.siteCode) < ($1.plannedOnAir ?? "", $1.operator, $1.siteCode) }
            return LateSites(total: byRegion.values.reduce(0, +), byRegion: byRegion, sites: Array(sites.prefix(max(0, limit))))
        }
    }

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
                // As known now: the running totals of each day, whatever the size of the log.
                q = SQLQueryString("SELECT day AS d, CAST(SUM(value) AS BIGINT) AS n FROM counter_totals WHERE metric IN \(unsafeRaw: built) AND day >= \(bind: Int64(from - 1)) AND day <= \(bind: Int64(last))")
            }
            if let region { q.appendInterpolation(unsafeRaw: " AND region_code = "); q.appendInterpolation(bind: region) }
            if let op { q.appendInterpolation(unsafeRaw: " AND operator = "); q.appendInterpolation(bind: op.rawValue) }
            q.appendInterpolation(unsafeRaw: moment.knownAt == nil ? " GROUP BY day ORDER BY day" : " GROUP BY occurred_day ORDER BY occurred_day")
            var values: [DayNumber: Int] = [:]
            for r in try await db.raw(q).all() { values[Int(try r.int("d"))] = Int(try r.int("n")) }
            var perDay: [DayNumber: Int] = [:]
            var atStart = 0
            if moment.knownAt == nil {
                // Totals: the value of a day is the count then (a day with no row has the previous day's).
                atStart = values[from - 1] ?? values.filter { $0.key < from }.max { $0.key < $1.key }?.value ?? 0
                var previous = atStart
                for day in from...last {
                    let v = values[day] ?? previous
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

    public func reports(operator op: Operator, days: Int, at moment: ReadMoment) async throws -> [ReportDay] {
        try await read { db in
            let end = (moment.knownAt.map { min($0, moment.asOf) } ?? moment.asOf).before.seconds
            let start = end - Int64(days) * 86_400
            let offset = Int64(ShanghaiCalendar.offset)
            return try await db.raw("""
                SELECT (recorded_at + \(unsafeRaw: "\(offset)")) / 86400 AS d, kind, actor, COUNT(*) AS n FROM events
                WHERE operator = \(bind: op.rawValue) AND recorded_at >= \(bind: start) AND recorded_at < \(bind: end)
                GROUP BY (recorded_at + \(unsafeRaw: "\(offset)")) / 86400, kind, actor ORDER BY d DESC, kind, actor
                """).all().map { r in
                ReportDay(date: ShanghaiCalendar.dateString(Int(try r.int("d"))), kind: try r.string("kind"),
                          actor: try r.string("actor"), events: Int(try r.int("n")))
            }
        }
    }
}
