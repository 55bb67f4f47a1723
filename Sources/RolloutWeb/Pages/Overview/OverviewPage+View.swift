import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage

extension OverviewPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let s = m.summary
        let regionsByCode = Dictionary(uniqueKeysWithValues: m.regionList.map { ($0.code, $0) })
        let unmapped = m.regions.filter { m.outlines[$0.regionCode] == nil }.map { c.language == .zh ? $0.name : $0.nameEn }.joined(separator: "、")
        let older = m.obstacles.byCategory.reduce(0) { $0 + $1.olderThanWeek }
        let cards: [HTML] = [
            Dashboard.card(c.t("page_target"), "\(s.target)", live: "target"),
            Dashboard.card(c.t("page_progress"), "\(s.progress)", live: "progress", note: c.percent(s.completion)),
            Dashboard.card(c.t("page_built"), "\(s.built)", live: "built", note: c.t("page_pace", ["pace": String(format: "%.0f", s.forecast.pacePerDay)])),
            Dashboard.forecastCard(s.forecast, progress: s.progress, target: s.target, context: c),
            Dashboard.card(c.t("page_open_obstacles"), "\(s.openObstacles)", live: "open_obstacles", note: "\(c.t("page_older_than_week")) \(older)"),
            Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", note: c.t("page_late_hint"), alarm: m.late.total > 0),
            Dashboard.card(c.t("page_sharing_rate"), c.percent(s.sharingRate), live: "sharing_rate",
                           note: c.t("page_sharing_note", ["shared": "\(s.shared)", "sites": "\(s.sites)"])),
        ] + [VerifiedFigures.card(verified: s.verified, unverified: s.unverified, c),
             PlanTable.densityCard(s.sitesPerTenThousand, population: s.population, imputed: s.populationImputed, context: c)].compactMap { $0 }
        let unmappedNote: HTML? = unmapped.isEmpty ? nil : "<p class=\"muted small\">\(c.t("page_map_unmapped", ["value": unmapped]))</p>"
        let byUnit = Dashboard.groupTable(m.obstacles.byResponsible, heading: c.t("page_obstacles_by_unit"),
                                          label: { $0.isEmpty ? c.t("page_unassigned") : $0 }, context: c)
        // A figures-only account: the counts and groups, not the lists.
        let lists: HTML = !m.records ? Dashboard.figuresOnly(c) : """
            \(Dashboard.obstacleTable(m.obstacles.obstacles, regions: regionsByCode, escalate: false, back: Route.overview.pattern, context: c))\
            \(m.obstacles.total > m.obstacles.obstacles.count ? Dashboard.more(m.obstacles.total, shown: m.obstacles.obstacles.count, c) : nil)\
            <h2>\(c.t("page_late"))</h2>\(Dashboard.lateTable(m.late, regions: regionsByCode, context: c))
            """
        let body: HTML = """
        <p class="muted">\(c.t("page_as_of_line", ["as_of": s.asOf, "deadline": s.due ?? s.deadline]))</p>\
        \(ReportingNotice.html(m.lateReporting, regions: regionsByCode, c))<div class="cards">\(cards)</div>\
        \(ReconciliationLine.html(m.reconciliation, c))\(VerifiedFigures.basisLine(verified: s.verified, basis: s.rankBasis, c))\
        <div class="grid"><div class="panel"><h2>\(c.t("page_burnup"))</h2>\(Dashboard.chart(m.series, target: s.target, milestones: s.milestones, forecast: s.forecast, context: c))\
        <p class="muted small">\(c.t(s.forecast.method == "stage_durations" ? "page_forecast_method" : "page_forecast_pace"))</p></div>\
        <div class="panel"><h2>\(c.t("page_map"))</h2>\(DistrictMap.city(outlines: m.outlines, regions: m.regions, context: c))\(unmappedNote)</div></div>\
        \(PlanTable.html(s.milestones, forecast: s.forecast, plannedByNow: s.plannedByNow, progress: s.progress, series: m.series, context: c))\
        <h2>\(c.t("page_regions_ranked"))</h2>\(regionTable(m, context: c))\
        <h2>\(c.t("page_obstacles"))</h2><div class="grid"><div>\
        \(Dashboard.groupTable(m.obstacles.byCategory, heading: c.t("page_obstacles_by_category"), label: { Dashboard.categoryName($0, c) }, context: c))\
        </div><div>\(byUnit)</div></div><p></p>\(lists)
        """
        return HTMLPage.frame(title: s.campaign, context: c, path: Route.overview.pattern, body: body)
    }

    static func regionTable(_ m: Model, context c: PageContext) -> HTML {
        let rows = m.regions.sorted(by: { $0.rank < $1.rank }).map { r -> HTML in
            let before = m.weekAgo[r.regionCode]
            let week = r.progress - (before?.progress ?? 0)
            let move = (before?.rank ?? r.rank) - r.rank
            let moveText: HTML = move > 0 ? "<span class=\"ok\">↑\(move)</span>" : move < 0 ? "<span class=\"lag\">↓\(-move)</span>" : "–"
            let chance = r.forecast.probabilityByDeadline.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            return """
            <tr data-region="\(r.regionCode)"><td>\(r.rank)</td><td class="l"><a href="\(c.link(Route.region.path(r.regionCode)))">\
            \(c.language == .zh ? r.name : r.nameEn)</a>\(m.listed.contains(r.regionCode) ? Dashboard.listedTag(c) : nil)</td>\
            <td>\(r.target.map(String.init) ?? "—")</td><td>\(r.progress)</td><td\((r.completion ?? 1) < 0.8 ? Dashboard.lag : nil)>\(c.percent(r.completion))</td>\
            <td class="hide-s">\(Dashboard.bar(r.completion))</td><td>\(week)</td><td>\(moveText)</td><td>\(r.openObstacles)</td>\
            <td>\(m.late.byRegion[r.regionCode] ?? 0)</td><td class="hide-s">\(r.forecast.expectedAtDeadline) (\(chance))</td></tr>

            """
        }
        return """
        <div class="scroll"><table id="regions"><thead><tr><th>\(c.t("page_rank"))</th><th class="l">\(c.t("page_region"))</th>
        <th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_completion"))</th><th class="hide-s"></th>
        <th>\(c.t("page_week_change"))</th><th>\(c.t("page_rank_change"))</th><th>\(c.t("page_open_obstacles"))</th>
        <th>\(c.t("page_late"))</th><th class="hide-s">\(c.t("page_forecast"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }
}
