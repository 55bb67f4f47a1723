import Foundation
import RolloutApplication
import RolloutCore
import RolloutTexts

extension PlanPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let s = m.summary
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_plan_done"), id: "done") : nil)\
        \(m.moved.map { Dashboard.notice(c.t("page_plan_moved", ["value": "\($0)"]), id: "moved") })\(Dashboard.error(m.error, id: "plan-error", c))\
        <p class="muted">\(c.t("page_plan_intro"))</p>\
        \(PlanTable.html(s.milestones, forecast: s.forecast, plannedByNow: s.plannedByNow, progress: s.progress, series: m.series, context: c))\
        <h2>\(c.t("page_investment"))</h2>\(cards(m.view.city, c))\(yearTable(m.view, c))\
        <h2>\(c.t("page_investment_by_operator"))</h2>\(lineTable(m.view.operators, id: "investment-operators", label: { Operator(rawValue: $0).map { c.name($0) } ?? $0 }, c))\
        <h2>\(c.t("page_investment_by_region"))</h2>\(lineTable(m.view.regions, id: "investment-regions", label: { m.regions[$0].map { c.name($0) } ?? $0 }, c))\
        \(moveForm(m, c))\(form(m, c))
        """
        return HTMLPage.frame(title: c.t("page_plan_title"), context: c, path: Route.plan.pattern, body: body)
    }

    /// Yuan as 亿元 (10⁸) in Chinese, millions in English.
    static func money(_ v: Int64?, _ c: PageContext) -> String {
        guard let v else { return "—" }
        if c.language == .zh { return String(format: "%.2f 亿元", Double(v) / 1e8) }
        return v >= 1_000_000_000 ? String(format: "¥%.2f bn", Double(v) / 1e9) : String(format: "¥%.1f m", Double(v) / 1e6)
    }

    static func perSite(_ v: Int64?, _ c: PageContext) -> String {
        guard let v else { return "—" }
        return c.language == .zh ? String(format: "%.1f 万元", Double(v) / 1e4) : String(format: "¥%.0f k", Double(v) / 1e3)
    }

    static func cards(_ city: InvestmentView.Line, _ c: PageContext) -> HTML {
        let cards: [HTML] = [
            Dashboard.card(c.t("page_investment_planned"), money(city.sum.planned, c), live: "investment_planned"),
            Dashboard.card(c.t("page_investment_actual"), money(city.sum.actual, c), live: "investment_actual", note: c.percent(city.sum.ofPlan)),
            Dashboard.card(c.t("page_investment_per_site"), perSite(city.perSite, c), live: "investment_per_site",
                           note: c.t("page_investment_per_site_note", ["value": "\(city.progress)"])),
        ]
        return "<div class=\"cards\" id=\"investment-cards\">\(cards)</div>"
    }

    static func yearTable(_ v: InvestmentView, _ c: PageContext) -> HTML {
        let rows = v.years.map { y -> HTML in
            let s = v.city.byYear[y] ?? Investments.Sum()
            return "<tr data-year=\"\(y)\"><td class=\"l\">\(y)</td><td>\(money(s.planned, c))</td><td>\(money(s.actual, c))</td><td>\(c.percent(s.ofPlan))</td></tr>"
        }
        return """
        <div class="scroll"><table id="investment-years"><thead><tr><th class="l">\(c.t("page_investment_year"))</th><th>\(c.t("page_investment_planned"))</th>\
        <th>\(c.t("page_investment_actual"))</th><th>\(c.t("page_investment_of_plan"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    static func lineTable(_ lines: [InvestmentView.Line], id: String, label: (String) -> String, _ c: PageContext) -> HTML {
        guard !lines.isEmpty else { return "<p class=\"muted\">\(c.t("page_none"))</p>" }
        let rows = lines.map { l -> HTML in
            """
            <tr data-key="\(l.key)"><td class="l">\(label(l.key))</td><td>\(money(l.sum.planned, c))</td><td>\(money(l.sum.actual, c))</td>\
            <td>\(c.percent(l.sum.ofPlan))</td><td>\(l.progress)</td><td>\(perSite(l.perSite, c))</td></tr>
            """
        }
        return """
        <div class="scroll"><table id="\(id)"><thead><tr><th class="l"></th><th>\(c.t("page_investment_planned"))</th><th>\(c.t("page_investment_actual"))</th>\
        <th>\(c.t("page_investment_of_plan"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_investment_per_site"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    /// The city office's form to move a milestone's date (every line due that day, or one region's).
    static func moveForm(_ m: Model, _ c: PageContext) -> HTML {
        guard m.moves, !m.summary.milestones.isEmpty else { return "" }
        let dues = m.summary.milestones.map { x -> HTML in "<option value=\"\(x.due)\">\(x.due)</option>" }
        let regions = m.regions.values.sorted { $0.code < $1.code }.map { r -> HTML in "<option value=\"\(r.code)\">\(c.name(r))</option>" }
        return """
        <h2>\(c.t("page_plan_move"))</h2><form method="post" action="\(Route.planMove.pattern)" class="panel" id="milestone-form">\(c.formFields)\
        <label>\(c.t("page_plan_move_from")) <select name="from">\(dues)</select></label> \
        <label>\(c.t("page_plan_move_to")) <input type="date" name="to" required></label> \
        <label>\(c.t("page_plan_move_region")) <select name="region"><option value="">—</option>\(regions)</select></label> \
        <label>\(c.t("page_plan_move_reason")) <input name="reason" required maxlength="500" size="24"></label> \
        <button class="btn" type="submit">\(c.t("page_plan_move_submit"))</button><p class="muted small">\(c.t("page_plan_move_note"))</p></form>
        """
    }

    static func form(_ m: Model, _ c: PageContext) -> HTML {
        guard m.records else { return "" }
        let regions = m.regions.values.sorted { $0.code < $1.code }.map { r -> HTML in "<option value=\"\(r.code)\">\(c.name(r))</option>" }
        let operators = (m.fixedOperator.map { [$0] } ?? Operator.network).map { o -> HTML in "<option value=\"\(o.rawValue)\">\(c.name(o))</option>" }
        let years = m.view.years.map { y -> HTML in "<option value=\"\(y)\">\(y)</option>" }
        return """
        <h2>\(c.t("page_investment_record"))</h2><form method="post" action="\(Route.planAction.pattern)" class="panel" id="investment-form">\(c.formFields)\
        <label>\(c.t("page_investment_year")) <select name="year">\(years)</select></label> \
        <label>\(c.t("page_region")) <select name="region_code">\(regions)</select></label> \
        <label>\(c.t("page_operator")) <select name="operator">\(operators)</select></label> \
        <label>\(c.t("page_investment_planned_cny")) <input name="planned_cny" inputmode="numeric" size="14"></label> \
        <label>\(c.t("page_investment_actual_cny")) <input name="actual_cny" inputmode="numeric" size="14"></label> \
        <button class="btn" type="submit">\(c.t("page_investment_submit"))</button><p class="muted small">\(c.t("page_investment_form_note"))</p></form>
        """
    }
}
