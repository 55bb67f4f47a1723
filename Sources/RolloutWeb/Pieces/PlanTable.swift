import Foundation
import RolloutCore
import RolloutStorage

/// The plan's milestones as a table: each date, its cumulative number, whether it is past, in
/// force or ahead, its completion (a past one's on its day, from the day series), and what the
/// forecast expects by it (the one in force from the forecast itself, the later ones from its
/// `milestones`); with the sites the plan expects by now.
enum PlanTable {
    static func html(_ milestones: [MilestoneFigure], forecast: Forecast, plannedByNow: Int?, progress: Int, series: [DayProgress],
                     context c: PageContext) -> HTML {
        guard !milestones.isEmpty else { return "" }
        let byDay = Dictionary(series.map { ($0.date, $0.progress) }, uniquingKeysWith: { _, b in b })
        let later = Dictionary((forecast.milestones ?? []).map { ($0.due, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = milestones.map { m -> HTML in
            let state = m.inForce ? c.t("page_plan_in_force") : m.past ? c.t("page_plan_past") : c.t("page_plan_ahead")
            // A past milestone: what was built by its day (the day series), as it then stood against it.
            let done = m.past ? (byDay[m.due] ?? progress) : progress
            var expected = "—", chance = "—"
            if m.past { expected = c.t(done >= m.target ? "page_plan_met" : "page_plan_missed", ["value": "\(done)"]) }
            if m.inForce && !m.past {
                expected = "\(forecast.expectedAtDeadline)"
                chance = forecast.probabilityByDeadline.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            } else if let f = later[m.due] {
                expected = "\(f.expected)" + (f.expectedLow.flatMap { low in f.expectedHigh.map { " (\(low)–\($0))" } } ?? "")
                chance = f.probability.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            }
            return """
            <tr data-milestone="\(m.due)"\(m.inForce ? HTML(" class=\"current\"") : nil)><td class="l">\(m.due)</td><td>\(m.target)</td>\
            <td class="l">\(state)</td><td>\(c.percent(m.target > 0 ? Double(done) / Double(m.target) : nil))</td><td>\(expected)</td><td>\(chance)</td></tr>
            """
        }
        let note: HTML? = plannedByNow.map { "<p class=\"muted small\">\(c.t("page_plan_by_now", ["value": "\($0)", "progress": "\(progress)"]))</p>" }
        return """
        <h2>\(c.t("page_plan"))</h2><div class="scroll"><table id="plan"><thead><tr><th class="l">\(c.t("page_plan_due"))</th>\
        <th>\(c.t("page_plan_target"))</th><th class="l">\(c.t("page_plan_state"))</th><th>\(c.t("page_completion"))</th>\
        <th>\(c.t("page_plan_expected"))</th><th>\(c.t("page_plan_chance"))</th></tr></thead><tbody>\(rows)</tbody></table></div>\(note)
        """
    }

    /// The density card: sites on air per 10,000 people, with the population it is over.
    static func densityCard(_ perTenThousand: Double?, population: Int?, imputed: Bool, context c: PageContext) -> HTML? {
        guard let perTenThousand, let population else { return nil }
        let note = c.t(imputed ? "page_density_note_imputed" : "page_density_note", ["value": String(format: "%.1f", Double(population) / 10_000)])
        return Dashboard.card(c.t("page_density"), String(format: "%.2f", perTenThousand), live: "density", note: note)
    }
}
