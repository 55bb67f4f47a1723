import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension SharingPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let principal = m.principal
        let action = Route.sharingAction.pattern
        let rows = m.requests.map { r -> HTML in
            let q = r.request
            // The site a request names is the reader's (its own site, or the one its offer is asked
            // for); its page is linked for the accounts that read site records.
            let site: HTML = c.readsRecords ? Dashboard.siteLink(operator: q.site.operator.rawValue, code: q.site.code, c)
                : "\(q.site.operator.rawValue) \(q.site.code)"
            let mayAnswer = r.accepted == nil && (principal.role == .cityOffice || (principal.role == .resourceOwner && principal.owner == q.owner))
            let id: HTML = "<input type=\"hidden\" name=\"id\" value=\"\(q.id)\">"
            let forms: HTML? = !mayAnswer ? nil : """
                <form method="post" action="\(action)">\(c.formFields)\(id)<input type="hidden" name="action" value="accept"><button class="btn" type="submit">\(c.t("page_accept"))</button></form>
                <form method="post" action="\(action)">\(c.formFields)\(id)<input type="hidden" name="action" value="decline">
                <input name="reason" size="16" maxlength="500" aria-label="\(c.t("page_decline"))" required><button class="btn" type="submit">\(c.t("page_decline"))</button></form>
                """
            return """
            <tr data-request="\(q.id)"><td class="l">\(site)</td>\
            <td class="l">\(q.owner) · \(q.resourceId) (\(c.name(q.host)))</td>\
            <td class="l">\(q.note)<br><span class="small">\(c.t("page_requested_by")) \(r.requestedBy)</span></td>\
            <td class="l"><span class="tag">\(c.t("page_request_status_\(r.status)"))</span> \(r.reason ?? "")</td><td class="l">\(forms)</td></tr>
            """
        }
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_request_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "sharing-error", c))\
        \(m.offerRegions.map { offerSection(m, regions: $0, c) })\
        <h2>\(c.t("page_requests"))</h2>\(m.requests.isEmpty ? HTML("<p class=\"muted\">\(c.t("page_none_yet"))</p>") : nil)\
        <div class="scroll"><table id="requests"><tbody>\(rows)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_sharing", c.language), context: c, path: Route.sharing.pattern, body: body)
    }

    /// The offer form (the owner's name fixed for an owner) and the owner's offers.
    static func offerSection(_ m: Model, regions: [Region], _ c: PageContext) -> HTML {
        let principal = m.principal
        let errors: HTML? = m.offerErrors.isEmpty ? nil
            : "<ul class=\"lag\" id=\"offer-errors\">\(m.offerErrors.map { e -> HTML in "<li>\(e.column): \(e.message(c.language))</li>" })</ul>"
        let owner: HTML = principal.role == .resourceOwner
            ? "<input type=\"hidden\" name=\"owner\" value=\"\(principal.owner ?? "")\"><b>\(principal.owner ?? "")</b>"
            : "<label>\(c.t("page_offer_owner")) <input name=\"owner\" size=\"16\" maxlength=\"200\" required></label>"
        let form: HTML = """
        <h2>\(c.t("page_offer"))</h2>\(m.offered ? Dashboard.notice(c.t("page_request_done"), id: "offered") : nil)\(errors)\
        <form method="post" action="\(Route.sharingAction.pattern)" class="panel" id="offer-form">\(c.formFields)<input type="hidden" name="action" value="offer">\(owner)
        <label>\(c.t("page_offer_id")) <input name="resource_id" size="12" maxlength="100" required></label>
        <label>\(c.t("page_offer_kind")) <select name="kind">\(offerKinds.map { k -> HTML in "<option value=\"\(k.rawValue)\">\(c.name(k))</option>" })</select></label>
        <label>\(c.t("page_region")) <select name="region_code">\(regions.map { r -> HTML in "<option value=\"\(r.code)\">\(c.name(r))</option>" })</select></label>
        <label>\(c.t("page_offer_lat")) <input name="lat" size="9" inputmode="decimal" required></label>
        <label>\(c.t("page_offer_lon")) <input name="lon" size="9" inputmode="decimal" required></label>
        <label>\(c.t("page_offer_height")) <input name="height_m" size="5" inputmode="decimal"></label>
        <button class="btn" type="submit">\(c.t("page_offer_submit"))</button></form>
        """
        guard principal.owner != nil, principal.role == .resourceOwner else { return form }
        let offers = m.offers.prefix(500).map { o -> HTML in
            """
            <tr><td class="l">\(o.resourceId)</td><td class="l">\(c.name(o.kind))</td><td class="l">\(o.regionCode)</td>\
            <td>\(String(format: "%.5f, %.5f", o.lat, o.lon))</td><td>\(o.heightM.map { String(format: "%.0f m", $0) } ?? "")</td></tr>
            """
        }
        return """
        \(form)<div class="scroll"><table id="offers"><tbody>\(offers)\
        \(m.offers.isEmpty ? HTML("<tr><td class=\"l\">\(c.t("page_none_yet"))</td></tr>") : nil)</tbody></table></div>
        """
    }
}
