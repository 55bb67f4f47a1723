import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// The places of the sites registered in a span of sequence numbers, in log order: four fields
    /// read from each payload by the engine's JSON functions (PostgreSQL parses each payload once),
    /// not the registration decoded whole. At `--scale 10` (735,000 registrations) verification's
    /// registrations took 10–12 s of a server's first page decoded whole on SQLite, 12–18 s on PostgreSQL.
    /// A payload without them (written some other way) is decoded whole.
    public func registeredPlaces(after afterSeq: Int64, through throughSeq: Int64) async throws -> [RegisteredPlace] {
        guard throughSeq > afterSeq else { return [] }
        let dialect = self.dialect
        return try await read { db in
            let field: (String) -> String = { path in
                dialect == .sqlite ? "json_extract(payload, '$.siteRegistered._0.\(path)')" : "(r #>> '{\(path.replacingOccurrences(of: ".", with: ","))}')"
            }
            let number: (String) -> String = { "CAST(\(field($0)) AS \(dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"))" }
            let from = dialect == .sqlite ? "events"
                : "(SELECT seq, kind, payload::jsonb -> 'siteRegistered' -> '_0' AS r FROM events WHERE kind = 'site.registered' AND seq > \(afterSeq) AND seq <= \(throughSeq) OFFSET 0) AS events"
            let rows = try await db.raw("""
                SELECT seq, \(unsafeRaw: field("site.operator")) AS operator, \(unsafeRaw: field("site.code")) AS code,
                  \(unsafeRaw: field("regionCode")) AS region, \(unsafeRaw: number("lat")) AS lat, \(unsafeRaw: number("lon")) AS lon
                FROM \(unsafeRaw: from) WHERE kind = 'site.registered' AND seq > \(bind: afterSeq) AND seq <= \(bind: throughSeq) ORDER BY seq
                """).all()
            var places: [RegisteredPlace?] = []
            places.reserveCapacity(rows.count)
            var odd: [(index: Int, seq: Int64)] = []
            for r in rows {
                if let op = try r.optionalString("operator").flatMap(Operator.init(rawValue:)), let code = try r.optionalString("code"),
                   let region = try r.optionalString("region"), let lat = try r.decode(column: "lat", as: Double?.self),
                   let lon = try r.decode(column: "lon", as: Double?.self) {
                    places.append(RegisteredPlace(site: SiteKey(operator: op, code: code), regionCode: region, lat: lat, lon: lon))
                } else {
                    odd.append((places.count, try r.int("seq")))
                    places.append(nil)
                }
            }
            let decoder = JSONDecoder()
            for o in odd {
                let r = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE seq = \(bind: o.seq)").first()
                places[o.index] = try r.flatMap { RegisteredPlace(try EventRow.decode($0, decoder: decoder)) }
            }
            return places.compactMap { $0 }
        }
    }
}
