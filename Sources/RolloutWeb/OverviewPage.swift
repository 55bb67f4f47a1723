import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// The city overview: the headline numbers and the regions ranked, as of any moment.
enum OverviewPage {
    static func add<Context: RequestContext>(to router: Router<Context>, service: CampaignService) {
        router.get("/") { request, _ in
            let lang = request.language
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let (summary, regions) = try await service.figures(stored.campaign, at: moment)
            return HTMLPage.html(render(summary: summary, regions: regions, moment: moment, language: lang))
        }
    }

    static func render(summary s: Summary, regions: [RegionFigures], moment: ReadMoment, language l: Language) -> String {
        func t(_ key: String, _ args: [String: String] = [:]) -> String { HTMLPage.escape(Catalogue.text(key, l, args)) }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        let day = ShanghaiCalendar.dateString(moment.asOf.before.adding(seconds: -1))
        let other = l == .zh ? "en" : "zh"
        var body = """
        <form method="get" action="/"><label>\(t("page_as_of")) <input type="date" name="as_of" value="\(day)"></label>
        <input type="hidden" name="lang" value="\(l.rawValue)"><button type="submit">\(t("page_show"))</button>
        <a href="/?as_of=\(day)&amp;lang=\(other)">\(t("page_other_language"))</a></form>
        <p class="muted">\(t("page_as_of_line", ["as_of": s.asOf, "deadline": s.deadline]))</p>
        <div class="cards">
        <div class="card"><span class="muted">\(t("page_target"))</span><b>\(s.target)</b></div>
        <div class="card"><span class="muted">\(t("page_progress"))</span><b>\(s.progress)</b><span class="muted">\(pct(s.completion))</span></div>
        <div class="card"><span class="muted">\(t("page_built"))</span><b>\(s.built)</b></div>
        <div class="card"><span class="muted">\(t("page_open_obstacles"))</span><b>\(s.openObstacles)</b></div>
        <div class="card"><span class="muted">\(t("page_forecast"))</span><b>\(s.forecast.expectedAtDeadline)</b><span class="muted">\(t("page_pace", ["pace": String(format: "%.0f", s.forecast.pacePerDay)]))</span></div>
        </div>
        <div class="scroll"><table><thead><tr><th>\(t("page_rank"))</th><th>\(t("page_region"))</th><th>\(t("page_target"))</th><th>\(t("page_progress"))</th><th>\(t("page_completion"))</th><th>\(t("page_built"))</th><th>\(t("page_open_obstacles"))</th></tr></thead><tbody>
        """
        for r in regions.sorted(by: { $0.rank < $1.rank }) {
            let lagging = (r.completion ?? 1) < 0.8 ? " class=\"lag\"" : ""
            body += "<tr><td>\(r.rank)</td><td>\(HTMLPage.escape(l == .zh ? r.name : r.nameEn))</td><td>\(r.target.map(String.init) ?? "—")</td>"
            body += "<td>\(r.progress)</td><td\(lagging)>\(pct(r.completion))</td><td>\(r.built)</td><td>\(r.openObstacles)</td></tr>\n"
        }
        body += "</tbody></table></div>"
        return HTMLPage.frame(title: s.campaign, language: l, body: body)
    }
}
