import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension RegionPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let r = m.figures
        let path = Route.region.path(m.region.code)
        var notices: [HTML] = []
        if let e = m.escalated { notices.append("<p class=\"notice\">\(c.t("page_escalated_done", ["value": e]))</p>") }
        if let l = m.listing {
            let overdue: HTML? = l.isOverdue(at: c.moment.asOf.before) ? " <b class=\"lag\">\(c.t("page_supervision_overdue"))</b>" : nil
            notices.append("""
            <p class="notice listed" id="listed">\(Dashboard.listedTag(c)) \(c.t("page_supervision_deadline")) \
            \(ShanghaiCalendar.dateString(l.deadline.adding(seconds: -1)))\(overdue) · \(c.t("page_supervision_rectification"))：\(l.rectification)</p>
            """)
        }
        if let late = ReportingNotice.html(m.lateReporting.map { [$0] } ?? [], regions: [m.region.code: m.region], c) { notices.append(late) }
        let deadline = r.due ?? ShanghaiCalendar.dateString(c.stored.campaign.deadline.adding(seconds: -1))
        let cards: [HTML] = [
            Dashboard.card(c.t("page_rank"), "\(r.rank)", live: "rank", note: "/ \(m.count)"),
            Dashboard.card(c.t("page_target"), r.target.map(String.init) ?? "—", live: "target"),
            Dashboard.card(c.t("page_progress"), "\(r.progress)", live: "progress", note: c.percent(r.completion)),
            Dashboard.card(c.t("page_week_change"), "\(r.progress - (m.weekAgo?.progress ?? 0))", live: "week"),
            Dashboard.forecastCard(r.forecast, progress: r.progress, target: r.target, region: m.region.code, context: c),
            Dashboard.card(c.t("page_open_obstacles"), "\(r.openObstacles)", live: "open_obstacles",
                           note: "\(c.t("page_older_than_week")) \(m.obstacles.byCategory.reduce(0) { $0 + $1.olderThanWeek })"),
            Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", alarm: m.late.total > 0),
            Dashboard.card(c.t("page_sharing_rate"), c.percent(r.sharingRate), live: "sharing_rate",
                           note: c.t("page_sharing_note", ["shared": "\(r.shared)", "sites": "\(r.sites)"])),
        ] + [VerifiedFigures.card(verified: r.verified, unverified: r.unverified, c),
             PlanTable.densityCard(r.sitesPerTenThousand, population: r.population, imputed: r.populationImputed, context: c)].compactMap { $0 }
        // A figures-only account sees the outline without the sites.
        let moreSites: HTML? = m.sites.flatMap { $0.total > $0.points.count ? Dashboard.more($0.total, shown: $0.points.count, c, small: true) : nil }
        let operators = r.operators.map { o -> HTML in
            let name: HTML = Operator(rawValue: o.operator).map { "<a href=\"\(c.link(Route.operatorPage.path($0.rawValue)))\">\(c.name($0))</a>" } ?? "\(o.operator)"
            return """
            <tr><td class="l">\(name)</td><td>\(o.target.map(String.init) ?? "—")</td><td>\(o.progress)</td>\
            <td>\(c.percent(o.target.flatMap { $0 > 0 ? Double(o.progress) / Double($0) : nil }))</td><td>\(o.sites)</td>\
            \(r.verified == nil ? nil : HTML("<td>\(o.verified ?? 0)</td>"))</tr>
            """
        }
        let keyAreas: HTML = m.keyAreas.isEmpty ? "<p class=\"muted\">\(c.t("page_none"))</p>" : """
            <table><thead><tr><th class="l">\(c.t("page_key_area"))</th><th class="l">\(c.t("page_operator"))</th><th>\(c.t("page_target"))</th></tr></thead><tbody>\
            \(m.keyAreas.map { t -> HTML in "<tr><td class=\"l\">\(t.keyArea ?? "")</td><td class=\"l\">\(t.operator.map { c.name($0) } ?? "—")</td><td>\(t.target)</td></tr>" })\
            </tbody></table>
            """
        // The oldest first: those waiting more than a week lead the list.
        let lists: HTML = !m.records ? Dashboard.figuresOnly(c) : """
            <h2>\(c.t("page_obstacles"))</h2>\
            \(Dashboard.obstacleTable(m.obstacles.obstacles, regions: [m.region.code: m.region], escalate: true, back: path, context: c))\
            <h2>\(c.t("page_late"))</h2>\(Dashboard.lateTable(m.late, regions: [m.region.code: m.region], context: c))
            """
        let body: HTML = """
        \(notices)<p class="muted">\(c.t("page_rank_of", ["rank": "\(r.rank)", "count": "\(m.count)"])) · \
        \(c.t("page_as_of_line", ["as_of": c.moment.asOf.description, "deadline": deadline]))</p><div class="cards">\(cards)</div>\
        \(ReconciliationLine.html(m.reconciliation, filter: [("region", m.region.code)], c))\
        \(VerifiedFigures.basisLine(verified: r.verified, basis: r.rankBasis, region: m.region.code, c))\
        <div class="grid"><div class="panel"><h2>\(c.t("page_burnup"))</h2>\(Dashboard.chart(m.series, target: r.target, milestones: r.milestones, forecast: r.forecast, context: c))</div>\
        <div class="panel"><h2>\(c.t(m.sites == nil ? "page_map_outline" : "page_map_sites"))</h2>\
        \(DistrictMap.region(m.region.code, outlines: m.outlines, sites: m.sites?.points, context: c))\(moreSites)</div></div>\
        \(PlanTable.html(r.milestones, forecast: r.forecast, plannedByNow: r.plannedByNow, progress: r.progress, series: m.series, context: c))\
        <h2>\(c.t("page_operators"))</h2><div class="scroll"><table id="operators"><thead><tr><th class="l">\(c.t("page_operator"))</th>\
        <th>\(c.t("page_target"))</th><th>\(c.t("page_progress"))</th><th>\(c.t("page_completion"))</th><th>\(c.t("page_sites"))</th>\
        \(r.verified == nil ? nil : HTML("<th>\(c.t("page_verified"))</th>"))</tr></thead><tbody>\
        \(operators)</tbody></table></div>\
        <h2>\(c.t("page_stages"))</h2><div class="scroll"><table><thead><tr>\(Stage.allCases.map { s -> HTML in "<th>\(c.name(s))</th>" })</tr></thead>\
        <tbody><tr>\(Stage.allCases.map { s -> HTML in "<td>\(r.stages[s.rawValue] ?? 0)</td>" })</tr></tbody></table></div>\
        \(outlook(r.forecast.byStage ?? [], newSites: r.forecast.expectedNewSites, context: c))\(ObstacleOutlookTable.html(m.obstacleForecast, shortfall: r.target.map { $0 - r.forecast.expectedAtDeadline }, context: c))<h2>\(c.t("page_key_areas"))</h2>\(keyAreas)<p class="muted small">\(c.t("page_key_area_note"))</p>\(adoption(m, c))\(lists)
        """
        return HTMLPage.frame(title: Catalogue.text("page_region_title", c.language, ["value": c.name(m.region)]), context: c, path: path, body: body)
    }

    /// The unbuilt sites by stage, and how many of each the forecast expects by the deadline.
    static func outlook(_ stages: [StageOutlook], newSites: Int?, context c: PageContext) -> HTML {
        guard !stages.isEmpty || (newSites ?? 0) > 0 else { return "" }
        var rows = stages.map { s -> HTML in
            let worst = stages.max { $0.expectedLeft < $1.expectedLeft }?.stage == s.stage && s.expectedLeft > 0
            return """
            <tr><td class="l">\(Stage(rawValue: s.stage).map { c.name($0) } ?? s.stage)</td><td>\(s.sites)</td><td>\(s.expectedBuilt)</td>\
            <td\(worst ? Dashboard.lag : nil)>\(s.expectedLeft)</td></tr>
            """
        }
        if let newSites, newSites > 0 {
            rows.append("<tr id=\"outlook-new-sites\"><td class=\"l\">\(c.t("page_outlook_new_sites"))</td><td>—</td><td>\(newSites)</td><td>—</td></tr>")
        }
        return """
        <h2>\(c.t("page_outlook"))</h2><div class="scroll"><table id="stage-outlook"><thead><tr><th class="l">\(c.t("page_stage"))</th>\
        <th>\(c.t("page_outlook_sites"))</th><th>\(c.t("page_outlook_built"))</th><th>\(c.t("page_outlook_left"))</th></tr></thead>\
        <tbody>\(rows)</tbody></table></div><p class="muted small">\(c.t("page_outlook_note"))</p>
        """
    }
}

extension RegionPage {
    /// The district's 5G adoption in one line of cards, and the way to the adoption page.
    static func adoption(_ m: Model, _ c: PageContext) -> HTML {
        guard let l = m.adoption else { return "" }
        return """
        <h2 id="adoption">\(c.t("page_region_adoption"))</h2><div class="cards" id="adoption-cards">\(AdoptionPage.cards(l, c))</div>\
        <p><a href="\(c.link(Route.adoption.pattern, [("region", m.region.code)]))">\(c.t("page_region_adoption_more"))</a></p>
        """
    }
}
