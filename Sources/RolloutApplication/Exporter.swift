import Foundation
import RolloutCore
import RolloutFiles
import RolloutStorage
import RolloutExport

/// What can be exported, in which formats, as of any moment: the same numbers as the API, read
/// page by page and written as they are read, so that a table of millions of rows stays within a
/// bounded memory.
public enum ExportKind: String, CaseIterable, Sendable {
    case regions, sites, obstacles, events, scorecard, adoption, applications, subscribers, safety, findings, investments

    /// A kind a user named; `unknown_export_kind` otherwise.
    public init(checking text: String) throws {
        guard let k = ExportKind(rawValue: text.lowercased()) else { throw RolloutError("unknown_export_kind", ["value": text]) }
        self = k
    }
}

/// The filters of a page's table that its download keeps.
public struct ExportFilters: Sendable, Equatable {
    /// Regions, sites and obstacles: only this region's (a region code); nil for every region.
    public var region: String?
    /// Only this operator's sites or obstacles; nil for every operator.
    public var `operator`: Operator?
    /// Obstacles: open, escalated, resolved or all (default all).
    public var status: ObstacleQuery.Status
    /// Obstacles: only this category; nil for every category.
    public var category: ObstacleCategory?

    /// Filters; by default none, with obstacles of every status.
    public init(region: String? = nil, operator: Operator? = nil, status: ObstacleQuery.Status = .all, category: ObstacleCategory? = nil) {
        self.region = region; self.operator = `operator`; self.status = status; self.category = category
    }
}

/// Writes exports as they are read: a kind as of a moment, or a page's table in hand.
public enum Exporter {
    /// Rows read from the store at a time.
    static let pageSize = 2_000

    /// Writes an export to `url`: into a hidden file beside it (0600), renamed over `url` only when
    /// complete, so that a failed export leaves nothing (and an earlier file at `url` untouched),
    /// whatever file system the target is on.
    public static func write(_ kind: ExportKind, format: ExportFormat, service: CampaignService, asOf: String?, knownAt: String?,
                             filters: ExportFilters = .init(), to url: URL) async throws {
        let (_, moment) = try await service.moment(asOf: asOf, knownAt: knownAt)
        let partial = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            let writer = try format.writer(to: partial, sheet: kind.rawValue, header: header(kind))
            try await rows(kind, service: service, asOf: asOf, knownAt: knownAt, moment: moment, filters: filters) { try writer.write($0) }
            try writer.finish()
            guard rename(partial.path, url.path) == 0 else { throw RolloutError("file_unwritable", ["value": url.path]) }
        } catch let e as RolloutError {
            try? FileManager.default.removeItem(at: partial)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw RolloutError("file_unwritable", ["value": url.path])
        }
    }

    /// A table already in hand (a page's) written in a format: the JSON objects take the header as keys.
    public static func writeTable(header: [String], rows: [[ExportCell]], format: ExportFormat, sheet: String, to url: URL) throws {
        let writer = try format.writer(to: url, sheet: sheet, header: header)
        for cells in rows {
            let object = Dictionary(zip(header, cells.map(\.text)), uniquingKeysWith: { a, _ in a })
            try writer.write(ExportRow(cells: cells, object: object))
        }
        try writer.finish()
    }

    /// An export as text (CSV or JSON), for the callers that want it whole (small tables, tests).
    public static func text(_ kind: ExportKind, format: ExportFormat, service: CampaignService, asOf: String?, knownAt: String?,
                            filters: ExportFilters = .init()) async throws -> String {
        let work = try PrivateTemporaryDirectory()
        defer { work.remove() }
        let url = work.url.appendingPathComponent("text")
        try await write(kind, format: format, service: service, asOf: asOf, knownAt: knownAt, filters: filters, to: url)
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The columns of each kind (CSV and XLSX).
    public static func header(_ kind: ExportKind) -> [String] {
        switch kind {
        case .regions:
            ["rank", "region_code", "name", "name_en", "kind", "target", "due", "built", "built_at_start", "progress",
             "completion", "sites", "open_obstacles", "pace_per_day", "expected_at_deadline"] + Stage.allCases.map(\.rawValue)
                + ["shared", "sharing_rate", "verified", "unverified", "ranked_progress", "rank_basis",
                   "planned_by_now", "milestones", "population", "population_imputed", "sites_per_ten_thousand",
                   "planned_cny", "actual_cny", "actual_per_site_cny"]
        case .sites:
            ["operator", "site_code", "region_code", "name", "lat", "lon", "kind", "band", "host", "resource_id", "stage",
             "registered_at", "planned_on_air", "late", "contractor"]
        case .obstacles:
            ["org", "ref", "region_code", "operator", "site_code", "category", "responsible", "description", "status", "opened_at",
             "unit", "dispatched_at", "escalated_at", "resolved_at", "reopened_at", "age_days", "sla_days", "due", "days_left", "overdue"]
        case .events:
            ["seq", "kind", "entity", "occurred_at", "recorded_at", "actor", "via", "payload"]
        case .scorecard:
            ["rank", "rank_change", "region_code", "name", "score"] + Scorecard.Part.allCases.map(\.rawValue)
                + ["built", "target", "pro_rata_target", "open_obstacles", "overdue_obstacles", "reporting_periods", "missed_periods",
                   "applications_in_operation", "subscriber_growth", "paired_sites", "agreeing_sites", "safety_per_100_sites",
                   "evidence_openings", "evidence_verified"]
        case .adoption, .applications, .subscribers: adoptionHeader(kind)
        case .safety, .findings: safetyHeader(kind)
        case .investments: ["year", "region_code", "operator", "planned_cny", "actual_cny"]
        }
    }

    /// Streams the rows of an export.
    static func rows(_ kind: ExportKind, service: CampaignService, asOf: String?, knownAt: String?, moment: ReadMoment,
                     filters: ExportFilters, _ emit: (ExportRow) throws -> Void) async throws {
        switch kind {
        case .regions:
            var regions = try await service.regions(asOf: asOf, knownAt: knownAt)
            if let region = filters.region { regions = regions.filter { $0.regionCode == region } }
            let (c, _) = try await service.moment(asOf: asOf, knownAt: knownAt)
            let spend = Dictionary(uniqueKeysWithValues: try await service.investments(c.campaign, at: moment).regions.map { ($0.key, $0) })
            for r in regions.sorted(by: { $0.rank < $1.rank }) { try emit(row(r, spend: spend[r.regionCode])) }
        case .sites:
            // Page after page from the last site read (no page skips over the earlier ones).
            var after: SiteKey? = nil
            while true {
                let p = try await service.sites(SiteQuery(region: filters.region, operator: filters.operator, perPage: pageSize, after: after),
                                                asOf: asOf, knownAt: knownAt)
                for s in p.sites { try emit(row(s)) }
                guard p.sites.count == pageSize, let last = p.sites.last, let op = Operator(rawValue: last.operator) else { break }
                after = SiteKey(operator: op, code: last.siteCode)
            }
        case .obstacles:
            var page = 1
            while true {
                let query = ObstacleQuery(region: filters.region, operator: filters.operator, category: filters.category, status: filters.status,
                                          page: page, perPage: pageSize)
                let p = try await service.obstacles(query, asOf: asOf, knownAt: knownAt)
                for o in p.obstacles { try emit(row(o)) }
                if p.obstacles.count < pageSize { break }
                page += 1
            }
        case .scorecard:
            let (c, _) = try await service.moment(asOf: asOf, knownAt: knownAt)
            let view = try await service.scorecard(c.campaign, at: moment)
            for l in view.lines where filters.region == nil || l.region == filters.region {
                let i = l.inputs
                let cells: [ExportCell] = [.optional(l.rank), .optional(view.rankChange(l.region)), .text(l.region),
                                           .text(view.regions[l.region]?.nameZh ?? l.region), .optional(l.score.map(Scorecard.rounded))]
                    + Scorecard.Part.allCases.map { .optional((l.parts[$0] ?? nil).map(Scorecard.rounded)) }
                    + [.int(i.built), .optional(i.target), .optional(i.proRataTarget.map(Scorecard.rounded)), .int(i.openObstacles), .int(i.overdueObstacles),
                       .optional(i.reportingPeriods), .optional(i.missedPeriods), .optional(i.applicationsInOperation),
                       .optional(i.subscriberGrowth.map(Adoption.rounded)), .optional(i.pairedSites), .optional(i.agreeingSites),
                       .optional(i.safetyPer100.map(Adoption.rounded)), .optional(i.evidenceOpenings), .optional(i.evidenceVerified)]
                let object = Dictionary(uniqueKeysWithValues: zip(header(.scorecard), cells.map(\.text)))
                try emit(ExportRow(cells: cells, object: object))
            }
        case .adoption, .applications, .subscribers:
            let (c, _) = try await service.moment(asOf: asOf, knownAt: knownAt)
            try adoptionRows(kind, try await service.adoption(c.campaign, at: moment), region: filters.region, emit)
        case .safety, .findings:
            let (c, _) = try await service.moment(asOf: asOf, knownAt: knownAt)
            try safetyRows(kind, try await service.safety(c.campaign, at: moment), region: filters.region, emit)
        case .investments:
            // The `investments` file's own columns: an export can be sent back as it is.
            let (c, _) = try await service.moment(asOf: asOf, knownAt: knownAt)
            for f in try await service.investments(c.campaign, at: moment).records
            where (filters.region == nil || f.regionCode == filters.region) && (filters.operator == nil || f.operator == filters.operator) {
                let cells: [ExportCell] = [.int(f.year), .text(f.regionCode), .text(f.operator.rawValue),
                                           f.plannedCNY.map { .int(Int($0)) } ?? .empty, f.actualCNY.map { .int(Int($0)) } ?? .empty]
                try emit(ExportRow(cells: cells, object: Dictionary(uniqueKeysWithValues: zip(header(.investments), cells.map(\.text)))))
            }
        case .events:
            var after: Int64 = 0
            // The payload as the log stores it: sorted keys, slashes as they are.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            while true {
                let batch = try await service.store.events(after: after, limit: 10_000)
                guard let last = batch.last else { break }
                after = last.seq
                for e in batch where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
                    let payload = String(decoding: try encoder.encode(e.event.body), as: UTF8.self)
                    let cells: [ExportCell] = [.int(Int(e.seq)), .text(e.event.body.kind), .text(e.event.body.entity), .instant(e.event.occurredAt),
                                               .instant(e.event.recordedAt), .text(e.event.actor), .optional(e.event.via), .text(payload)]
                    let object = Dictionary(uniqueKeysWithValues: zip(header(.events), cells.map(\.text)))
                    try emit(ExportRow(cells: cells, object: object))
                }
            }
        }
    }

    static func row(_ r: RegionFigures, spend: InvestmentView.Line? = nil) -> ExportRow {
        var cells: [ExportCell] = [.int(r.rank), .text(r.regionCode), .text(r.name), .text(r.nameEn), .text(r.kind), .optional(r.target),
                                   .day(r.due), .int(r.built), .int(r.builtAtStart), .int(r.progress), .optional(r.completion), .int(r.sites),
                                   .int(r.openObstacles), .decimal(r.forecast.pacePerDay), .int(r.forecast.expectedAtDeadline)]
        cells += Stage.allCases.map { .int(r.stages[$0.rawValue] ?? 0) }
        cells += [.int(r.shared), .optional(r.sharingRate), .optional(r.verified), .optional(r.unverified), .int(r.rankedProgress), .text(r.rankBasis)]
        cells += [.optional(r.plannedByNow), .text(r.milestones.map { "\($0.due):\($0.target)" }.joined(separator: ";")), .optional(r.population),
                  .flag(r.populationImputed), .optional(r.sitesPerTenThousand)]
        cells += [spend?.sum.planned.map { .int(Int($0)) } ?? .empty, spend?.sum.actual.map { .int(Int($0)) } ?? .empty,
                  spend?.perSite.map { .int(Int($0)) } ?? .empty]
        return ExportRow(cells: cells, object: r)
    }

    static func row(_ s: SiteRow) -> ExportRow {
        ExportRow(cells: [.text(s.operator), .text(s.siteCode), .text(s.regionCode), .text(s.name), .decimal(s.lat), .decimal(s.lon),
                          .text(s.kind), .optional(s.band), .text(s.host), .optional(s.resourceId), .text(s.stage), .day(s.registeredAt),
                          .day(s.plannedOnAir), .flag(s.late), .optional(s.contractor)],
                  object: s)
    }

    static func row(_ o: ObstacleRow) -> ExportRow {
        func time(_ s: String?) -> ExportCell {
            guard let s else { return .empty }
            return ShanghaiCalendar.parseInstant(s).map(ExportCell.instant) ?? .text(s)
        }
        return ExportRow(cells: [.text(o.org), .text(o.ref), .text(o.regionCode), .optional(o.operator), .optional(o.siteCode), .text(o.category),
                                 .optional(o.responsible), .text(o.description), .text(o.status), time(o.openedAt), .optional(o.unit),
                                 time(o.dispatchedAt), time(o.escalatedAt), time(o.resolvedAt), time(o.reopenedAt), .int(o.ageDays),
                                 .int(o.slaDays), .day(o.due), .optional(o.daysLeft), .flag(o.overdue)],
                         object: o)
    }
}
