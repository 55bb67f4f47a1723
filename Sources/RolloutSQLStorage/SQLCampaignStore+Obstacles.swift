import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// Obstacles at a moment: the lists, one obstacle, the units' loads and the routing table.
///
/// An obstacle's row holds its state (the opening and every mark) and, for the indexes, what the
/// marks say now. A moment's view folds the marks known by then (``ObstacleWorkflow``); the columns
/// only narrow the rows. The few obstacles ever reopened have no single resolution time: they are
/// always read in full and folded.
extension SQLCampaignStore {
    /// Obstacles at a moment, oldest first, with their counts by category and responsible unit.
    public func obstacles(_ query: ObstacleQuery, at moment: ReadMoment) async throws -> ObstaclePage {
        try await read { db in
            let table = try await SQLCampaignStore.dispatchTable(at: moment, db: db)
            if moment.knownAt == nil && (query.status == .open || query.status == .escalated) && query.unit == nil && !query.overdue {
                return try await SQLCampaignStore.openObstacles(query, at: moment, table: table, db: db)
            }
            let rows = try await SQLCampaignStore.folded(query, at: moment, table: table, onlyReopened: false, db: db)
            let offset = (query.page - 1) * query.perPage
            return ObstaclePage(total: rows.count, page: query.page, perPage: query.perPage,
                                obstacles: Array(rows.dropFirst(offset).prefix(query.perPage)),
                                byCategory: SQLCampaignStore.groups(rows, by: \.category),
                                byResponsible: SQLCampaignStore.groups(rows) { $0.responsible ?? "" })
        }
    }

    /// One obstacle as it stood at a moment, or nil when it was not raised (or known) then.
    public func obstacle(org: String, ref: String, at moment: ReadMoment) async throws -> ObstacleRow? {
        try await read { db in
            guard let s = try await SQLCampaignStore.obstacleState(ObstacleOpening.entity(org: org, ref: ref), db: db) else { return nil }
            return ObstacleRow(s, at: moment, table: try await SQLCampaignStore.dispatchTable(at: moment, db: db))
        }
    }

    /// An obstacle's stored state (its opening and every mark), or nil when there is none.
    public func obstacleState(org: String, ref: String) async throws -> ObstacleState? {
        try await read { db in try await SQLCampaignStore.obstacleState(ObstacleOpening.entity(org: org, ref: ref), db: db) }
    }

    /// The routing table at a moment: the standard one with the office's changes up to then.
    public func dispatchTable(at moment: ReadMoment) async throws -> Dispatch.Table {
        try await read { db in try await SQLCampaignStore.dispatchTable(at: moment, db: db) }
    }

    /// What waits on each unit at a moment, for every unit (an idle one with zeros).
    public func unitLoads(at moment: ReadMoment) async throws -> [UnitLoad] {
        try await read { db in
            let table = try await SQLCampaignStore.dispatchTable(at: moment, db: db)
            let t = moment.asOf.before.seconds
            let q = SQLQueryString("SELECT state FROM obstacles WHERE units <> '' AND opened_at < \(bind: t) AND \(unsafeRaw: SQLCampaignStore.unresolved(at: moment))")
            var loads: [String: UnitLoad] = [:]
            for r in try await db.raw(q).all() {
                guard let row = ObstacleRow(try StoredJSON.obstacleState(try r.string("state")), at: moment, table: table),
                      row.status != "resolved", let unit = row.unit else { continue }
                var l = loads[unit] ?? UnitLoad(unit: unit, waiting: 0, overdue: 0, onHold: 0, oldestDays: 0)
                l.waiting += 1
                if row.overdue { l.overdue += 1 }
                if row.waitingSince != nil { l.onHold += 1 }
                l.oldestDays = max(l.oldestDays, row.ageDays)
                loads[unit] = l
            }
            return Dispatch.units.map { loads[$0] ?? UnitLoad(unit: $0, waiting: 0, overdue: 0, onHold: 0, oldestDays: 0) }
        }
    }

    /// The obstacles whose clock ran out by `now`, neither resolved nor escalated, with when.
    public func overdueObstacles(now: Instant) async throws -> [(state: ObstacleState, ranOutAt: Instant)] {
        try await read { db in
            let moment = ReadMoment(asOf: .including(now))
            let table = try await SQLCampaignStore.dispatchTable(at: moment, db: db)
            // No clock is shorter than the table's shortest: younger obstacles cannot have run out.
            let shortest = table.ordered.map(\.slaDays).min() ?? 1
            let q = SQLQueryString("""
                SELECT state FROM obstacles WHERE escalated_at IS NULL AND (resolved_at IS NULL OR reopened = 1)
                  AND (opened_at <= \(bind: now.seconds - Int64(shortest) * 86_400) OR reopened = 1)
                """)
            let states = try await db.raw(q).all().map { try StoredJSON.obstacleState(try $0.string("state")) }
            return ObstacleWorkflow.overdue(states, table: table, now: now)
        }
    }

    static func obstacleState(_ entity: String, db: any SQLDatabase) async throws -> ObstacleState? {
        guard let r = try await db.raw("SELECT state FROM obstacles WHERE entity = \(bind: entity)").first() else { return nil }
        return try StoredJSON.obstacleState(try r.string("state"))
    }

    /// The routing table at a moment: the standard one with the office's changes up to then.
    static func dispatchTable(at moment: ReadMoment, db: any SQLDatabase) async throws -> Dispatch.Table {
        let rows = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE kind = 'dispatch.rule_set' ORDER BY seq").all()
        guard !rows.isEmpty else { return .standard }
        let decoder = JSONDecoder()
        return Dispatch.Table.at(try rows.map { try EventRow.decode($0, decoder: decoder) }, moment: moment)
    }

    /// The obstacles matching a query at a moment, each folded from its state, oldest first.
    static func folded(_ query: ObstacleQuery, at moment: ReadMoment, table: Dispatch.Table, onlyReopened: Bool,
                       db: any SQLDatabase) async throws -> [ObstacleRow] {
        let t = moment.asOf.before.seconds
        // The field times narrow the rows; the recorded times (known_at) are checked on the states.
        var q = SQLQueryString("SELECT state FROM obstacles WHERE opened_at < \(bind: t)")
        switch query.status {
        case .open: q.appendInterpolation(unsafeRaw: " AND " + unresolved(at: moment))
        case .escalated: q.appendInterpolation(unsafeRaw: " AND escalated_at < \(t) AND " + unresolved(at: moment))
        case .resolved: q.appendInterpolation(unsafeRaw: " AND (resolved_at < \(t) OR reopened = 1)")
        case .all: break
        }
        if onlyReopened { q.appendInterpolation(unsafeRaw: " AND reopened = 1") }
        if let r = query.region { q.appendInterpolation(unsafeRaw: " AND region_code = "); q.appendInterpolation(bind: r) }
        if let o = query.operator { q.appendInterpolation(unsafeRaw: " AND operator = "); q.appendInterpolation(bind: o.rawValue) }
        if let c = query.category { q.appendInterpolation(unsafeRaw: " AND category = "); q.appendInterpolation(bind: c.rawValue) }
        if let u = query.unit { q.appendInterpolation(unsafeRaw: " AND units LIKE "); q.appendInterpolation(bind: "%|\(u)|%") }
        q.appendInterpolation(unsafeRaw: " ORDER BY opened_at, entity")
        var rows: [ObstacleRow] = []
        for r in try await db.raw(q).all() {
            let s = try StoredJSON.obstacleState(try r.string("state"))
            guard let row = ObstacleRow(s, at: moment, table: table), matches(row, query) else { continue }
            rows.append(row)
        }
        return rows
    }

    /// The rows that may be unresolved at a moment (the states decide).
    ///
    /// `resolved_at` is the resolution in effect once every mark is folded; when all marks are
    /// known, an obstacle is resolved at every moment after it, even one reopened earlier (a later
    /// reopening would have left it unresolved). As known at an earlier moment, a resolution
    /// recorded after that moment did not count yet.
    static func unresolved(at moment: ReadMoment) -> String {
        let t = moment.asOf.before.seconds
        guard let k = moment.knownAt else { return "(resolved_at IS NULL OR resolved_at >= \(t))" }
        return "(resolved_at IS NULL OR resolved_at >= \(t) OR reopened = 1 OR resolved_recorded_at IS NULL OR resolved_recorded_at >= \(k.before.seconds))"
    }

    /// Whether a row at its moment is one the query asks for (beyond what the SQL narrowed).
    static func matches(_ row: ObstacleRow, _ query: ObstacleQuery) -> Bool {
        switch query.status {
        case .all: break
        case .open: guard row.status != "resolved" else { return false }
        case .escalated, .resolved: guard row.status == query.status.rawValue else { return false }
        }
        if let min = query.minAgeDays, row.ageDays < min { return false }
        if let u = query.unit, row.unit != u || row.status == "resolved" { return false }
        if query.overdue && !row.overdue { return false }
        return true
    }

    /// Open (or escalated) obstacles as now known: counted and grouped by the database, only the
    /// page's rows read in full, so the city's overview does not read every open obstacle. The
    /// reopened ones are folded beside and merged in.
    static func openObstacles(_ query: ObstacleQuery, at moment: ReadMoment, table: Dispatch.Table,
                              db: any SQLDatabase) async throws -> ObstaclePage {
        let t = moment.asOf.before.seconds
        var filter = SQLQueryString("reopened = 0 AND opened_at < \(bind: t) AND \(unsafeRaw: unresolved(at: moment))")
        if query.status == .escalated { filter.appendInterpolation(unsafeRaw: " AND escalated_at < "); filter.appendInterpolation(bind: t) }
        if let r = query.region { filter.appendInterpolation(unsafeRaw: " AND region_code = "); filter.appendInterpolation(bind: r) }
        // As an expression: SQLite then reads the covering index of the open ones, not every
        // obstacle of the operator through `obstacles_site` (scale 100: 350 → 145 ms).
        if let o = query.operator { filter.appendInterpolation(unsafeRaw: " AND operator || '' = "); filter.appendInterpolation(bind: o.rawValue) }
        if let c = query.category { filter.appendInterpolation(unsafeRaw: " AND category = "); filter.appendInterpolation(bind: c.rawValue) }
        if let min = query.minAgeDays { filter.appendInterpolation(unsafeRaw: " AND opened_at <= "); filter.appendInterpolation(bind: t - Int64(min) * 86_400) }
        // Older than a week: a whole-day age above 7, that is open for at least 8 days.
        let weekAgo = t - 8 * 86_400
        let reopened = try await folded(query, at: moment, table: table, onlyReopened: true, db: db)
        func groups(_ column: String, key: (ObstacleRow) -> String) async throws -> [ObstacleGroup] {
            var q = SQLQueryString("SELECT \(unsafeRaw: column) AS k, COUNT(*) AS n, CAST(SUM(CASE WHEN opened_at <= \(unsafeRaw: "\(weekAgo)") THEN 1 ELSE 0 END) AS BIGINT) AS old, MIN(opened_at) AS first FROM obstacles WHERE ")
            q.appendInterpolation(filter)
            q.appendInterpolation(unsafeRaw: " GROUP BY \(column)")
            var out: [String: ObstacleGroup] = [:]
            for r in try await db.raw(q).all() {
                let g = ObstacleGroup(key: try r.string("k"), count: Int(try r.int("n")), olderThanWeek: Int(try r.int("old")),
                                      oldestDays: Int(max(0, t - (try r.int("first"))) / 86_400))
                out[g.key] = g
            }
            for g in SQLCampaignStore.groups(reopened, by: key) {
                var m = out[g.key] ?? ObstacleGroup(key: g.key, count: 0, olderThanWeek: 0, oldestDays: 0)
                m.count += g.count; m.olderThanWeek += g.olderThanWeek; m.oldestDays = max(m.oldestDays, g.oldestDays)
                out[g.key] = m
            }
            return ObstacleGroup.sorted(Array(out.values))
        }
        let byCategory = try await groups("category", key: \.category)
        let byResponsible = try await groups("COALESCE(responsible, '')") { $0.responsible ?? "" }
        let offset = (query.page - 1) * query.perPage
        var page = SQLQueryString("SELECT state FROM obstacles WHERE ")
        page.appendInterpolation(filter)
        // With reopened ones to merge, the rows before the page are read too, to place them.
        let skip = reopened.isEmpty ? offset : 0
        page.appendInterpolation(unsafeRaw: " ORDER BY opened_at, entity LIMIT \(query.perPage + offset - skip) OFFSET \(skip)")
        var rows: [(Int64, String, ObstacleRow)] = try await db.raw(page).all().compactMap { r in
            let s = try StoredJSON.obstacleState(try r.string("state"))
            return ObstacleRow(s, at: moment, table: table).map { (s.openedAt.seconds, s.opening.entity, $0) }
        }
        if !reopened.isEmpty {
            rows += reopened.compactMap { r in
                ShanghaiCalendar.parseInstant(r.openedAt).map { ($0.seconds, ObstacleOpening.entity(org: r.org, ref: r.ref), r) }
            }
            rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            rows = Array(rows.dropFirst(offset).prefix(query.perPage))
        }
        return ObstaclePage(total: byCategory.reduce(0) { $0 + $1.count }, page: query.page, perPage: query.perPage,
                            obstacles: rows.map(\.2), byCategory: byCategory, byResponsible: byResponsible)
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
        return ObstacleGroup.sorted(Array(out.values))
    }
}
