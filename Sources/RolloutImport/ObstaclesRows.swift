import RolloutCore
import RolloutStorage

/// Checks the rows of an `obstacles` file: each raises an obstacle on a site or a region, and may
/// close it (`resolved_at` with its `ref`). Without a `ref`, the obstacle's reference is a
/// fingerprint of its content, so the same file sent twice changes nothing.
struct ObstaclesRows: RowChecker {
    private var sites: [SiteKey: SiteState] = [:]
    private var known: [String: ObstacleState] = [:]
    private var seen: [String: (row: Int, opening: ObstacleOpening)] = [:]

    static func org(operator op: Operator?, region: String?) -> String { op?.rawValue ?? region ?? "" }

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        var keys: Set<SiteKey> = [], entities: Set<String> = []
        for (_, cells) in rows {
            let op = header.cell("operator", in: cells).flatMap(Operator.init(codeOrName:))
            if let c = header.cell("site_code", in: cells), let op { keys.insert(SiteKey(operator: op, code: c)) }
            if let ref = header.cell("ref", in: cells) {
                entities.insert(ObstacleOpening.entity(org: Self.org(operator: op, region: header.cell("region_code", in: cells)), ref: ref))
            }
        }
        sites.merge(try await session.sites(keys)) { a, _ in a }
        known.merge(try await session.obstacles(entities)) { a, _ in a }
    }

    mutating func didAppend() {
        sites.removeAll(keepingCapacity: true)
        known.removeAll(keepingCapacity: true)
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let siteCode = row.text("site_code")
        let op = row.operator(required: false)
        var region = row.region(required: false)
        var category: ObstacleCategory? = nil
        if let c = row.required("category") {
            category = ObstacleCategory(codeOrName: c)
            if category == nil { row.fail("category", "bad_category", ["value": c]) }
        }
        let description = row.required("description")
        let opened = row.date("opened_at", required: true)
        let resolved = row.date("resolved_at", required: false)
        let ref = row.text("ref")
        if siteCode == nil && region == nil && row.text("region_code") == nil { row.fail("site_code", "site_or_region") }
        if siteCode != nil && op == nil && row.text("operator") == nil { row.fail("operator", "operator_with_site") }
        if resolved != nil && ref == nil { row.fail("resolved_at", "resolved_needs_ref") }
        if let resolved, let opened, resolved < opened { row.fail("resolved_at", "resolved_before_opened") }
        var site: SiteKey? = nil
        if let siteCode, let op {
            let key = SiteKey(operator: op, code: siteCode)
            if let s = sites[key] {
                site = key
                if let r = region, r.code != s.registration.regionCode {
                    row.fail("region_code", "region_mismatch", ["value": s.registration.regionCode])
                }
                region = row.context.regions[s.registration.regionCode]
            } else {
                row.fail("site_code", "unknown_site", ["value": siteCode])
            }
        }
        guard row.isValid, let category, let description, let opened, let region else { return [] }
        let org = Self.org(operator: op, region: site == nil ? region.code : nil)
        let reference = ref ?? "auto-" + fingerprint([site?.entity ?? region.code, category.rawValue, description, "\(opened.seconds)"])
        let opening = ObstacleOpening(org: org, ref: reference, site: site, regionCode: region.code, operator: op, category: category,
                                      responsible: row.text("responsible"), description: description)
        if let first = seen[opening.entity], first.opening != opening {
            row.fail("ref", "duplicate_in_file", ["value": reference, "first": "\(first.row)"])
            return []
        }
        if let old = known[opening.entity], old.opening != opening || old.openedAt != opened {
            row.fail("ref", "obstacle_exists", ["value": reference])
            return []
        }
        seen[opening.entity] = (row.number, opening)
        var events = [row.event(.obstacleOpened(opening), at: opened)]
        if let resolved { events.append(row.event(.obstacleResolved(org: org, ref: reference), at: resolved)) }
        return events
    }
}
