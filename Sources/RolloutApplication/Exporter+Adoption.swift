import RolloutCore
import RolloutExport

extension Exporter {
    /// The columns of the adoption exports. `applications` and `subscribers` have the columns of
    /// their import files, so that an export can be sent back as it is.
    static func adoptionHeader(_ kind: ExportKind) -> [String] {
        switch kind {
        case .applications:
            ["project_ref", "name", "domain", "region_code", "operator", "lead_org", "status", "investment_cny", "demonstration", "status_date"]
        case .subscribers:
            ["month", "operator", "region_code", "subscribers_5g", "traffic_tb"]
        default:
            ["region_code", "name", "month", "subscribers_5g", "subscribers_before", "growth", "traffic_tb", "target", "attainment",
             "population", "penetration_pct", "applications", "in_operation", "demonstrations", "investment_cny"]
        }
    }

    /// The rows of an adoption export: each region's line then the city's (`adoption`), the
    /// projects as they stand (`applications`), or each standing figure (`subscribers`).
    static func adoptionRows(_ kind: ExportKind, _ view: AdoptionView, region: String?, _ emit: (ExportRow) throws -> Void) throws {
        let header = adoptionHeader(kind)
        func out(_ cells: [ExportCell]) throws {
            try emit(ExportRow(cells: cells, object: Dictionary(uniqueKeysWithValues: zip(header, cells.map(\.text)))))
        }
        let a = view.adoption
        switch kind {
        case .applications:
            for p in a.currentProjects where region == nil || p.regionCode == region {
                try out([.text(p.ref), .text(p.name), .text(p.domain.rawValue), .text(p.regionCode), .optional(p.operator?.rawValue), .text(p.leadOrg),
                         .text(p.status.rawValue), .optional(p.investmentCNY), .flag(p.demonstration), .instant(a.projects[p.ref]!.since)])
            }
        case .subscribers:
            let figures = a.figures.values.filter { region == nil || $0.regionCode == region }
                .sorted { ($0.month, $0.regionCode, $0.operator) < ($1.month, $1.regionCode, $1.operator) }
            for f in figures {
                try out([.text(f.month.description), .text(f.operator.rawValue), .text(f.regionCode), .optional(f.subscribers), .optional(f.trafficTB)])
            }
        default:
            let names = Dictionary(uniqueKeysWithValues: view.regions.map { ($0.code, $0.nameZh) })
            var lines = view.lines.filter { region == nil || $0.region == region }
            if region == nil { lines.append(view.city) }
            for l in lines {
                try out([.optional(l.region), .text(l.region.flatMap { names[$0] } ?? "全市"), .optional(l.month?.description), .optional(l.subscribers),
                         .optional(l.subscribersBefore), .optional(l.growth.map(Adoption.rounded)), .optional(l.trafficTB.map(Adoption.rounded)), .optional(l.target),
                         .optional(l.attainment.map(Adoption.rounded)), .optional(l.population), .optional(l.penetration.map(Adoption.rounded)),
                         .int(l.applications), .int(l.inOperation), .int(l.demonstrations), .decimal(l.investmentCNY)])
            }
        }
    }
}
