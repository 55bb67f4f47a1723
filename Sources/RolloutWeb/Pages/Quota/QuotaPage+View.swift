import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension QuotaPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        func name(_ code: String) -> String { m.names[code].map { c.name($0) } ?? code }
        func options(_ selected: String) -> [HTML] {
            m.regions.map { r -> HTML in "<option value=\"\(r.regionCode)\"\(r.regionCode == selected ? HTML(" selected") : "")>\(name(r.regionCode))</option>" }
        }
        let op = m.form.operator ?? ""
        let operators: HTML = "<option value=\"\">\(c.t("page_quota_any_operator"))</option>\(Operator.allCases.map { o -> HTML in "<option value=\"\(o.rawValue)\"\(o.rawValue == op ? HTML(" selected") : "")>\(c.name(o))</option>" })"
        let e = m.effect
        let proposals: HTML = m.proposals.isEmpty ? "<p class=\"muted\">\(c.t("page_quota_none"))</p>" : """
            <p id="effect">\(c.t("page_quota_effect", ["before": "\(e.regionsShortBefore)", "after": "\(e.regionsShortAfter)", "gapBefore": "\(e.shortfallBefore)",
                                                       "gapAfter": "\(e.shortfallAfter)", "target": e.campaignTarget.map(String.init) ?? "—",
                                                       "expected": "\(e.campaignExpected)"]))</p>\
            <div class="scroll"><table id="proposals"><thead><tr><th class="l">\(c.t("page_quota_from"))</th><th>\(c.t("page_quota_shortfall"))</th>\
            <th class="l">\(c.t("page_quota_to"))</th><th>\(c.t("page_quota_surplus"))</th><th>\(c.t("page_quota_sites"))</th><th></th></tr></thead><tbody>\
            \(m.proposals.map { p -> HTML in
                """
                <tr><td class="l">\(name(p.from))</td><td class="lag">\(p.shortfall)</td><td class="l">\(name(p.to))</td><td class="ok">\(p.surplus)</td>\
                <td>\(p.sites)</td><td><a class="btn" href="\(c.link(Route.quota.pattern, [("from", p.from), ("to", p.to), ("sites", "\(p.sites)")]))">\
                \(c.t("page_quota_use"))</a></td></tr>
                """
            })</tbody></table></div>
            """
        let regions = m.regions.map { r -> HTML in
            let expected = r.forecast.expectedAtDeadline
            return """
            <tr><td class="l">\(name(r.regionCode))</td><td data-region="\(r.regionCode)">\(r.target.map(String.init) ?? "—")</td><td>\(r.progress)</td>\
            <td\((r.target ?? 0) > expected ? Dashboard.lag : nil)>\(expected)</td></tr>
            """
        }
        let body: HTML = """
        <p class="muted">\(c.t("page_quota_intro"))</p>\
        \(m.moved.map { Dashboard.notice(c.t("page_quota_moved", ["value": $0]), id: "moved") })\(Dashboard.error(m.error, id: "quota-error", c))\
        <form method="post" action="\(Route.quotaMove.pattern)" class="panel" id="quota-form">\(c.formFields)
        <label>\(c.t("page_quota_from")) <select name="from">\(options(m.form.from ?? ""))</select></label>
        <label>\(c.t("page_quota_to")) <select name="to">\(options(m.form.to ?? ""))</select></label>
        <label>\(c.t("page_operator")) <select name="operator">\(operators)</select></label>
        <label>\(c.t("page_quota_sites")) <input name="sites" inputmode="numeric" size="6" value="\(m.form.sites ?? "")"></label>
        <label>\(c.t("page_quota_reason")) <input name="reason" maxlength="500" size="40" value="\(m.form.reason ?? "")"></label>
        <button class="btn" type="submit" id="move">\(c.t("page_quota_move"))</button></form>\
        <h2>\(c.t("page_quota_proposals"))</h2>\(proposals)\
        <h2>\(c.t("page_region"))</h2><div class="scroll"><table id="quota-regions"><thead><tr><th class="l">\(c.t("page_region"))</th>\
        <th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_forecast"))</th></tr></thead><tbody>\(regions)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_quota", c.language), context: c, path: Route.quota.pattern, body: body)
    }
}
