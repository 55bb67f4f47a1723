import Foundation
import RolloutApplication
import RolloutCore
import RolloutTexts

extension SafetyPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view
        let t = v.tallies
        let sites = v.sites.values.reduce(0, +)
        func per100(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "—" }
        let cards: [HTML] = [
            AdoptionPage.card("card-findings", c.t("page_safety_findings"), "\(t.city.findings)", c.t("page_safety_major", ["value": "\(t.city.major)"])),
            AdoptionPage.card("card-per100", c.t("page_safety_per100"), per100(t.city.per100(sites: sites))),
            AdoptionPage.card("card-unresolved", c.t("page_safety_unresolved"), "\(t.city.unresolved)"),
            AdoptionPage.card("card-overdue", c.t("page_safety_overdue"), "\(t.city.overdue)",
                              c.t("page_safety_escalated_count", ["value": "\(t.city.escalated)"])),
            AdoptionPage.card("card-stopped", c.t("page_safety_stopped"), "\(t.city.stopped)"),
            AdoptionPage.card("card-days", c.t("page_safety_days_to_close"), c.decimal(t.city.meanDaysToClose)),
        ]
        let regionRows = v.regions.map { r -> HTML in
            let x = t.regions[r.code] ?? Safety.Tally(), n = v.sites[r.code] ?? 0
            return """
            <tr data-region="\(r.code)"><td class="l"><a href="\(c.link(Route.region.path(r.code)))">\(c.name(r))</a></td><td>\(n)</td>\
            <td data-col="findings">\(x.findings)</td><td data-col="major">\(x.major)</td><td data-col="per100">\(per100(x.per100(sites: n)))</td>\
            <td data-col="unresolved">\(x.unresolved)</td><td data-col="overdue">\(x.overdue)</td><td data-col="stopped">\(x.stopped)</td></tr>
            """
        }
        let categoryRows = SafetyFinding.Category.allCases.map { cat -> HTML in
            let cells = SafetyFinding.Severity.allCases.map { sev -> HTML in "<td data-severity=\"\(sev.rawValue)\">\(t.categories["\(cat.rawValue)/\(sev.rawValue)"]?.findings ?? 0)</td>" }
            return "<tr data-category=\"\(cat.rawValue)\"><td class=\"l\">\(categoryName(cat, c))</td>\(cells)</tr>"
        }
        let contractorRows = t.contractors.sorted { ($0.value.findings, $1.key) > ($1.value.findings, $0.key) }.map { name, x -> HTML in
            """
            <tr><td class="l">\(name.isEmpty ? HTML("\(c.t("page_safety_no_contractor"))") : HTML("<a href=\"\(c.link(Route.contractor.path(name)))\">\(name)</a>"))</td><td>\(x.findings)</td><td>\(x.major)</td>\
            <td>\(x.unresolved)</td><td>\(x.overdue)</td><td>\(c.decimal(x.meanDaysToClose))</td></tr>
            """
        }
        let rejected: HTML? = m.rejected.map { r in
            "<div class=\"notice lag\" id=\"finding-errors\">\(r.errors.map { e -> HTML in "<p>\(e.column) \(e.message(c.language))</p>" })</div>"
        }
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_safety_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "safety-error", c))\(rejected)\
        <p class="muted">\(c.t("page_safety_intro"))</p><div class="cards" id="safety-cards">\(cards)</div>\
        <h2>\(c.t("page_safety_by_region"))</h2><div class="scroll"><table id="safety-regions"><thead><tr><th class="l">\(c.t("page_region"))</th>\
        <th>\(c.t("page_sites"))</th><th>\(c.t("page_safety_findings"))</th><th>\(c.t("page_safety_major_head"))</th><th>\(c.t("page_safety_per100"))</th>\
        <th>\(c.t("page_safety_unresolved"))</th><th>\(c.t("page_safety_overdue"))</th><th>\(c.t("page_safety_stopped"))</th></tr></thead><tbody>\(regionRows)</tbody></table></div>\
        <div class="grid"><div class="panel"><h2>\(c.t("page_safety_by_category"))</h2><table id="safety-categories"><thead><tr><th class="l">\(c.t("page_safety_category"))</th>\
        \(SafetyFinding.Severity.allCases.map { s -> HTML in "<th>\(c.t("safety_severity_\(s.rawValue)"))</th>" })</tr></thead><tbody>\(categoryRows)</tbody></table></div>\
        <div class="panel"><h2>\(c.t("page_safety_by_contractor"))</h2><table id="safety-contractors"><thead><tr><th class="l">\(c.t("page_safety_contractor"))</th>\
        <th>\(c.t("page_safety_findings"))</th><th>\(c.t("page_safety_major_head"))</th><th>\(c.t("page_safety_unresolved"))</th><th>\(c.t("page_safety_overdue"))</th>\
        <th>\(c.t("page_safety_days_to_close"))</th></tr></thead><tbody>\(contractorRows.isEmpty ? Dashboard.noneRow(6, c) : contractorRows.joined())</tbody></table></div></div>\
        \(m.records ? findings(m, c) : Dashboard.figuresOnly(c))\(form(m, c))
        """
        return HTMLPage.frame(title: Catalogue.text("page_safety", c.language), context: c, path: Route.safety.pattern, body: body)
    }

    static func categoryName(_ cat: SafetyFinding.Category, _ c: PageContext) -> String { c.language == .zh ? cat.chineseName : cat.englishName }
}
