import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Moving quota between regions (the city office): `/quota` shows each region's target against its
/// forecast, the proposed moves with their effect, and a form to move; the API does the same.
enum QuotaRoutes {
    struct MoveBody: Decodable { var from: String; var to: String; var `operator`: String?; var sites: Int; var reason: String }
    struct Form: Decodable { var from: String?; var to: String?; var `operator`: String?; var sites: String?; var reason: String?; var lang: String? }
    struct ProposalsJSON: Encodable { var proposals: [QuotaAdvisor.Proposal]; var effect: QuotaAdvisor.Effect }
    struct MovedJSON: Encodable { var targets: [TargetSetting] }

    static func move(_ from: String?, _ to: String?, _ op: String?, _ sites: String?, _ reason: String?) throws -> QuotaMove {
        var o: Operator? = nil
        if let op, !op.isEmpty {
            guard let parsed = Operator(codeOrName: op) else { throw RolloutError("unknown_operator", ["value": op]) }
            o = parsed
        }
        guard let text = sites?.trimmingCharacters(in: .whitespaces), let n = Int(text) else { throw RolloutError("quota_bad_count", ["value": sites ?? ""]) }
        return QuotaMove(from: from ?? "", to: to ?? "", operator: o, sites: n, reason: reason ?? "")
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get("/quota") { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post("/quota") { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            do {
                let m = try move(form.from, form.to, form.operator, form.sites, form.reason)
                _ = try await service.moveQuota(m, by: try context.requirePrincipal())
                return Response(status: .seeOther, headers: [.location: "\(Paths.quota)?lang=\(lang.rawValue)&moved=\(m.sites)"])
            } catch let e as RolloutError where e.kind == .invalid || e.kind == .notFound {
                // The form again, with what was typed and what is wrong.
                return try await page(request, context, service: service, error: e, status: .badRequest, form: form)
            }
        }
        router.get("/api/v1/quota/proposals") { request, _ in
            let (proposals, effect) = try await service.quotaProposals(asOf: request.query("as_of"))
            return try JSONResponse.ok(ProposalsJSON(proposals: proposals, effect: effect))
        }
        router.post("/api/v1/quota/moves") { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(MoveBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            let m = try move(body.from, body.to, body.operator, "\(body.sites)", body.reason)
            return try JSONResponse.ok(MovedJSON(targets: try await service.moveQuota(m, by: try context.requirePrincipal())))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status, form: Form? = nil) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let regions = try await service.regions()
        let byCode = Dictionary(uniqueKeysWithValues: try await service.store.regions().map { ($0.code, $0) })
        let (proposals, effect) = try await service.quotaProposals()
        func name(_ code: String) -> String { byCode[code].map { c.name($0) } ?? HTMLPage.escape(code) }
        var body = "<p class=\"muted\">\(c.t("page_quota_intro"))</p>"
        if let moved = request.query("moved") { body += "<p class=\"notice\" id=\"moved\">\(c.t("page_quota_moved", ["value": moved]))</p>" }
        if let error { body += "<p class=\"lag\" id=\"quota-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        // The form, filled from a proposal's link or from what was sent.
        let from = form?.from ?? request.query("from") ?? "", to = form?.to ?? request.query("to") ?? ""
        let sites = form?.sites ?? request.query("sites") ?? "", op = form?.operator ?? ""
        func options(_ selected: String) -> String {
            regions.map { "<option value=\"\(HTMLPage.escape($0.regionCode))\"\($0.regionCode == selected ? " selected" : "")>\(name($0.regionCode))</option>" }.joined()
        }
        let ops = "<option value=\"\">\(c.t("page_quota_any_operator"))</option>" + Operator.allCases.map {
            "<option value=\"\($0.rawValue)\"\($0.rawValue == op ? " selected" : "")>\(c.name($0))</option>"
        }.joined()
        body += """
        <form method="post" action="\(Paths.quota)" class="panel" id="quota-form">\(c.csrfField)<input type="hidden" name="lang" value="\(c.language.rawValue)">
        <label>\(c.t("page_quota_from")) <select name="from">\(options(from))</select></label>
        <label>\(c.t("page_quota_to")) <select name="to">\(options(to))</select></label>
        <label>\(c.t("page_operator")) <select name="operator">\(ops)</select></label>
        <label>\(c.t("page_quota_sites")) <input name="sites" inputmode="numeric" size="6" value="\(HTMLPage.escape(sites))"></label>
        <label>\(c.t("page_quota_reason")) <input name="reason" maxlength="500" size="40" value="\(HTMLPage.escape(form?.reason ?? ""))"></label>
        <button class="btn" type="submit" id="move">\(c.t("page_quota_move"))</button></form>
        """
        body += "<h2>\(c.t("page_quota_proposals"))</h2>"
        if proposals.isEmpty {
            body += "<p class=\"muted\">\(c.t("page_quota_none"))</p>"
        } else {
            body += "<p id=\"effect\">\(c.t("page_quota_effect", ["before": "\(effect.regionsShortBefore)", "after": "\(effect.regionsShortAfter)", "gapBefore": "\(effect.shortfallBefore)", "gapAfter": "\(effect.shortfallAfter)", "target": effect.campaignTarget.map(String.init) ?? "—", "expected": "\(effect.campaignExpected)"]))</p>"
            body += "<div class=\"scroll\"><table id=\"proposals\"><thead><tr><th class=\"l\">\(c.t("page_quota_from"))</th><th>\(c.t("page_quota_shortfall"))</th><th class=\"l\">\(c.t("page_quota_to"))</th><th>\(c.t("page_quota_surplus"))</th><th>\(c.t("page_quota_sites"))</th><th></th></tr></thead><tbody>"
            for p in proposals {
                let link = c.link(Paths.quota, [("from", p.from), ("to", p.to), ("sites", "\(p.sites)")])
                body += "<tr><td class=\"l\">\(name(p.from))</td><td class=\"lag\">\(p.shortfall)</td><td class=\"l\">\(name(p.to))</td><td class=\"ok\">\(p.surplus)</td><td>\(p.sites)</td><td><a class=\"btn\" href=\"\(link)\">\(c.t("page_quota_use"))</a></td></tr>"
            }
            body += "</tbody></table></div>"
        }
        body += "<h2>\(c.t("page_region"))</h2><div class=\"scroll\"><table id=\"quota-regions\"><thead><tr><th class=\"l\">\(c.t("page_region"))</th><th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_forecast"))</th></tr></thead><tbody>"
        for r in regions {
            let expected = r.forecast.expectedAtDeadline
            let short = (r.target ?? 0) > expected
            body += "<tr><td class=\"l\">\(name(r.regionCode))</td><td data-region=\"\(HTMLPage.escape(r.regionCode))\">\(r.target.map(String.init) ?? "—")</td><td>\(r.progress)</td><td\(short ? " class=\"lag\"" : "")>\(expected)</td></tr>"
        }
        body += "</tbody></table></div>"
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_quota", c.language), context: c, path: Paths.quota, body: body), status: status)
    }
}
