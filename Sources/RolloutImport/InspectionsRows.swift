import RolloutCore
import RolloutStorage

/// Checks the rows of an `inspections` file: each records a finding of a safety inspection on a
/// site (`site_code` + `operator`) or on a contractor's work in a region (`region_code`). A
/// finding's reference is its inspection's and a fingerprint of what it found, so re-sending the
/// file changes nothing; a finding already recorded with other content is refused.
struct InspectionsRows: RowChecker {
    private var sites: [SiteKey: SiteState] = [:]
    private var current: Safety?
    /// The contractors the sites name: a finding names one of them.
    private var contractors: Set<String>?
    private var seen: [String: Int] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        var keys: Set<SiteKey> = []
        for (_, cells) in rows {
            if let c = header.cell("site_code", in: cells), let op = header.cell("operator", in: cells).flatMap(Operator.init(codeOrName:)) {
                keys.insert(SiteKey(operator: op, code: c))
            }
        }
        sites.merge(try await session.sites(keys)) { a, _ in a }
        if contractors == nil { contractors = try await session.contractors() }
        if current == nil { current = Safety(try await session.loggedEvents(kinds: Safety.kinds), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max)))) }
    }

    mutating func didAppend() { sites.removeAll(keepingCapacity: true) }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let inspection = row.code("inspection_ref")
        let inspected = row.date("inspected_at", required: true)
        let siteCode = row.text("site_code"), op = row.operator(required: false)
        var region = row.region(required: false)
        let inspector = row.longText("inspector"), text = row.required("finding")
        var category: SafetyFinding.Category? = nil, severity: SafetyFinding.Severity? = nil
        if let c = row.required("category") {
            category = SafetyFinding.Category(codeOrName: c)
            if category == nil { row.fail("category", "unknown_safety_category", ["value": c]) }
        }
        if let s = row.required("severity") {
            severity = SafetyFinding.Severity(codeOrName: s)
            if severity == nil { row.fail("severity", "unknown_severity", ["value": s]) }
        }
        let deadline = row.date("deadline", required: true, notFuture: false)
        if let deadline, let inspected, deadline <= inspected { row.fail("deadline", "deadline_before_inspection", ["value": row.text("deadline") ?? ""]) }
        if siteCode == nil && region == nil && row.text("region_code") == nil { row.fail("site_code", "site_or_region") }
        if siteCode != nil && op == nil && row.text("operator") == nil { row.fail("operator", "operator_with_site") }
        var site: SiteKey? = nil
        if let siteCode, let op {
            let key = SiteKey(operator: op, code: siteCode)
            if let s = sites[key] {
                site = key
                if let r = region, r.code != s.registration.regionCode { row.fail("region_code", "region_mismatch", ["value": s.registration.regionCode]) }
                region = row.context.regions[s.registration.regionCode]
            } else {
                row.fail("site_code", "unknown_site", ["value": siteCode])
            }
        }
        var responsible = site?.operator.rawValue ?? region?.code
        if let r = row.text("responsible") {
            if let o = Operator(codeOrName: r) { responsible = o.rawValue }
            else if row.context.regions[r] != nil { responsible = r }
            else { row.fail("responsible", "bad_responsible", ["value": r]) }
        }
        // The contractor: one the sites name; by default the site's own.
        var contractor = row.text("contractor")
        if let c = contractor, !(contractors?.contains(c) ?? false) { row.fail("contractor", "unknown_contractor", ["value": String(c.prefix(80))]) }
        if contractor == nil, let site { contractor = sites[site]?.registration.contractor }
        guard row.isValid, let inspection, let inspected, let inspector, let text, let category, let severity, let deadline, let region,
              let responsible else { return [] }
        // The inspection's reference and a fingerprint of what it found (characters safe in an address).
        let ref = "\(inspection)-" + fingerprint([site?.entity ?? region.code, category.rawValue, text])
        let finding = SafetyFinding(ref: ref, inspectionRef: inspection, site: site, regionCode: region.code, contractor: contractor,
                                    inspector: inspector, category: category, severity: severity, text: text, responsible: responsible, deadline: deadline)
        if let first = seen[ref] {
            row.fail("finding", "duplicate_in_file", ["value": inspection, "first": "\(first)"])
            return []
        }
        seen[ref] = row.number
        if let old = current?.findings[ref], old.finding != finding || old.inspectedAt != inspected {
            row.fail("inspection_ref", "finding_exists", ["value": inspection])
            return []
        }
        return [row.event(.findingRecorded(finding), at: inspected)]
    }
}
