import RolloutCore
import RolloutExport

extension Exporter {
    /// The columns of the safety exports: each region's tally then the city's (`safety`), or every
    /// finding with its state (`findings`: the `inspections` file's columns, then the state).
    static func safetyHeader(_ kind: ExportKind) -> [String] {
        switch kind {
        case .findings:
            ["inspection_ref", "inspected_at", "site_code", "operator", "region_code", "contractor", "inspector", "category", "severity", "finding",
             "deadline", "responsible", "ref", "status", "overdue", "stops_work", "closed_at", "escalated_at"]
        default:
            ["region_code", "name", "sites", "findings", "major", "per_100_sites", "unresolved", "overdue", "escalated", "stopped_sites", "closed", "mean_days_to_close"]
        }
    }

    /// The rows of a safety export.
    static func safetyRows(_ kind: ExportKind, _ view: SafetyView, region: String?, _ emit: (ExportRow) throws -> Void) throws {
        let header = safetyHeader(kind)
        func out(_ cells: [ExportCell]) throws {
            try emit(ExportRow(cells: cells, object: Dictionary(uniqueKeysWithValues: zip(header, cells.map(\.text)))))
        }
        switch kind {
        case .findings:
            for s in view.safety.findings.values.sorted(by: { $0.finding.ref < $1.finding.ref }) where region == nil || s.finding.regionCode == region {
                let f = s.finding
                try out([.text(f.inspectionRef), .instant(s.inspectedAt), .optional(f.site?.code), .optional(f.site?.operator.rawValue), .text(f.regionCode),
                         .optional(f.contractor), .text(f.inspector), .text(f.category.rawValue), .text(f.severity.rawValue), .text(f.text),
                         .instant(s.deadline), .text(f.responsible), .text(f.ref), .text(s.status.rawValue), .flag(s.overdue(at: view.at)),
                         .flag(s.stopsWork(at: view.at)), s.closedAt.map(ExportCell.instant) ?? .empty, s.escalatedAt.map(ExportCell.instant) ?? .empty])
            }
        default:
            let t = view.tallies
            func cells(_ code: String?, _ name: String, _ sites: Int, _ x: Safety.Tally) -> [ExportCell] {
                [.optional(code), .text(name), .int(sites), .int(x.findings), .int(x.major), .optional(x.per100(sites: sites).map(Adoption.rounded)),
                 .int(x.unresolved), .int(x.overdue), .int(x.escalated), .int(x.stopped), .int(x.closed), .optional(x.meanDaysToClose.map(Adoption.rounded))]
            }
            for r in view.regions where region == nil || r.code == region {
                try out(cells(r.code, r.nameZh, view.sites[r.code] ?? 0, t.regions[r.code] ?? Safety.Tally()))
            }
            if region == nil { try out(cells(nil, "全市", view.sites.values.reduce(0, +), t.city)) }
        }
    }
}
