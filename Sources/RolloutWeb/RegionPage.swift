import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// The district page: its rank, target and built by operator, its forecast, its map with the
/// sites, its late sites, and its open obstacles (the oldest first) with the escalation action.
/// For an account that reads figures only, the sites, the late sites and the obstacles are not
/// read: their counts, and the region's outline without points.
enum RegionPage {
    struct Model {
        var region: Region
        var figures: RegionFigures
        var count: Int
        var weekAgo: RegionFigures?
        var series: [DayProgress]
        var obstacles: ObstaclePage
        var late: LateSites
        /// The sites drawn on the map; nil when the account reads figures only.
        var sites: (total: Int, points: [MapPoint])?
        var outlines: [String: Outline]
        var keyAreas: [TargetSetting]
        var escalated: String?
        var listing: Supervision.Listing? = nil
        /// Whether the lists of obstacles, late sites and sites were read (false: their counts only).
        var records: Bool = true
    }

    /// The most sites drawn on a region's map.
    static let mapLimit = 5_000

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.get("/regions/:code") { request, context in
            let code = try context.parameters.require("code")
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            return try await cache.respond(request, service: service, contentType: ResponseCache.html, variant: c.cacheVariant) {
                ByteBuffer(string: render(try await query(service, code: code, escalated: request.query("escalated"), context: c), context: c))
            }
        }
    }

    static func query(_ service: CampaignService, code: String, escalated: String?, context c: PageContext) async throws -> Model {
        let regions = try await service.store.regions()
        guard let region = regions.first(where: { $0.code == code }) else {
            throw RolloutError("unknown_region", kind: .notFound, ["value": code])
        }
        // The page's reads, side by side; a figures-only account's lists are empty pages (their counts).
        let records = c.readsRecords
        async let targets = service.store.targets(at: c.moment)
        async let now = service.figures(c.stored.campaign, at: c.moment)
        async let weekBefore = service.figures(c.stored.campaign, at: Dashboard.weekBefore(c.moment))
        async let obstacles = service.store.obstacles(ObstacleQuery(region: code, status: .open, perPage: records ? 200 : 0), at: c.moment)
        async let late = service.store.lateSites(region: code, operator: nil, limit: records ? 100 : 0, at: c.moment)
        async let sites = mapSites(service, region: code, records: records, at: c.moment)
        async let outlines = Dashboard.outlines(service)
        async let supervision = service.store.events(kinds: CampaignService.supervisionKinds)
        let (_, all) = try await now
        let figures = all.first { $0.regionCode == code }!
        let series = try await Dashboard.series(service, region: code, operator: nil, progress: figures.progress, context: c)
        var obstaclePage = try await obstacles
        var lateList = try await late
        if !records { obstaclePage.obstacles = []; lateList.sites = [] }
        return Model(region: region, figures: figures, count: all.count, weekAgo: try await weekBefore.1.first { $0.regionCode == code },
                     series: series, obstacles: obstaclePage, late: lateList, sites: try await sites, outlines: try await outlines,
                     keyAreas: try await targets.lines.values.map(\.setting).filter { $0.regionCode == code && $0.keyArea != nil }
                        .sorted { ($0.keyArea ?? "", $0.operator?.rawValue ?? "") < ($1.keyArea ?? "", $1.operator?.rawValue ?? "") },
                     escalated: escalated,
                     listing: Supervision.listings(try await supervision, at: c.moment)[code].flatMap { $0.isActive ? $0 : nil },
                     records: records)
    }

    /// The sites of the region's map, or nil (not read) for an account that reads figures only.
    static func mapSites(_ service: CampaignService, region code: String, records: Bool,
                         at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint])? {
        guard records else { return nil }
        return try await service.store.mapPoints(region: code, limit: mapLimit, at: moment)
    }

    static func render(_ m: Model, context c: PageContext) -> String {
        let r = m.figures
        let path = Paths.region(m.region.code)
        var body = ""
        if let e = m.escalated { body += "<p class=\"notice\">\(c.t("page_escalated_done", ["value": e]))</p>" }
        if let l = m.listing {
            let overdue = l.isOverdue(at: c.moment.asOf.before) ? " <b class=\"lag\">\(c.t("page_supervision_overdue"))</b>" : ""
            body += "<p class=\"notice listed\" id=\"listed\">\(Dashboard.listedTag(c)) \(c.t("page_supervision_deadline")) \(ShanghaiCalendar.dateString(l.deadline.adding(seconds: -1)))\(overdue) · \(c.t("page_supervision_rectification"))：\(HTMLPage.escape(l.rectification))</p>"
        }
        body += "<p class=\"muted\">\(c.t("page_rank_of", ["rank": "\(r.rank)", "count": "\(m.count)"])) · \(c.t("page_as_of_line", ["as_of": c.moment.asOf.description, "deadline": r.due ?? ShanghaiCalendar.dateString(c.stored.campaign.deadline.adding(seconds: -1))]))</p>"
        body += "<div class=\"cards\">"
        body += Dashboard.card(c.t("page_rank"), "\(r.rank)", live: "rank", note: "/ \(m.count)")
        body += Dashboard.card(c.t("page_target"), r.target.map(String.init) ?? "—", live: "target")
        body += Dashboard.card(c.t("page_progress"), "\(r.progress)", live: "progress", note: c.percent(r.completion))
        body += Dashboard.card(c.t("page_week_change"), "\(r.progress - (m.weekAgo?.progress ?? 0))", live: "week")
        body += Dashboard.forecastCard(r.forecast, progress: r.progress, target: r.target, context: c)
        body += Dashboard.card(c.t("page_open_obstacles"), "\(r.openObstacles)", live: "open_obstacles",
                               note: "\(c.t("page_older_than_week")) \(m.obstacles.byCategory.reduce(0) { $0 + $1.olderThanWeek })")
        body += Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", alarm: m.late.total > 0)
        body += Dashboard.card(c.t("page_sharing_rate"), c.percent(r.sharingRate), live: "sharing_rate",
                               note: c.t("page_sharing_note", ["shared": "\(r.shared)", "sites": "\(r.sites)"]))
        body += "</div>"
        body += "<div class=\"grid\"><div class=\"panel\"><h2>\(c.t("page_burnup"))</h2>"
        body += Dashboard.chart(m.series, target: r.target, forecast: r.forecast, context: c) + "</div>"
        // A figures-only account sees the outline without the sites.
        body += "<div class=\"panel\"><h2>\(c.t(m.sites == nil ? "page_map_outline" : "page_map_sites"))</h2>"
            + DistrictMap.region(m.region.code, outlines: m.outlines, sites: m.sites?.points, context: c)
        if let sites = m.sites, sites.total > sites.points.count {
            body += "<p class=\"muted small\">\(c.t("page_more", ["value": "\(sites.total)", "shown": "\(sites.points.count)"]))</p>"
        }
        body += "</div></div>"
        body += "<h2>\(c.t("page_operators"))</h2><div class=\"scroll\"><table id=\"operators\"><thead><tr><th class=\"l\">\(c.t("page_operator"))</th>"
        body += "<th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_completion"))</th><th>\(c.t("page_sites"))</th></tr></thead><tbody>"
        for o in r.operators {
            let op = Operator(rawValue: o.operator)
            let name = op.map { "<a href=\"\(c.link(Paths.operator($0)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(o.operator)
            body += "<tr><td class=\"l\">\(name)</td><td>\(o.target.map(String.init) ?? "—")</td><td>\(o.progress)</td>"
            body += "<td>\(c.percent(o.target.flatMap { $0 > 0 ? Double(o.progress) / Double($0) : nil }))</td><td>\(o.sites)</td></tr>"
        }
        body += "</tbody></table></div>"
        body += "<h2>\(c.t("page_stages"))</h2><div class=\"scroll\"><table><thead><tr>"
        body += Stage.allCases.map { "<th>\(c.name($0))</th>" }.joined() + "</tr></thead><tbody><tr>"
        body += Stage.allCases.map { "<td>\(r.stages[$0.rawValue] ?? 0)</td>" }.joined() + "</tr></tbody></table></div>"
        body += "<h2>\(c.t("page_key_areas"))</h2>"
        if m.keyAreas.isEmpty {
            body += "<p class=\"muted\">\(c.t("page_none"))</p>"
        } else {
            body += "<table><thead><tr><th class=\"l\">\(c.t("page_key_area"))</th><th class=\"l\">\(c.t("page_operator"))</th><th>\(c.t("page_target"))</th></tr></thead><tbody>"
            for t in m.keyAreas {
                body += "<tr><td class=\"l\">\(HTMLPage.escape(t.keyArea ?? ""))</td><td class=\"l\">\(t.operator.map { c.name($0) } ?? "—")</td><td>\(t.target)</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "<p class=\"muted small\">\(c.t("page_key_area_note"))</p>"
        // The oldest first: those waiting more than a week lead the list.
        body += !m.records ? Dashboard.figuresOnly(c)
            : "<h2>\(c.t("page_obstacles"))</h2>"
                + Dashboard.obstacleTable(m.obstacles.obstacles, regions: [m.region.code: m.region], escalate: true, back: path, context: c)
                + "<h2>\(c.t("page_late"))</h2>" + Dashboard.lateTable(m.late, regions: [m.region.code: m.region], context: c)
        return HTMLPage.frame(title: Catalogue.text("page_region_title", c.language, ["value": c.language == .zh ? m.region.nameZh : m.region.nameEn]),
                              context: c, path: path, body: body)
    }
}
