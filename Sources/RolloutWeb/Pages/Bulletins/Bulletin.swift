import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// The weekly bulletin (通报) as a document: a self-contained HTML file for the period ending at a
/// cut-off, and a CSV of its tables, rendered from what ``BulletinContent`` says. It is rendered
/// once, stored as bytes with their SHA-256, and every later read returns those bytes.
public enum Bulletin {
    /// Issues the bulletin for the end of `day` (a date) as the principal.
    public static func issue(day asOf: String, service: CampaignService, by principal: Principal) async throws -> BulletinInfo {
        try await service.issueBulletin(day: asOf, by: principal) { (render($0), table($0)) }
    }

    static func t(_ key: String, _ args: [String: String] = [:]) -> String { Catalogue.text(key, .zh, args) }

    /// The document: one file, its style and charts inline, for A4.
    static func render(_ m: BulletinContent) -> String {
        let c = PageContext(language: .zh, stored: m.campaign, moment: m.moment, asOf: m.day, knownAt: m.day)
        let s = m.summary
        let prevRegions = Dictionary(uniqueKeysWithValues: (m.previous?.regions ?? []).map { ($0.regionCode, $0) })
        func name(_ code: String) -> String { m.names[code]?.nameZh ?? code }
        func named(_ regions: [RegionFigures]) -> String { regions.map { "\(name($0.regionCode))（\(c.percent($0.completion))）" }.joined(separator: "、") }
        let since = m.previous.map { t("bulletin_since_last", ["day": $0.day, "value": "\(s.progress - $0.summary.progress)"]) } ?? ""
        let regions = m.regions.sorted(by: { ($0.rank, $0.regionCode) < ($1.rank, $1.regionCode) }).map { r -> HTML in
            let before = prevRegions[r.regionCode]
            let change = before.map { "\(r.progress - $0.progress)" } ?? "—"
            let rankChange = before.map { $0.rank - r.rank }.map { $0 > 0 ? "↑\($0)" : $0 < 0 ? "↓\(-$0)" : "—" } ?? "—"
            return """
            <tr data-region="\(r.regionCode)"><td>\(r.rank)</td><td class="l">\(name(r.regionCode))</td><td>\(r.target.map(String.init) ?? "—")</td>\
            <td>\(r.progress)</td><td>\(c.percent(r.completion))</td><td>\(change)</td><td>\(rankChange)</td><td>\(r.forecast.expectedAtDeadline)</td>\
            <td>\(c.percent(r.sharingRate))</td>\(s.verified == nil ? nil : HTML("<td>\(r.verified ?? 0)</td>"))</tr>
            """
        }
        let verifiedLine: HTML? = s.verified.map { v in
            let basis = t(s.rankBasis == RankBasis.verified.rawValue ? "page_rank_basis_verified" : "page_rank_basis_reported")
            return "<p id=\"bulletin-verified\">\(t("bulletin_verified", ["verified": "\(v)", "unverified": "\(s.unverified ?? 0)", "built": "\(s.built)"]))\(basis)</p>"
        }
        let operators = m.operators.map { o -> HTML in
            """
            <tr><td class="l">\(Operator(rawValue: o.op)?.chineseName ?? o.op)</td><td>\(o.target)</td><td>\(o.progress)</td>\
            <td>\(c.percent(o.target > 0 ? Double(o.progress) / Double(o.target) : nil))</td></tr>
            """
        }
        let poorRegions = m.poor, praisedRegions = m.praised
        let none: HTML = "<p>\(t("bulletin_none"))</p>"
        let overdue: HTML = m.overdue.isEmpty ? none : """
            <table id="bulletin-overdue"><thead><tr><th>\(t("page_age_days"))</th><th class="l">\(t("page_region"))</th><th class="l">\(t("page_category"))</th>\
            <th class="l">\(t("page_unit"))</th><th class="l">\(t("page_clock"))</th><th class="l">\(t("page_description"))</th></tr></thead><tbody>\
            \(m.overdue.sorted(by: { ($0.ageDays, $1.ref) > ($1.ageDays, $0.ref) }).map { o -> HTML in
                """
                <tr><td>\(o.ageDays)</td><td class="l">\(name(o.regionCode))</td><td class="l">\(Dashboard.categoryName(o.category, c))</td>\
                <td class="l">\(o.unit.map { Dispatch.unitName($0, c.language) } ?? "—")</td>\
                <td class="l">\(t("page_overdue_by", ["value": "\(max(1, -(o.daysLeft ?? 0)))"]))</td><td class="l">\(String(o.description.prefix(200)))</td></tr>
                """
            })</tbody></table>
            """
        let noneText = t("bulletin_none")
        // Under its own heading: the organisations only.
        let lateReporting: HTML = m.lateReporting.isEmpty ? none : "<p id=\"reporting-late\">\(ReportingNotice.list(m.lateReporting, regions: m.names, c))</p>"
        let reconciliation: HTML = m.reconciliation.map { f -> HTML in
            let rows = m.regions.sorted { ($0.rank, $0.regionCode) < ($1.rank, $1.regionCode) }.compactMap { r -> HTML? in
                guard let x = m.reconciliationByRegion[r.regionCode] else { return nil }
                return "<tr><td class=\"l\">\(name(r.regionCode))</td><td>\(x.rate.paired)</td><td>\(x.rate.agreeing)</td><td>\(c.percent(x.rate.value))</td><td>\(x.open)</td></tr>"
            }
            return """
            <p id="reconciliation">\(t("bulletin_reconciliation_line", ["paired": "\(f.rate.paired)", "value": c.percent(f.rate.value), "open": "\(f.open)"]))</p>\
            \(rows.isEmpty ? nil : HTML("<table id=\"bulletin-reconciliation\"><thead><tr><th class=\"l\">\(t("page_region"))</th><th>\(t("page_reconciliation_paired"))</th><th>\(t("page_reconciliation_agreeing"))</th><th>\(t("page_reconciliation_rate"))</th><th>\(t("page_reconciliation_open"))</th></tr></thead><tbody>\(rows)</tbody></table>"))
            """
        } ?? none
        let scorecard: HTML = m.scorecard.map { v -> HTML in
            let shown = Scorecard.Part.allCases
            let rows = v.lines.map { l -> HTML in
                let change = v.rankChange(l.region).map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "—"
                let parts = shown.map { p -> HTML in "<td>\((l.parts[p] ?? nil).map { String(format: "%.1f", $0) } ?? "—")</td>" }
                return "<tr><td>\(l.rank.map(String.init) ?? "—")</td><td>\(change)</td><td class=\"l\">\(name(l.region))</td><td>\(l.score.map { String(format: "%.1f", $0) } ?? "—")</td>\(parts)</tr>"
            }
            let heads = shown.map { p -> HTML in "<th>\(t("scorecard_part_\(p.rawValue)"))</th>" }
            return """
            <table id="bulletin-scorecard"><thead><tr><th>\(t("page_scorecard_rank"))</th><th>\(t("page_scorecard_change"))</th>\
            <th class="l">\(t("page_region"))</th><th>\(t("page_scorecard_score"))</th>\(heads)</tr></thead><tbody>\(rows)</tbody></table>
            """
        } ?? none
        func list(_ codes: [String]) -> String { codes.isEmpty ? noneText : codes.map(name).joined(separator: "、") }
        let changes = m.previous == nil ? "" : " " + t("bulletin_supervision_changes", ["listed": list(m.listedSince), "delisted": list(m.delistedSince)])
        let body: HTML = """
        <p class="muted">\(t("bulletin_cutoff", ["value": m.day, "instant": m.moment.asOf.before.adding(seconds: -1).description]))</p>\
        <h2>\(t("bulletin_overall"))</h2><p id="overall">\
        \(t("bulletin_overall_text", ["target": "\(s.target)", "progress": "\(s.progress)", "completion": c.percent(s.completion),
                                      "elapsed": c.percent(m.elapsed), "expected": "\(s.forecast.expectedAtDeadline)",
                                      "chance": c.percent(s.forecast.probabilityByDeadline)]) + t("bulletin_sharing", ["value": c.percent(s.sharingRate)]) + since)</p>\
        \(Dashboard.chart(m.series, target: s.target, milestones: s.milestones, forecast: s.forecast, context: c))\
        <h2>\(t("bulletin_plan"))</h2>\(plan(m, c))\
        <h2>\(t("bulletin_regions"))</h2><table id="bulletin-regions"><thead><tr><th>\(t("page_rank"))</th><th class="l">\(t("page_region"))</th>\
        <th>\(t("page_target"))</th><th>\(t("page_progress"))</th><th>\(t("bulletin_completion"))</th><th>\(t("bulletin_change"))</th>\
        <th>\(t("bulletin_rank_change"))</th><th>\(t("page_forecast"))</th><th>\(t("page_sharing_rate"))</th>\(s.verified == nil ? nil : HTML("<th>\(t("page_verified"))</th>"))</tr></thead><tbody>\(regions)</tbody></table>\
        \(verifiedLine)\
        <h2>\(t("bulletin_operators"))</h2><table id="bulletin-operators"><thead><tr><th class="l">\(t("page_operator"))</th><th>\(t("page_target"))</th>\
        <th>\(t("page_progress"))</th><th>\(t("bulletin_completion"))</th></tr></thead><tbody>\(operators)</tbody></table>\
        <h2>\(t("bulletin_poor"))</h2>\(poorRegions.isEmpty ? none : "<p id=\"poor\">\(t("bulletin_poor_text", ["share": c.percent(BulletinContent.poorShare)]) + named(poorRegions))</p>")\
        <h2>\(t("bulletin_praised"))</h2>\(praisedRegions.isEmpty ? none : "<p id=\"praised\">\(named(praisedRegions))</p>")\
        <h2>\(t("bulletin_overdue"))</h2>\(overdue)\
        <h2>\(t("bulletin_supervision"))</h2><p id="supervision">\
        \((m.listed.isEmpty ? noneText : t("bulletin_supervision_text", ["value": m.listed.map(name).joined(separator: "、")])) + changes)</p>\
        <h2>\(t("bulletin_reporting"))</h2>\(lateReporting)\
        <h2>\(t("bulletin_reconciliation"))</h2>\(reconciliation)\
        <h2>\(t("bulletin_scorecard"))</h2>\(scorecard)\
        <h2>\(t("bulletin_safety"))</h2>\(safety(m, c))\
        <h2>\(t("bulletin_adoption"))</h2>\(adoption(m, c))
        """
        let title = Catalogue.text("bulletin_title", .zh, ["name": m.campaign.campaign.name, "value": m.day])
        let page: HTML = """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(title)</title>
        <style>\(WebResources.style)
        @page{size:A4;margin:16mm 14mm}body{background:#fff}main{max-width:none}table{page-break-inside:auto}tr{page-break-inside:avoid}
        h2{page-break-after:avoid}svg{max-width:100%}</style></head>
        <body><header><h1>\(title)</h1></header><main>\(body)</main></body></html>
        """
        return page.markup
    }

    /// The CSV of the bulletin's tables: the whole, each region, each operator.
    static func table(_ m: BulletinContent) -> String {
        let prev = Dictionary(uniqueKeysWithValues: (m.previous?.regions ?? []).map { ($0.regionCode, $0) })
        var rows: [[String]] = [["total", "", m.campaign.campaign.name, "\(m.summary.target)", "\(m.summary.progress)",
                                 m.summary.completion.map { String(format: "%.4f", $0) } ?? "", "",
                                 m.previous.map { "\(m.summary.progress - $0.summary.progress)" } ?? "", "", "\(m.summary.forecast.expectedAtDeadline)",
                                 m.summary.sharingRate.map { String(format: "%.4f", $0) } ?? "", m.summary.verified.map(String.init) ?? "",
                                 m.summary.unverified.map(String.init) ?? "", "", m.summary.rankBasis]]
        for r in m.regions.sorted(by: { ($0.rank, $0.regionCode) < ($1.rank, $1.regionCode) }) {
            rows.append(["region", r.regionCode, r.name, r.target.map(String.init) ?? "", "\(r.progress)",
                         r.completion.map { String(format: "%.4f", $0) } ?? "", "\(r.rank)",
                         prev[r.regionCode].map { "\(r.progress - $0.progress)" } ?? "", prev[r.regionCode].map { "\($0.rank - r.rank)" } ?? "",
                         "\(r.forecast.expectedAtDeadline)", r.sharingRate.map { String(format: "%.4f", $0) } ?? "", r.verified.map(String.init) ?? "",
                         r.unverified.map(String.init) ?? "", "\(r.rankedProgress)", r.rankBasis])
        }
        for o in m.operators {
            rows.append(["operator", o.op, Operator(rawValue: o.op)?.chineseName ?? o.op, "\(o.target)", "\(o.progress)",
                         o.target > 0 ? String(format: "%.4f", Double(o.progress) / Double(o.target)) : "", "", "", "", "", "", "", "", "", ""])
        }
        return CSVTable.render(header: ["table", "code", "name", "target", "progress", "completion", "rank", "progress_change",
                                        "rank_change", "expected_at_deadline", "sharing_rate", "verified", "unverified", "ranked_progress", "rank_basis"], rows: rows)
    }
}
