import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension ReportingPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view
        let action = Route.reportingChange.pattern
        func options(_ selected: Reporting.Cadence) -> [HTML] {
            Reporting.Cadence.allCases.map { k -> HTML in
                "<option value=\"\(k.rawValue)\"\(k == selected ? HTML(" selected") : "")>\(c.t("page_reporting_cadence_\(k.rawValue)"))</option>"
            }
        }
        let forms: HTML? = !m.office ? nil : """
            <form method="post" action="\(action)" class="panel">\(c.formFields)<input type="hidden" name="action" value="rule">
            <label>\(c.t("page_reporting_operators")) <select name="operators">\(options(v.rule.operators))</select></label>
            <label>\(c.t("page_reporting_tower")) <select name="tower">\(options(v.rule.tower))</select></label>
            <label>\(c.t("page_reporting_districts")) <select name="districts">\(options(v.rule.districts))</select></label>
            <label>\(c.t("page_reporting_escalate_after")) <input name="escalate_after" size="3" value="\(v.rule.escalateAfter)"></label>
            <button class="btn" type="submit">\(c.t("page_reporting_set_rule"))</button></form>
            <form method="post" action="\(action)" class="panel">\(c.formFields)<input type="hidden" name="action" value="calendar">
            <label>\(c.t("page_reporting_year")) <input name="year" size="5" required></label>
            <label>\(c.t("page_reporting_calendar")) <textarea name="calendar" rows="4" cols="32" placeholder="2020-10-01,holiday&#10;2020-10-10,workday" required></textarea></label>
            <button class="btn" type="submit">\(c.t("page_reporting_load_calendar"))</button></form>
            """
        let rows = v.organisations.map { s -> HTML in
            let on = s.escalatedAt.map { " " + ShanghaiCalendar.dateString($0) } ?? ""
            let state: HTML = s.escalated ? "<b class=\"lag\">\(c.t("page_reporting_escalated"))\(on)</b>"
                : s.consecutiveMisses > 0 ? "<span class=\"lag\">\(c.t("page_reporting_missing"))</span>" : "\(c.t("page_reporting_on_time"))"
            let link: HTML = s.organisation.kind == .district
                ? "<a href=\"\(c.link(Route.region.path(s.organisation.code)))\">\(ReportingNotice.name(s.organisation, regions: m.names, c))</a>"
                : "\(ReportingNotice.name(s.organisation, regions: m.names, c))"
            return """
            <tr data-organisation="\(s.organisation.description)"><td class="l">\(link)</td><td class="l">\(c.t("page_reporting_cadence_\(s.cadence.rawValue)"))</td>\
            <td class="l">\(s.lastReport.map { ShanghaiCalendar.iso8601($0) } ?? "—")</td><td>\(s.missed)</td><td>\(s.consecutiveMisses)</td><td class="l">\(state)</td></tr>
            """
        }
        let calendar = v.calendarYears.isEmpty ? c.t("page_reporting_no_calendar") : c.t("page_reporting_calendar_years", ["value": v.calendarYears.map(String.init).joined(separator: "、")])
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_reporting_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "reporting-error", c))\
        <p class="muted" id="rule">\(c.t("page_reporting_rule", ["operators": c.t("page_reporting_cadence_\(v.rule.operators.rawValue)"),
                                                                   "tower": c.t("page_reporting_cadence_\(v.rule.tower.rawValue)"),
                                                                   "districts": c.t("page_reporting_cadence_\(v.rule.districts.rawValue)"),
                                                                   "value": "\(v.rule.escalateAfter)"])) \(calendar)</p>\(forms)\
        <h2>\(c.t("page_reporting_organisations", ["value": "\(v.days)"]))</h2>\
        <div class="scroll"><table id="reporting"><thead><tr><th class="l">\(c.t("page_reporting_organisation"))</th><th class="l">\(c.t("page_reporting_cadence"))</th>\
        <th class="l">\(c.t("page_reporting_last"))</th><th>\(c.t("page_reporting_missed"))</th><th>\(c.t("page_reporting_consecutive"))</th>\
        <th class="l">\(c.t("page_reporting_state"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_reporting", c.language), context: c, path: Route.reporting.pattern, body: body)
    }
}
