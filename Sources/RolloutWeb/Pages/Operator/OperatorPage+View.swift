import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension OperatorPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let op = m.op.rawValue
        let built = m.counters.built(operator: op)
        let sites = Stage.allCases.reduce(0) { $0 + m.counters.sites(at: $1, operator: op) }
        let cards: [HTML] = [
            Dashboard.card(c.t("page_sites"), "\(sites)", live: "sites"),
            Dashboard.card(c.t("page_progress"), "\(built - m.atStart.built(operator: op))", live: "progress"),
            Dashboard.card(c.t("page_built"), "\(built)", live: "built"),
            Dashboard.card(c.t("page_open_obstacles"), "\(m.obstacles.total)", live: "open_obstacles"),
            Dashboard.card(c.t("page_late"), "\(m.late.total)", live: "late", alarm: m.late.total > 0),
        ] + [VerifiedFigures.card(verified: m.verification?.line.verified, unverified: m.verification?.line.unverified, c)].compactMap { $0 }
            + (m.outlook.map { o in [Dashboard.card(c.t("page_target"), o.target.map(String.init) ?? "—", live: "target"),
                                     Dashboard.forecastCard(o.forecast, progress: o.progress, target: o.target, context: c)] } ?? [])
        let plan: HTML? = m.outlook.map { o in
            PlanTable.html(o.milestones, forecast: o.forecast, plannedByNow: o.plannedByNow, progress: o.progress, series: m.series, context: c)
        }
        let stageRows = m.regions.compactMap { r -> HTML? in
            let counts = Stage.allCases.map { m.counters.sites(at: $0, region: r.code, operator: op) }
            guard counts.contains(where: { $0 != 0 }) else { return nil }
            return """
            <tr><td class="l"><a href="\(c.link(Route.region.path(r.code)))">\(c.name(r))</a></td>\
            \(counts.map { n -> HTML in "<td>\(n)</td>" })<td>\(m.late.byRegion[r.code] ?? 0)</td></tr>
            """
        }
        let byCode = Dictionary(uniqueKeysWithValues: m.regions.map { ($0.code, $0) })
        let moreObstacles: HTML? = m.obstacles.total > m.obstacles.obstacles.count
            ? Dashboard.more(m.obstacles.total, shown: m.obstacles.obstacles.count, c) : nil
        let reports = m.reports.map { r -> HTML in
            "<tr><td class=\"l\">\(r.date)</td><td class=\"l\">\(r.kind)</td><td class=\"l\">\(r.actor)</td><td>\(r.events)</td></tr>"
        }
        let rejected = m.rejected.prefix(100).map { o -> HTML in
            var reason = ""
            if case .rejected(let r)? = o.decision { reason = r }
            return """
            <tr data-site="\(o.site.code)"><td class="l"><a href="\(c.link(Route.site.path(o.site.operator.rawValue, o.site.code)))">\(o.site.code)</a></td>\
            <td class="l">\(o.decidedAt.map(ShanghaiCalendar.dateString) ?? "")</td><td class="l">\(o.decidedBy ?? "")</td><td class="l">\(reason)</td></tr>
            """
        }
        let rejections: HTML? = m.rejected.isEmpty ? nil : """
            <h2>\(c.t("page_verification_rejected_openings"))</h2><div class="scroll"><table id="rejected-openings"><thead><tr>\
            <th class="l">\(c.t("page_safety_site_code"))</th><th class="l">\(c.t("page_report_date"))</th><th class="l">\(c.t("page_actor"))</th>\
            <th class="l">\(c.t("page_verification_reason"))</th></tr></thead><tbody>\(rejected)</tbody></table></div>
            """
        let body: HTML = """
        \(ReportingNotice.html(m.lateReporting.map { [$0] } ?? [], regions: [:], c))<div class="cards">\(cards)</div>\
        \(VerifiedFigures.basisLine(verified: m.verification?.line.verified, basis: m.verification?.basis.rawValue ?? "", c))\(plan)\(rejections)\
        \(ReconciliationLine.html(m.reconciliation, filter: [("operator", op)], c))<h2>\(c.t("page_stages"))</h2><div class="scroll"><table id="stages"><thead><tr>\
        <th class="l">\(c.t("page_region"))</th>\(Stage.allCases.map { s -> HTML in "<th>\(c.name(s))</th>" })<th>\(c.t("page_late"))</th></tr></thead><tbody>\
        \(stageRows)<tr><th class="l">Σ</th>\(Stage.allCases.map { s -> HTML in "<th>\(m.counters.sites(at: s, operator: op))</th>" })\
        <th>\(m.late.total)</th></tr></tbody></table></div>\
        <h2>\(c.t("page_obstacles"))</h2>\
        \(Dashboard.obstacleTable(m.obstacles.obstacles, regions: byCode, escalate: false, back: Route.operatorPage.path(op), context: c))\(moreObstacles)\
        <h2>\(c.t("page_late"))</h2>\(Dashboard.lateTable(m.late, regions: byCode, context: c))\
        <h2>\(c.t("page_reports"))</h2><div class="scroll"><table><thead><tr><th class="l">\(c.t("page_report_date"))</th>\
        <th class="l">\(c.t("page_report_kind"))</th><th class="l">\(c.t("page_actor"))</th><th>\(c.t("page_events"))</th></tr></thead><tbody>\
        \(reports)\(m.reports.isEmpty ? Dashboard.noneRow(4, c) : nil)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_operator_title", c.language, ["value": m.op.name(c.language)]),
                              context: c, path: Route.operatorPage.path(op), body: body)
    }
}
