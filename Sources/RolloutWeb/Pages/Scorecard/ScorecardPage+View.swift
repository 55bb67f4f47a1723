import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension ScorecardPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view
        let parts = Scorecard.Part.allCases
        func number(_ x: Double?) -> HTML {
            guard let x else { return "<span class=\"muted\">\(c.t("page_scorecard_no_data"))</span>" }
            return "\(String(format: "%.1f", x))"
        }
        let weightsText = parts.map { "\(c.t("scorecard_part_\($0.rawValue)")) \(String(format: "%g", v.weights[$0]))" }.joined(separator: " · ")
        let setText = v.weightsSet.map { c.t("page_scorecard_weights_set", ["by": $0.by, "at": ShanghaiCalendar.iso8601($0.at)]) }
            ?? c.t("page_scorecard_weights_standard")
        let previous = v.previous.map { c.t("page_scorecard_previous", ["value": ShanghaiCalendar.iso8601($0.cutoff)]) } ?? c.t("page_scorecard_no_previous")
        let rows = v.lines.map { l -> HTML in
            let change: HTML = switch v.rankChange(l.region) {
            case let d? where d > 0: "<span class=\"ok\">▲\(d)</span>"
            case let d? where d < 0: "<span class=\"lag\">▼\(-d)</span>"
            case 0?: "="
            default: "—"
            }
            let name = v.regions[l.region]?.name(c.language) ?? l.region
            let cells = parts.map { p -> HTML in "<td data-part=\"\(p.rawValue)\">\(number(l.parts[p] ?? nil))</td>" }
            return """
            <tr data-region="\(l.region)"><td>\(l.rank.map(String.init) ?? "—")</td><td>\(change)</td>\
            <td class="l"><a href="\(c.link(Route.region.path(l.region)))">\(name)</a></td><td class="score"><b>\(number(l.score))</b></td>\(cells)</tr>
            """
        }
        let heads = parts.map { p -> HTML in "<th>\(c.t("scorecard_part_\(p.rawValue)"))<br><span class=\"small muted\">× \(String(format: "%g", v.weights[p]))</span></th>" }
        let inputs = parts.map { p -> HTML in
            "<label>\(c.t("scorecard_part_\(p.rawValue)")) <input name=\"\(p.rawValue)\" size=\"4\" inputmode=\"decimal\" value=\"\(String(format: "%g", v.weights[p]))\"></label>"
        }
        let form: HTML? = !m.office ? nil : """
            <form method="post" action="\(Route.scorecardAction.pattern)" class="panel" id="weights-form">\(c.formFields)\(inputs)\
            <button class="btn" type="submit">\(c.t("page_scorecard_set_weights"))</button></form>
            """
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_scorecard_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "scorecard-error", c))\
        <p class="muted">\(c.t("page_scorecard_intro", ["days": "\(v.reportingDays)"]))</p>\
        <p id="weights">\(c.t("page_scorecard_weights")): \(weightsText) \(setText). \(previous)</p>\(form)\
        <div class="scroll"><table id="scorecard"><thead><tr><th>\(c.t("page_scorecard_rank"))</th><th>\(c.t("page_scorecard_change"))</th>\
        <th class="l">\(c.t("page_region"))</th><th>\(c.t("page_scorecard_score"))</th>\(heads)</tr></thead><tbody>\(rows)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_scorecard", c.language), context: c, path: Route.scorecard.pattern, body: body)
    }
}
