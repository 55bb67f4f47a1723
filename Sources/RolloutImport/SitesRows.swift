import RolloutCore
import RolloutStorage

/// Checks the rows of a `sites` file: each registers a planned site.
struct SitesRows: RowChecker {
    private var existing: [SiteKey: SiteState] = [:]
    private var resources: [String: [ResourceOffer]] = [:]
    private var seen: [SiteKey: Int] = [:]
    /// China Tower's sites registered earlier in this file: their regions, by code.
    private var towersInFile: [String: String] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        var keys: Set<SiteKey> = [], ids: Set<String> = []
        for (_, cells) in rows {
            if let c = header.cell("site_code", in: cells), let o = header.cell("operator", in: cells).flatMap(Operator.init(codeOrName:)) {
                keys.insert(SiteKey(operator: o, code: c))
            }
            if let r = header.cell("resource_id", in: cells) { ids.insert(r) }
            if let t = header.cell("tower_site_code", in: cells) { keys.insert(SiteKey(operator: .tower, code: t)) }
        }
        existing = try await session.sites(keys)
        resources = try await session.resources(ids)
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let code = row.code("site_code"), op = row.operator(), region = row.region()
        let name = row.required("name")
        let point = row.point(in: region)
        var kind: SiteKind? = nil
        if let k = row.required("kind") {
            kind = SiteKind(codeOrName: k)
            if kind == nil { row.fail("kind", "bad_kind", ["value": k]) }
        }
        var host = Host.newTower
        if let h = row.text("host") {
            if let v = Host(rawValue: h.lowercased()) ?? Host.allCases.first(where: { $0.chineseName == h }) { host = v } else {
                row.fail("host", "bad_host", ["value": h])
            }
        }
        let resource = row.text("resource_id")
        if let resource {
            switch resources[resource]?.count ?? 0 {
            case 0: row.fail("resource_id", "unknown_resource", ["value": resource])
            case 1: break
            default: row.fail("resource_id", "ambiguous_resource", ["value": resource])
            }
        }
        let planned = row.date("planned_on_air", required: false, notFuture: false)
        let towerCode = row.text("tower_site_code")
        let contractor = row.text("contractor")
        if let contractor, contractor.count > 200 || contractor.contains(where: \.isNewline) { row.fail("contractor", "too_long", ["value": "200"]) }
        if let towerCode, let op, let region { checkTower(towerCode, operator: op, region: region.code, &row) }
        guard row.isValid, let code, let op, let region, let name, let point, let kind else { return [] }
        let key = SiteKey(operator: op, code: code)
        if let first = seen[key] {
            row.fail("site_code", "duplicate_in_file", ["value": code, "first": "\(first)"])
            return []
        }
        seen[key] = row.number
        if op == .tower { towersInFile[code] = region.code }
        let registration = SiteRegistration(site: key, regionCode: region.code, name: name, lat: point.lat, lon: point.lon, kind: kind,
                                            band: row.text("band"), host: host, resourceId: resource, plannedOnAir: planned,
                                            towerSiteCode: towerCode, contractor: contractor)
        if let old = existing[key] {
            // The same site again changes nothing; naming another contractor changes that alone
            // (the contractor may change as work goes on); any other difference is refused.
            var stored = old.registration, sent = registration
            stored.contractor = nil; sent.contractor = nil
            if stored != sent {
                row.fail("site_code", "site_exists", ["value": code])
                return []
            }
            if let contractor, contractor != old.registration.contractor { return [row.event(.contractorSet(site: key, contractor: contractor))] }
        }
        return [row.event(.siteRegistered(registration))]
    }

    /// The China Tower site an operator's site names: registered (before, or earlier in the file)
    /// and in the same region; China Tower's own rows name none.
    private func checkTower(_ code: String, operator op: Operator, region: String, _ row: inout RowReader) {
        guard op != .tower else { return row.fail("tower_site_code", "tower_code_on_tower", ["value": code]) }
        guard let towerRegion = existing[SiteKey(operator: .tower, code: code)]?.registration.regionCode ?? towersInFile[code] else {
            return row.fail("tower_site_code", "unknown_tower_site", ["value": code])
        }
        if towerRegion != region { row.fail("tower_site_code", "tower_site_other_region", ["value": code, "region": towerRegion]) }
    }
}
