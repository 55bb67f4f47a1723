import Foundation
import RolloutApplication
import RolloutCore

/// Adoption as the API answers it: every key always there, `null` where a figure is not known.
/// The numbers are those of the page and of `rollout export adoption`.
struct AdoptionJSON: Encodable {
    struct Line: Encodable {
        var region_code: String?, name: String, name_en: String, month: String?
        var subscribers_5g: Int?, subscribers_before: Int?, growth: Double?, traffic_tb: Double?, target: Int?, attainment: Double?
        var population: Int?, penetration_pct: Double?, applications: Int, in_operation: Int, demonstrations: Int, investment_cny: Double

        init(_ l: Adoption.Line, region: Region?) {
            region_code = l.region; name = region?.nameZh ?? "全市"; name_en = region?.nameEn ?? "City"; month = l.month?.description
            subscribers_5g = l.subscribers; subscribers_before = l.subscribersBefore; growth = l.growth.map(Adoption.rounded); traffic_tb = l.trafficTB.map(Adoption.rounded)
            target = l.target; attainment = l.attainment.map(Adoption.rounded); population = l.population; penetration_pct = l.penetration.map(Adoption.rounded)
            applications = l.applications; in_operation = l.inOperation; demonstrations = l.demonstrations; investment_cny = l.investmentCNY
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region_code, forKey: .region_code); try c.encode(name, forKey: .name); try c.encode(name_en, forKey: .name_en)
            try c.encode(month, forKey: .month); try c.encode(subscribers_5g, forKey: .subscribers_5g)
            try c.encode(subscribers_before, forKey: .subscribers_before); try c.encode(growth, forKey: .growth)
            try c.encode(traffic_tb, forKey: .traffic_tb); try c.encode(target, forKey: .target); try c.encode(attainment, forKey: .attainment)
            try c.encode(population, forKey: .population); try c.encode(penetration_pct, forKey: .penetration_pct)
            try c.encode(applications, forKey: .applications); try c.encode(in_operation, forKey: .in_operation)
            try c.encode(demonstrations, forKey: .demonstrations); try c.encode(investment_cny, forKey: .investment_cny)
        }
        enum CodingKeys: String, CodingKey {
            case region_code, name, name_en, month, subscribers_5g, subscribers_before, growth, traffic_tb, target, attainment
            case population, penetration_pct, applications, in_operation, demonstrations, investment_cny
        }
    }

    struct Month: Encodable {
        var month: String
        var subscribers_5g: Int?
        var traffic_tb: Double?
        var by_operator: [String: OperatorFigure]

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(month, forKey: .month); try c.encode(subscribers_5g, forKey: .subscribers_5g)
            try c.encode(traffic_tb, forKey: .traffic_tb); try c.encode(by_operator, forKey: .by_operator)
        }
        enum CodingKeys: String, CodingKey { case month, subscribers_5g, traffic_tb, by_operator }
    }

    struct OperatorFigure: Encodable {
        var subscribers_5g: Int?
        var traffic_tb: Double?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(subscribers_5g, forKey: .subscribers_5g); try c.encode(traffic_tb, forKey: .traffic_tb)
        }
        enum CodingKeys: String, CodingKey { case subscribers_5g, traffic_tb }
    }

    struct Domain: Encodable {
        var domain: String, name: String, name_en: String
        var by_status: [String: Int]
        var total: Int
    }

    var as_of: String
    var region: String?
    var city: Line
    var regions: [Line]
    var months: [Month]
    var applications_by_domain: [Domain]

    init(_ v: AdoptionView, region: String?) {
        let a = v.adoption
        as_of = ShanghaiCalendar.iso8601(v.at)
        self.region = region
        city = Line(v.city, region: nil)
        let byCode = Dictionary(uniqueKeysWithValues: v.regions.map { ($0.code, $0) })
        regions = v.lines.filter { region == nil || $0.region == region }.map { Line($0, region: $0.region.flatMap { byCode[$0] }) }
        months = Array(Set(a.months + a.trafficMonths)).sorted().map { m in
            var ops: [String: OperatorFigure] = [:]
            for op in Operator.allCases {
                let s = a.subscribers(m, region: region, operator: op), t = a.traffic(m, region: region, operator: op)
                if s != nil || t != nil { ops[op.rawValue] = OperatorFigure(subscribers_5g: s, traffic_tb: t.map(Adoption.rounded)) }
            }
            return Month(month: m.description, subscribers_5g: a.subscribers(m, region: region), traffic_tb: a.traffic(m, region: region).map(Adoption.rounded), by_operator: ops)
        }
        let counts = a.projectsByDomain(region: region)
        applications_by_domain = ApplicationProject.Domain.allCases.map { d in
            let s = counts[d] ?? [:]
            return Domain(domain: d.rawValue, name: d.chineseName, name_en: d.englishName,
                          by_status: Dictionary(uniqueKeysWithValues: ApplicationProject.Status.allCases.map { ($0.rawValue, s[$0] ?? 0) }),
                          total: s.values.reduce(0, +))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(as_of, forKey: .as_of); try c.encode(region, forKey: .region); try c.encode(city, forKey: .city)
        try c.encode(regions, forKey: .regions); try c.encode(months, forKey: .months); try c.encode(applications_by_domain, forKey: .applications_by_domain)
    }
    enum CodingKeys: String, CodingKey { case as_of, region, city, regions, months, applications_by_domain }
}

/// A project as the API lists it: the columns of the `applications` file, and since when it stands as it is.
struct ApplicationJSON: Encodable {
    var project_ref: String, name: String, domain: String, region_code: String, `operator`: String?, lead_org: String, status: String
    var investment_cny: Double?, demonstration: Bool, status_date: String

    init(_ p: ApplicationProject, since: Instant) {
        project_ref = p.ref; name = p.name; domain = p.domain.rawValue; region_code = p.regionCode; self.operator = p.operator?.rawValue
        lead_org = p.leadOrg; status = p.status.rawValue; investment_cny = p.investmentCNY; demonstration = p.demonstration
        status_date = ShanghaiCalendar.iso8601(since)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(project_ref, forKey: .project_ref); try c.encode(name, forKey: .name); try c.encode(domain, forKey: .domain)
        try c.encode(region_code, forKey: .region_code); try c.encode(self.operator, forKey: .operator); try c.encode(lead_org, forKey: .lead_org)
        try c.encode(status, forKey: .status); try c.encode(investment_cny, forKey: .investment_cny)
        try c.encode(demonstration, forKey: .demonstration); try c.encode(status_date, forKey: .status_date)
    }
    enum CodingKeys: String, CodingKey { case project_ref, name, domain, region_code, `operator`, lead_org, status, investment_cny, demonstration, status_date }
}
