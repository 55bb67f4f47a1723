import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// China Tower's sites and the operators' sites on a tower or naming one, with their timelines.
    /// The host and the named tower are read from the stored state in SQL, so the sites on lamps,
    /// rooftops and indoor systems are never decoded.
    public func reconciliationTimelines(knownAt: Cutoff?) async throws -> [Reconciliation.Timeline] {
        let dialect = self.dialect
        return try await read { db in
            let field: (String) -> String = { name in
                dialect == .sqlite ? "json_extract(state, '$.registration.\(name)')" : "(state::jsonb #>> '{registration,\(name)}')"
            }
            var q = SQLQueryString("""
                SELECT state FROM sites WHERE (operator = 'tower' OR \(unsafeRaw: field("host")) IN ('new_tower', 'existing_tower')
                  OR \(unsafeRaw: field("towerSiteCode")) IS NOT NULL)
                """)
            if let k = knownAt { q.appendInterpolation(unsafeRaw: " AND registered_recorded_at < "); q.appendInterpolation(bind: k.before.seconds) }
            q.appendInterpolation(unsafeRaw: " ORDER BY operator, code")
            let decoder = JSONDecoder()
            let states = try await db.raw(q).all().map { try decoder.decode(SiteState.self, from: Data(try $0.string("state").utf8)) }
            var known: [SiteKey: [TimelineStep]] = [:]
            if let k = knownAt { known = try await SQLCampaignStore.timelines(states, knownAt: k, db: db) }
            return states.map { s in
                let r = s.registration
                return Reconciliation.Timeline(key: r.site, regionCode: r.regionCode, lat: r.lat, lon: r.lon, host: r.host,
                                               towerSiteCode: r.towerSiteCode, steps: known[r.site] ?? s.steps)
            }
        }
    }
}
