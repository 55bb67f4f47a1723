import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// China Tower's sites and the operators' sites on a tower or naming one, with their timelines.
    /// The fields it needs are read from the stored state in SQL and the steps by ``StepsText``, so
    /// no state is decoded whole (and the sites on lamps, rooftops and indoor systems not at all).
    public func reconciliationTimelines(knownAt: Cutoff?) async throws -> [Reconciliation.Timeline] {
        let dialect = self.dialect
        return try await read { db in
            var q = Self.timelineQuery(dialect)
            if let k = knownAt { q.appendInterpolation(unsafeRaw: " AND registered_recorded_at < "); q.appendInterpolation(bind: k.before.seconds) }
            q.appendInterpolation(unsafeRaw: " ORDER BY operator, code")
            var (out, registeredAt) = try await Self.timelines(q, db: db)
            guard let k = knownAt else { return out }
            // As known at a moment: each timeline folded from the changes recorded by then.
            let known = try await SQLCampaignStore.timelines(keys: out.map(\.key), registeredAt: registeredAt, knownAt: k, db: db)
            out = out.map { t in var t = t; t.steps = known[t.key] ?? t.steps; return t }
            return out
        }
    }

    /// The timelines, as known now, of those of `sites` reconciliation compares, read 500 at a
    /// time by operator and code.
    public func reconciliationTimelines(of sites: [SiteKey]) async throws -> [Reconciliation.Timeline] {
        let dialect = self.dialect
        let byOperator = Dictionary(grouping: Set(sites), by: \.operator)
        return try await read { db in
            var out: [Reconciliation.Timeline] = []
            for (op, keys) in byOperator {
                let codes = keys.map(\.code).sorted()
                for chunk in stride(from: 0, to: codes.count, by: 500).map({ codes[$0..<min(codes.count, $0 + 500)] }) {
                    let q = Self.timelineQuery(dialect, only: SQLQueryString(" AND operator = \(bind: op.rawValue) AND code IN (\(binds: Array(chunk)))"))
                    out += try await Self.timelines(q, db: db).timelines
                }
            }
            return out.sorted { Reconciliation.ordered($0.key, $1.key) }
        }
    }

    /// The sites whose entity the events after `afterSeq` up to `throughSeq` name (one distinct
    /// read of the log's entities in that span).
    public func sitesNamed(after afterSeq: Int64, through throughSeq: Int64) async throws -> [SiteKey] {
        guard throughSeq > afterSeq else { return [] }
        return try await read { db in
            try await db.raw("SELECT DISTINCT entity FROM events WHERE seq > \(bind: afterSeq) AND seq <= \(bind: throughSeq) AND entity LIKE 'site:%'")
                .all().compactMap { r in
                    let parts = try r.string("entity").split(separator: ":", maxSplits: 2)
                    guard parts.count == 3, let op = Operator(rawValue: String(parts[1])) else { return nil }
                    return SiteKey(operator: op, code: String(parts[2]))
                }
        }
    }

    /// The sites reconciliation compares, each with the fields it needs taken from its stored
    /// state in SQL (a condition may be appended); `only`, a condition on the sites' columns
    /// (starting with ` AND`), narrows the sites read before any state is parsed.
    private static func timelineQuery(_ dialect: Dialect, only: SQLQueryString? = nil) -> SQLQueryString {
        // PostgreSQL parses each state once, in a subquery it may not fold into the outer one
        // (`OFFSET 0`), where each field's own cast parsed it again (`--scale 10`: 22.7 s → 5.7 s).
        let field: (String) -> String = { path in
            dialect == .sqlite ? "json_extract(state, '$.\(path)')" : "(j #>> '{\(path.replacingOccurrences(of: ".", with: ","))}')"
        }
        let number: (String) -> String = { "CAST(\(field($0)) AS \(dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"))" }
        let steps = dialect == .sqlite ? "json_extract(state, '$.steps')" : "(j -> 'steps')::text"
        var q = SQLQueryString("""
            SELECT operator, code, region_code, \(unsafeRaw: number("registration.lat")) AS lat, \(unsafeRaw: number("registration.lon")) AS lon,
              \(unsafeRaw: field("registration.host")) AS host, \(unsafeRaw: field("registration.towerSiteCode")) AS tower, \(unsafeRaw: steps) AS steps,
              \(unsafeRaw: number("registeredAt")) AS registered_at_field
            """)
        if dialect == .sqlite {
            q.appendInterpolation(unsafeRaw: " FROM sites")
        } else {
            // The sites asked for are narrowed inside the subquery: outside it (`OFFSET 0`), PostgreSQL
            // parsed every site's state before keeping the few named (`--scale 10`: 2.2–2.4 s for a
            // handful of sites after each write, and for the kept timelines' check as a server starts).
            q.appendInterpolation(unsafeRaw: " FROM (SELECT operator, code, region_code, registered_recorded_at, state::jsonb AS j FROM sites WHERE TRUE")
            if let only { q.appendInterpolation(only) }
            q.appendInterpolation(unsafeRaw: " OFFSET 0) AS sites")
        }
        q.appendInterpolation(unsafeRaw: " WHERE (operator = 'tower' OR \(field("registration.host")) IN ('new_tower', 'existing_tower') OR \(field("registration.towerSiteCode")) IS NOT NULL)")
        if dialect == .sqlite, let only { q.appendInterpolation(only) }
        return q
    }

    /// The timelines a ``timelineQuery(_:only:)`` finds, in ``Reconciliation/ordered(_:_:)``'s order,
    /// and each site's registration instant.
    private static func timelines(_ q: SQLQueryString, db: any SQLDatabase) async throws
        -> (timelines: [Reconciliation.Timeline], registeredAt: [SiteKey: Instant]) {
        var out: [Reconciliation.Timeline] = []
        var registeredAt: [SiteKey: Instant] = [:]
        var odd: [SiteKey] = []
        for r in try await db.raw(q).all() {
            guard let op = Operator(rawValue: try r.string("operator")) else { continue }
            let key = SiteKey(operator: op, code: try r.string("code"))
            guard let host = RolloutCore.Host(rawValue: try r.string("host")), let steps = StepsText.parse(try r.string("steps")), !steps.isEmpty else {
                odd.append(key)
                continue
            }
            registeredAt[key] = Instant(seconds: Int64(try r.decode(column: "registered_at_field", as: Double.self)))
            out.append(Reconciliation.Timeline(key: key, regionCode: try r.string("region_code"), lat: try r.decode(column: "lat", as: Double.self),
                                               lon: try r.decode(column: "lon", as: Double.self), host: host,
                                               towerSiteCode: try r.optionalString("tower"), steps: steps))
        }
        // A state written some other way: decoded whole.
        var states: [SiteState] = []
        for key in odd {
            let r = try await db.raw("SELECT state FROM sites WHERE operator = \(bind: key.operator.rawValue) AND code = \(bind: key.code)").first()
            if let r { states.append(try StoredJSON.siteState(try r.string("state"))) }
        }
        for s in states { registeredAt[s.registration.site] = s.registeredAt }
        out += states.map { s in
            let r = s.registration
            return Reconciliation.Timeline(key: r.site, regionCode: r.regionCode, lat: r.lat, lon: r.lon, host: r.host,
                                           towerSiteCode: r.towerSiteCode, steps: s.steps)
        }
        // In Swift's order of the keys, whatever the engine's collation (the kept timelines are merged in it).
        if !out.indices.dropFirst().allSatisfy({ Reconciliation.ordered(out[$0 - 1].key, out[$0].key) }) {
            out.sort { Reconciliation.ordered($0.key, $1.key) }
        }
        return (out, registeredAt)
    }
}
