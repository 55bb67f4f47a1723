import Foundation
import RolloutApplication
import RolloutCore

extension Bulletin {
    /// The plan and its spend at the cut-off: every milestone (its day, number, state and
    /// completion, a past one's on its day), what the plan expects by the cut-off, and the city's
    /// planned and actual spend, against plan and per built site.
    static func plan(_ m: BulletinContent, _ c: PageContext) -> HTML {
        let s = m.summary
        let byDay = Dictionary(m.series.map { ($0.date, $0.progress) }, uniquingKeysWith: { _, b in b })
        let rows = s.milestones.map { x -> HTML in
            let done = x.past ? (byDay[x.due] ?? s.progress) : s.progress
            let state = x.inForce ? t("page_plan_in_force") : x.past ? t(done >= x.target ? "page_plan_met" : "page_plan_missed", ["value": "\(done)"]) : t("page_plan_ahead")
            return "<tr><td class=\"l\">\(x.due)</td><td>\(x.target)</td><td class=\"l\">\(state)</td><td>\(c.percent(x.target > 0 ? Double(done) / Double(x.target) : nil))</td></tr>"
        }
        let table: HTML = rows.isEmpty ? "<p>\(t("bulletin_none"))</p>" : """
            <table id="bulletin-plan"><thead><tr><th class="l">\(t("page_plan_due"))</th><th>\(t("page_plan_target"))</th>\
            <th class="l">\(t("page_plan_state"))</th><th>\(t("bulletin_completion"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        let planned: HTML? = s.plannedByNow.map { "<p id=\"planned\">\(t("page_plan_by_now", ["value": "\($0)", "progress": "\(s.progress)"]))</p>" }
        guard let v = m.investments, v.city.sum.planned != nil || v.city.sum.actual != nil else { return "\(table)\(planned)" }
        let spend = t("bulletin_investment_line", ["planned": PlanPage.money(v.city.sum.planned, c), "actual": PlanPage.money(v.city.sum.actual, c),
                                                   "of_plan": c.percent(v.city.sum.ofPlan), "per_site": PlanPage.perSite(v.city.perSite, c)])
        return "\(table)\(planned)<p id=\"investment\">\(spend)</p>"
    }
}
