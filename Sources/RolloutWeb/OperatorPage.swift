import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// An operator's page: its sites by stage and region, its obstacles, its late sites and what it
/// reported day by day.
enum OperatorPage {
    struct Model {
        var op: Operator
        var counters: CounterValues
        var atStart: CounterValues
        var regions: [Region]
        var obstacles: ObstaclePage
        var late: LateSites
        var reports: [ReportDay]
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.get("/operators/:operator") { request, context in
            let text = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: text) else { throw RolloutError("unknown_operator", kind: .notFound, ["value": text]) }
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            return try await cache.respond(request, service: service, contentType: ResponseCache.html, variant: c.cacheVariant) {
            // The page's reads, side by side.
            async let counters = service.store.counters(at: moment)
            async let atStart = service.store.counters(at: moment.at(Cutoff(before: stored.campaign.start)))
            async let regions = service.store.regions()
            async let obstacles = service.store.obstacles(ObstacleQuery(operator: op, status: .open, perPage: 100), at: moment)
            async let late = service.store.lateSites(region: nil, operator: op, limit: 50, at: moment)
            async let reports = service.store.reports(operator: op, days: 30, at: moment)
            let m = Model(op: op, counters: try await counters, atStart: try await atStart, regions: try await regions,
                          obstacles: try await obstacles, late: try await late, reports: try await reports)
            return ByteBuffer(string: render(m, context: c))
            }
        }
    }

    static func render(_ m: Model, context c: PageContext) -> String {
        let op = m.op.rawValue
        let built = m.counters.built(operator: op)
        let sites = Stage.allCases.reduce(0) { $0 + m.counters.sites(at: $1, operator: op) }
        var body = "<div class=\"cards\">"
        body += Dashboard.card(c.t("page_sites"), "\(sites)", live: "sites")
        body += Dashboard.card(c.t("page_progress"), "\(built - m.atStart.built(operator: op))", live: "progress")
        body += Dashboard.card(c.t("page_built"), "\(built)", live: "built")
        body += Dashboard.card(c.t("page_open_obstacles"), "\(m.obstacles.total)", live: "open_obstacles")
        body += Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", alarm: m.late.total > 0)
        body += "</div><h2>\(c.t("page_stages"))</h2><div class=\"scroll\"><table id=\"stages\"><thead><tr><th class=\"l\">\(c.t("page_region"))</th>"
        body += Stage.allCases.map { "<th>\(c.name($0))</th>" }.joined() + "<th>\(c.t("page_late"))</th></tr></thead><tbody>"
        for r in m.regions {
            let counts = Stage.allCases.map { m.counters.sites(at: $0, region: r.code, operator: op) }
            guard counts.contains(where: { $0 != 0 }) else { continue }
            body += "<tr><td class=\"l\"><a href=\"\(c.link(Paths.region(r.code)))\">\(c.name(r))</a></td>"
            body += counts.map { "<td>\($0)</td>" }.joined() + "<td>\(m.late.byRegion[r.code] ?? 0)</td></tr>"
        }
        body += "<tr><th class=\"l\">Σ</th>" + Stage.allCases.map { "<th>\(m.counters.sites(at: $0, operator: op))</th>" }.joined()
        body += "<th>\(m.late.total)</th></tr></tbody></table></div>"
        let byCode = Dictionary(uniqueKeysWithValues: m.regions.map { ($0.code, $0) })
        body += "<h2>\(c.t("page_obstacles"))</h2>"
        body += Dashboard.obstacleTable(m.obstacles.obstacles, regions: byCode, escalate: false, back: Paths.operator(m.op), context: c)
        if m.obstacles.total > m.obstacles.obstacles.count {
            body += "<p class=\"muted\">\(c.t("page_more", ["value": "\(m.obstacles.total)", "shown": "\(m.obstacles.obstacles.count)"]))</p>"
        }
        body += "<h2>\(c.t("page_late"))</h2>" + Dashboard.lateTable(m.late, regions: byCode, context: c)
        body += "<h2>\(c.t("page_reports"))</h2><div class=\"scroll\"><table><thead><tr><th class=\"l\">\(c.t("page_report_date"))</th>"
        body += "<th class=\"l\">\(c.t("page_report_kind"))</th><th class=\"l\">\(c.t("page_actor"))</th><th>\(c.t("page_events"))</th></tr></thead><tbody>"
        for r in m.reports {
            body += "<tr><td class=\"l\">\(r.date)</td><td class=\"l\">\(HTMLPage.escape(r.kind))</td><td class=\"l\">\(HTMLPage.escape(r.actor))</td><td>\(r.events)</td></tr>"
        }
        if m.reports.isEmpty { body += "<tr><td class=\"l\" colspan=\"4\">\(c.t("page_none"))</td></tr>" }
        body += "</tbody></table></div>"
        return HTMLPage.frame(title: Catalogue.text("page_operator_title", c.language, ["value": m.op.name(c.language)]),
                              context: c, path: Paths.operator(m.op), body: body)
    }
}
