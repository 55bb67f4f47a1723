import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// A contractor's page (施工单位): the sites it builds, its findings and how fast they were fixed,
/// as of any moment.
enum ContractorPage {
    struct Model {
        var name: String
        var sites: RolloutStorage.SitePage
        var tally: Safety.Tally
        var findings: [Safety.State]
        var at: Instant
    }

    /// The most sites listed (the count is the whole).
    static let siteLimit = 500

    struct Form: Decodable { var contractor: String?; var lang: String? }
    struct Body: Decodable { var contractor: String }

    /// The site a route names.
    static func site(_ context: RolloutContext) throws -> SiteKey {
        let opText = try context.parameters.require("operator")
        guard let op = Operator(codeOrName: opText) else { throw RolloutError("unknown_operator", kind: .notFound, ["value": opText]) }
        let raw = try context.parameters.require("code")
        return SiteKey(operator: op, code: raw.removingPercentEncoding ?? raw)
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.siteContractor) { request, context in
            let form = try await request.form(Form.self, upTo: 16 * 1024)
            let key = try site(context)
            try await service.setContractor(key, form.contractor ?? "", by: try context.requirePrincipal())
            let lang = FormSubmission.language(form.lang, request).rawValue
            return Response(status: .seeOther, headers: [.location: "\(Route.site.path(key.operator.rawValue, key.code))?lang=\(lang)"])
        }
        router.on(.apiSiteContractor) { request, context in
            let body = try await request.json(Body.self, upTo: 16 * 1024)
            try await service.setContractor(try site(context), body.contractor, by: try context.requirePrincipal())
            return try JSONResponse.ok(["contractor": body.contractor.trimmedSpaces])
        }
        router.on(.contractor) { request, context in
            let raw = try context.parameters.require("name")
            let name = raw.removingPercentEncoding ?? raw
            let c = try await PageHandler.context(request, context, service: service)
            var query = SiteQuery(perPage: siteLimit, networkOnly: true)
            query.contractor = name
            async let sites = service.sites(query, asOf: c.asOf, knownAt: c.knownAt)
            let safety = try await service.safety(c.stored.campaign, at: c.moment, withSites: false)
            let findings = safety.safety.findings.values.filter { $0.finding.contractor == name }.sorted { ($0.inspectedAt, $0.finding.ref) > ($1.inspectedAt, $1.finding.ref) }
            let page = try await sites
            guard page.total > 0 || !findings.isEmpty else { throw RolloutError("unknown_contractor", kind: .notFound, ["value": String(name.prefix(80))]) }
            let m = Model(name: name, sites: page, tally: safety.tallies.contractors[name] ?? Safety.Tally(), findings: findings, at: safety.at)
            return HTMLPage.html(view(m, context: c))
        }
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let t = m.tally
        let cards: [HTML] = [
            AdoptionPage.card("card-sites", c.t("page_sites"), "\(m.sites.total)"),
            AdoptionPage.card("card-findings", c.t("page_safety_findings"), "\(t.findings)", c.t("page_safety_major", ["value": "\(t.major)"])),
            AdoptionPage.card("card-per100", c.t("page_safety_per100"), t.per100(sites: m.sites.total).map { String(format: "%.2f", $0) } ?? "—"),
            AdoptionPage.card("card-unresolved", c.t("page_safety_unresolved"), "\(t.unresolved)", c.t("page_safety_overdue_count", ["value": "\(t.overdue)"])),
            AdoptionPage.card("card-days", c.t("page_safety_days_to_close"), c.decimal(t.meanDaysToClose)),
        ]
        let findingRows = m.findings.map { s -> HTML in
            let f = s.finding
            let place: HTML = f.site.map { k in "<a href=\"\(c.link(Route.site.path(k.operator.rawValue, k.code)))\">\(k.operator.rawValue)/\(k.code)</a>" } ?? HTML("\(f.regionCode)")
            let days = s.closedAt.map { String(format: "%.1f", Double($0.seconds - s.inspectedAt.seconds) / 86_400) } ?? "—"
            return """
            <tr data-ref="\(f.ref)"><td class="l">\(ShanghaiCalendar.dateString(s.inspectedAt))</td><td class="l">\(place)</td>\
            <td class="l">\(SafetyPage.categoryName(f.category, c))</td><td>\(c.t("safety_severity_\(f.severity.rawValue)"))</td><td class="l">\(f.text)</td>\
            <td>\(c.t("safety_status_\(s.status.rawValue)"))\(s.overdue(at: m.at) ? HTML(" <span class=\"tag escalated\">\(c.t("page_safety_overdue_tag"))</span>") : nil)</td><td>\(days)</td></tr>
            """
        }
        let siteRows = m.sites.sites.map { s -> HTML in
            """
            <tr><td class="l"><a href="\(c.link(Route.site.path(s.operator, s.siteCode)))">\(s.operator)/\(s.siteCode)</a></td><td class="l">\(s.name)</td>\
            <td class="l">\(s.regionCode)</td><td>\(Stage(rawValue: s.stage).map { c.name($0) } ?? s.stage)</td></tr>
            """
        }
        let body: HTML = """
        <div class="cards" id="contractor-cards">\(cards)</div>\
        <h2>\(c.t("page_safety_findings"))</h2><div class="scroll"><table id="contractor-findings"><thead><tr><th class="l">\(c.t("page_safety_inspected_at"))</th>\
        <th class="l">\(c.t("page_safety_place"))</th><th class="l">\(c.t("page_safety_category"))</th><th>\(c.t("page_safety_severity"))</th>\
        <th class="l">\(c.t("page_safety_finding"))</th><th>\(c.t("page_safety_status"))</th><th>\(c.t("page_safety_days_to_fix"))</th></tr></thead>\
        <tbody>\(findingRows.isEmpty ? Dashboard.noneRow(7, c) : findingRows.joined())</tbody></table></div>\
        <h2>\(c.t("page_sites"))</h2><div class="scroll"><table id="contractor-sites"><thead><tr><th class="l">\(c.t("page_safety_site_code"))</th>\
        <th class="l">\(c.t("page_site_name"))</th><th class="l">\(c.t("page_region"))</th><th>\(c.t("page_stage"))</th></tr></thead>\
        <tbody>\(siteRows.isEmpty ? Dashboard.noneRow(4, c) : siteRows.joined())</tbody></table></div>\
        \(m.sites.total > m.sites.sites.count ? Dashboard.more(m.sites.total, shown: m.sites.sites.count, c) : nil)
        """
        return HTMLPage.frame(title: Catalogue.text("page_contractor_title", c.language, ["value": m.name]), context: c,
                              path: Route.contractor.path(m.name), body: body)
    }
}
