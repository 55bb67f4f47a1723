import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// The city overview, the leaders' page: target against built, today's pace, the forecast, the
/// burn-up chart, the map, the regions ranked with their change over a week, the reasons for
/// difficulty (open obstacles by category and responsible unit, with their ages), late sites.
/// For an account that reads figures only, the lists of obstacles and late sites are not read.
enum OverviewPage {
    struct Model {
        var summary: Summary
        var regions: [RegionFigures]
        var weekAgo: [String: RegionFigures]
        var series: [DayProgress]
        var obstacles: ObstaclePage
        var late: LateSites
        var outlines: [String: Outline]
        var regionList: [Region]
        /// Regions under listed supervision at the moment.
        var listed: Set<String> = []
        /// Whether the lists of obstacles and late sites were read (false: their counts only).
        var records: Bool = true
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.get(RouterPath(Paths.overview)) { request, context in
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            return try await cache.respond(request, service: service, contentType: ResponseCache.html, variant: c.cacheVariant) {
                ByteBuffer(string: render(try await query(service, context: c), context: c))
            }
        }
    }

    /// The page's reads, side by side (each its own read transaction; the store has readers enough).
    static func query(_ service: CampaignService, context c: PageContext) async throws -> Model {
        // A figures-only account: the counts and groups, no row (an empty page of each list).
        let records = c.readsRecords
        async let now = service.figures(c.stored.campaign, at: c.moment)
        async let weekBefore = service.figures(c.stored.campaign, at: Dashboard.weekBefore(c.moment))
        async let obstacles = service.store.obstacles(ObstacleQuery(status: .open, perPage: records ? 10 : 0), at: c.moment)
        async let late = service.store.lateSites(region: nil, operator: nil, limit: records ? 10 : 0, at: c.moment)
        async let outlines = Dashboard.outlines(service)
        async let regionList = service.store.regions()
        async let listed = service.listedRegions(at: c.moment)
        let (summary, regions) = try await now
        let series = try await Dashboard.series(service, region: nil, operator: nil, progress: summary.progress, context: c)
        var obstaclePage = try await obstacles
        var lateList = try await late
        if !records { obstaclePage.obstacles = []; lateList.sites = [] }
        return Model(summary: summary, regions: regions,
                     weekAgo: Dictionary(uniqueKeysWithValues: try await weekBefore.1.map { ($0.regionCode, $0) }),
                     series: series, obstacles: obstaclePage, late: lateList,
                     outlines: try await outlines, regionList: try await regionList, listed: try await listed, records: records)
    }

    static func render(_ m: Model, context c: PageContext) -> String {
        let s = m.summary
        let regionsByCode = Dictionary(uniqueKeysWithValues: m.regionList.map { ($0.code, $0) })
        var body = "<p class=\"muted\">\(c.t("page_as_of_line", ["as_of": s.asOf, "deadline": s.deadline]))</p><div class=\"cards\">"
        body += Dashboard.card(c.t("page_target"), "\(s.target)", live: "target")
        body += Dashboard.card(c.t("page_progress"), "\(s.progress)", live: "progress", note: c.percent(s.completion))
        body += Dashboard.card(c.t("page_built"), "\(s.built)", live: "built",
                               note: c.t("page_pace", ["pace": String(format: "%.0f", s.forecast.pacePerDay)]))
        body += Dashboard.forecastCard(s.forecast, progress: s.progress, target: s.target, context: c)
        body += Dashboard.card(c.t("page_open_obstacles"), "\(s.openObstacles)", live: "open_obstacles",
                               note: "\(c.t("page_older_than_week")) \(m.obstacles.byCategory.reduce(0) { $0 + $1.olderThanWeek })")
        body += Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", note: c.t("page_late_hint"), alarm: m.late.total > 0)
        body += Dashboard.card(c.t("page_sharing_rate"), c.percent(s.sharingRate), live: "sharing_rate",
                               note: c.t("page_sharing_note", ["shared": "\(s.shared)", "sites": "\(s.sites)"]))
        body += "</div>"
        let unmapped = m.regions.filter { m.outlines[$0.regionCode] == nil }
            .map { HTMLPage.escape(c.language == .zh ? $0.name : $0.nameEn) }.joined(separator: "、")
        body += "<div class=\"grid\"><div class=\"panel\"><h2>\(c.t("page_burnup"))</h2>"
        body += Dashboard.chart(m.series, target: s.target, forecast: s.forecast, context: c)
        body += "<p class=\"muted small\">\(c.t(s.forecast.method == "stage_durations" ? "page_forecast_method" : "page_forecast_pace"))</p></div>"
        body += "<div class=\"panel\"><h2>\(c.t("page_map"))</h2>\(DistrictMap.city(outlines: m.outlines, regions: m.regions, context: c))"
        if !unmapped.isEmpty { body += "<p class=\"muted small\">\(c.t("page_map_unmapped", ["value": unmapped]))</p>" }
        body += "</div></div>"
        body += "<h2>\(c.t("page_regions_ranked"))</h2>" + regionTable(m, context: c)
        body += "<h2>\(c.t("page_obstacles"))</h2><div class=\"grid\"><div>"
        body += Dashboard.groupTable(m.obstacles.byCategory, heading: c.t("page_obstacles_by_category"), label: { Dashboard.categoryName($0, c) }, context: c)
        body += "</div><div>"
        body += Dashboard.groupTable(m.obstacles.byResponsible, heading: c.t("page_obstacles_by_unit"),
                                     label: { $0.isEmpty ? c.t("page_unassigned") : HTMLPage.escape($0) }, context: c)
        body += "</div></div><p></p>"
        guard m.records else { return HTMLPage.frame(title: s.campaign, context: c, path: Paths.overview, body: body + Dashboard.figuresOnly(c)) }
        body += Dashboard.obstacleTable(m.obstacles.obstacles, regions: regionsByCode, escalate: false, back: Paths.overview, context: c)
        if m.obstacles.total > m.obstacles.obstacles.count {
            body += "<p class=\"muted\">\(c.t("page_more", ["value": "\(m.obstacles.total)", "shown": "\(m.obstacles.obstacles.count)"]))</p>"
        }
        body += "<h2>\(c.t("page_late"))</h2>" + Dashboard.lateTable(m.late, regions: regionsByCode, context: c)
        return HTMLPage.frame(title: s.campaign, context: c, path: Paths.overview, body: body)
    }

    static func regionTable(_ m: Model, context c: PageContext) -> String {
        var h = """
        <div class="scroll"><table id="regions"><thead><tr><th>\(c.t("page_rank"))</th><th class="l">\(c.t("page_region"))</th>
        <th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_completion"))</th><th class="hide-s"></th>
        <th>\(c.t("page_week_change"))</th><th>\(c.t("page_rank_change"))</th><th>\(c.t("page_open_obstacles"))</th>
        <th>\(c.t("page_late"))</th><th class="hide-s">\(c.t("page_forecast"))</th></tr></thead><tbody>
        """
        for r in m.regions.sorted(by: { $0.rank < $1.rank }) {
            let before = m.weekAgo[r.regionCode]
            let week = r.progress - (before?.progress ?? 0)
            let move = (before?.rank ?? r.rank) - r.rank
            let moveText = move > 0 ? "<span class=\"ok\">↑\(move)</span>" : move < 0 ? "<span class=\"lag\">↓\(-move)</span>" : "–"
            let lagging = (r.completion ?? 1) < 0.8 ? " class=\"lag\"" : ""
            let name = HTMLPage.escape(c.language == .zh ? r.name : r.nameEn)
            let chance = r.forecast.probabilityByDeadline.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            h += "<tr data-region=\"\(HTMLPage.escape(r.regionCode))\"><td>\(r.rank)</td><td class=\"l\"><a href=\"\(c.link(Paths.region(r.regionCode)))\">\(name)</a>\(m.listed.contains(r.regionCode) ? Dashboard.listedTag(c) : "")</td>"
            h += "<td>\(r.target.map(String.init) ?? "—")</td><td>\(r.progress)</td><td\(lagging)>\(c.percent(r.completion))</td>"
            h += "<td class=\"hide-s\">\(Dashboard.bar(r.completion))</td><td>\(week)</td><td>\(moveText)</td><td>\(r.openObstacles)</td>"
            h += "<td>\(m.late.byRegion[r.regionCode] ?? 0)</td><td class=\"hide-s\">\(r.forecast.expectedAtDeadline) (\(chance))</td></tr>\n"
        }
        return h + "</tbody></table></div>"
    }
}
