import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// A site's page: what it is and what carries it, its stage timeline, its log with both times
/// (when it happened, when the platform learned it), and its obstacles.
enum SiteDetailPage {
    /// How far the page looks for resources to share.
    static let matchRadius = 1_000.0

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.get("/sites/:operator/:code") { request, context in
            let opText = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: opText) else { throw RolloutError("unknown_operator", kind: .notFound, ["value": opText]) }
            let key = SiteKey(operator: op, code: try context.parameters.require("code"))
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            return try await cache.respond(request, service: service, contentType: ResponseCache.html, variant: c.cacheVariant) {
            let detail = try await service.site(key, asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let region = try await service.store.regions().first { $0.code == detail.site.regionCode }
            let matches = detail.site.stage == Stage.planned.rawValue
                ? try await service.matches(for: key, radius: matchRadius, limit: 10, asOf: request.query("as_of")) : nil
            return ByteBuffer(string: render(detail, region: region, matches: matches, context: c))
            }
        }
    }

    static func render(_ d: SiteDetail, region: Region?, matches: SiteMatches? = nil, context c: PageContext) -> String {
        let s = d.site
        func row(_ label: String, _ value: String) -> String { "<tr><th class=\"l\">\(label)</th><td class=\"l\">\(value)</td></tr>" }
        let op = Operator(rawValue: s.operator)
        var body = "<div class=\"grid\"><div><table id=\"site\">"
        body += row(c.t("page_operator"), op.map { "<a href=\"\(c.link(Paths.operator($0)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(s.operator))
        body += row(c.t("page_site"), "\(HTMLPage.escape(s.siteCode)) \(HTMLPage.escape(s.name))")
        body += row(c.t("page_region"), region.map { "<a href=\"\(c.link(Paths.region($0.code)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(s.regionCode))
        body += row(c.t("page_stage"), "<b data-live=\"stage\">\(Stage(rawValue: s.stage).map { c.name($0) } ?? "")</b>\(s.late ? " <span class=\"lag\">\(c.t("page_late"))</span>" : "")")
        body += row(c.t("page_kind"), SiteKind(rawValue: s.kind).map { c.name($0) } ?? HTMLPage.escape(s.kind))
        body += row(c.t("page_band"), HTMLPage.escape(s.band ?? "—"))
        body += row(c.t("page_host"), Host(rawValue: s.host).map { c.name($0) } ?? HTMLPage.escape(s.host))
        body += row(c.t("page_resource"), HTMLPage.escape(s.resourceId ?? "—"))
        body += row(c.t("page_coordinates"), String(format: "%.5f, %.5f", s.lat, s.lon))
        body += row(c.t("page_planned_on_air"), HTMLPage.escape(s.plannedOnAir ?? "—"))
        body += "</table></div><div><h2>\(c.t("page_timeline"))</h2><table id=\"timeline\"><thead><tr><th class=\"l\">\(c.t("page_stage"))</th><th class=\"l\">\(c.t("page_occurred"))</th></tr></thead><tbody>"
        for step in d.timeline {
            body += "<tr><td class=\"l\">\(Stage(rawValue: step.stage).map { c.name($0) } ?? "")</td><td class=\"l\">\(step.at)</td></tr>"
        }
        body += "</tbody></table></div></div>"
        body += "<h2>\(c.t("page_log"))</h2><div class=\"scroll\"><table id=\"log\"><thead><tr><th>#</th><th class=\"l\">\(c.t("page_report_kind"))</th>"
        body += "<th class=\"l\">\(c.t("page_stage"))</th><th class=\"l\">\(c.t("page_occurred"))</th><th class=\"l\">\(c.t("page_recorded"))</th>"
        body += "<th class=\"l\">\(c.t("page_actor"))</th><th class=\"l\">\(c.t("page_note"))</th></tr></thead><tbody>"
        for e in d.events {
            body += "<tr><td>\(e.seq)</td><td class=\"l\">\(HTMLPage.escape(e.kind))</td><td class=\"l\">\(e.stage.flatMap { Stage(rawValue: $0) }.map { c.name($0) } ?? "")</td>"
            body += "<td class=\"l\">\(e.occurredAt)</td><td class=\"l\">\(e.recordedAt)</td><td class=\"l\">\(HTMLPage.escape(e.actor))</td><td class=\"l\">\(HTMLPage.escape(e.note ?? ""))</td></tr>"
        }
        body += "</tbody></table></div><h2>\(c.t("page_obstacles"))</h2>"
        body += Dashboard.obstacleTable(d.obstacles, regions: region.map { [$0.code: $0] } ?? [:], escalate: false, back: Paths.site(d.site.operator, d.site.siteCode), context: c)
        if let m = matches, m.needsLocation {
            body += "<h2>\(c.t("page_matches", ["value": String(format: "%.0f", m.radiusM)]))</h2>"
            if m.candidates.isEmpty {
                body += "<p class=\"muted\">\(c.t("page_none"))</p>"
            } else {
                body += "<div class=\"scroll\"><table id=\"matches\"><thead><tr><th>\(c.t("page_distance"))</th><th class=\"l\">\(c.t("page_host"))</th>"
                body += "<th class=\"l\">\(c.t("page_owner"))</th><th class=\"l\">\(c.t("page_resource"))</th><th></th></tr></thead><tbody>"
                let mayRequest = c.principal.map { $0.role == .cityOffice || ($0.role == .operator && $0.operator?.rawValue == s.operator) } ?? false
                for x in m.candidates {
                    body += "<tr><td>\(Int(x.distanceM.rounded()))</td><td class=\"l\">\(c.name(x.resource.kind))</td>"
                    body += "<td class=\"l\">\(HTMLPage.escape(x.resource.owner))</td><td class=\"l\">\(HTMLPage.escape(x.resource.resourceId))</td><td class=\"l\">"
                    if mayRequest {
                        body += """
                        <form method="post" action="\(Paths.sharing)">\(c.csrfField)<input type="hidden" name="lang" value="\(c.language.rawValue)">
                        <input type="hidden" name="action" value="request"><input type="hidden" name="operator" value="\(HTMLPage.escape(s.operator))">
                        <input type="hidden" name="site_code" value="\(HTMLPage.escape(s.siteCode))"><input type="hidden" name="owner" value="\(HTMLPage.escape(x.resource.owner))">
                        <input type="hidden" name="resource_id" value="\(HTMLPage.escape(x.resource.resourceId))"><button class="btn" type="submit">\(c.t("page_request"))</button></form>
                        """
                    }
                    body += "</td></tr>"
                }
                body += "</tbody></table></div>"
            }
        }
        return HTMLPage.frame(title: Catalogue.text("page_site_title", c.language, ["value": "\(s.operator) \(s.siteCode)"]),
                              context: c, path: Paths.site(s.operator, s.siteCode), body: body)
    }
}
