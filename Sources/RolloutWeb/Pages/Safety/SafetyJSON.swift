import Foundation
import RolloutApplication
import RolloutCore

/// Safety as the API answers it: the tallies by region, contractor and category (the numbers of
/// the page and the export), and, for accounts that read records, the findings themselves.
struct SafetyJSON: Encodable {
    struct Tally: Encodable {
        var key: [String: String]
        var sites: Int?
        var t: Safety.Tally

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            for (k, v) in key.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: AnyKey(k)) }
            if let sites {
                try c.encode(sites, forKey: AnyKey("sites"))
                try c.encode(t.per100(sites: sites).map(Adoption.rounded), forKey: AnyKey("per_100_sites"))
            }
            try c.encode(t.findings, forKey: AnyKey("findings")); try c.encode(t.major, forKey: AnyKey("major"))
            try c.encode(t.unresolved, forKey: AnyKey("unresolved")); try c.encode(t.overdue, forKey: AnyKey("overdue"))
            try c.encode(t.escalated, forKey: AnyKey("escalated"))
            try c.encode(t.stopped, forKey: AnyKey("stopped_sites")); try c.encode(t.closed, forKey: AnyKey("closed"))
            try c.encode(t.meanDaysToClose.map(Adoption.rounded), forKey: AnyKey("mean_days_to_close"))
        }
    }

    struct Finding: Encodable {
        var s: Safety.State
        var at: Instant

        func encode(to encoder: any Encoder) throws {
            let f = s.finding
            var c = encoder.container(keyedBy: AnyKey.self)
            try c.encode(f.ref, forKey: AnyKey("ref")); try c.encode(f.inspectionRef, forKey: AnyKey("inspection_ref"))
            try c.encode(ShanghaiCalendar.iso8601(s.inspectedAt), forKey: AnyKey("inspected_at")); try c.encode(f.regionCode, forKey: AnyKey("region_code"))
            try c.encode(f.site?.operator.rawValue, forKey: AnyKey("operator")); try c.encode(f.site?.code, forKey: AnyKey("site_code"))
            try c.encode(f.contractor, forKey: AnyKey("contractor")); try c.encode(f.inspector, forKey: AnyKey("inspector"))
            try c.encode(f.category.rawValue, forKey: AnyKey("category")); try c.encode(f.severity.rawValue, forKey: AnyKey("severity"))
            try c.encode(f.text, forKey: AnyKey("finding")); try c.encode(f.responsible, forKey: AnyKey("responsible"))
            try c.encode(ShanghaiCalendar.iso8601(s.deadline), forKey: AnyKey("deadline")); try c.encode(s.status.rawValue, forKey: AnyKey("status"))
            try c.encode(s.overdue(at: at), forKey: AnyKey("overdue")); try c.encode(s.stopsWork(at: at), forKey: AnyKey("stops_work"))
            try c.encode(s.closedAt.map(ShanghaiCalendar.iso8601), forKey: AnyKey("closed_at"))
            try c.encode(s.escalatedAt.map(ShanghaiCalendar.iso8601), forKey: AnyKey("escalated_at"))
        }
    }

    var as_of: String
    var city: Tally
    var regions: [Tally]
    var contractors: [Tally]
    var categories: [Tally]
    var findings: [Finding]?

    init(_ v: SafetyView, records: Bool) {
        let t = v.tallies
        as_of = ShanghaiCalendar.iso8601(v.at)
        city = Tally(key: [:], sites: v.sites.values.reduce(0, +), t: t.city)
        regions = v.regions.map { r in Tally(key: ["region_code": r.code, "name": r.nameZh, "name_en": r.nameEn], sites: v.sites[r.code] ?? 0, t: t.regions[r.code] ?? Safety.Tally()) }
        contractors = t.contractors.sorted { $0.key < $1.key }.map { Tally(key: ["contractor": $0.key], sites: nil, t: $0.value) }
        categories = SafetyFinding.Category.allCases.flatMap { cat in SafetyFinding.Severity.allCases.map { sev in
            Tally(key: ["category": cat.rawValue, "severity": sev.rawValue], sites: nil, t: t.categories["\(cat.rawValue)/\(sev.rawValue)"] ?? Safety.Tally())
        } }
        findings = records ? v.safety.findings.values.sorted { $0.finding.ref < $1.finding.ref }.map { Finding(s: $0, at: v.at) } : nil
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(as_of, forKey: AnyKey("as_of")); try c.encode(city, forKey: AnyKey("city")); try c.encode(regions, forKey: AnyKey("regions"))
        try c.encode(contractors, forKey: AnyKey("contractors")); try c.encode(categories, forKey: AnyKey("categories"))
        if let findings { try c.encode(findings, forKey: AnyKey("findings")) }
    }
}

/// A coding key of any name.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
