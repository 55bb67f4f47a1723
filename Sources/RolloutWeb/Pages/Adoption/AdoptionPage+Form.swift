import Foundation
import RolloutApplication
import RolloutCore

extension AdoptionPage {
    /// The projects as they stand (the region's, or the city's first ``projectLimit``).
    static func projects(_ a: Adoption, region: String?, names: [String: Region], _ c: PageContext) -> HTML {
        let all = a.currentProjects.filter { region == nil || $0.regionCode == region }
            .sorted { ($0.regionCode, $0.ref) < ($1.regionCode, $1.ref) }
        let shown = all.prefix(projectLimit)
        let rows = shown.map { p -> HTML in
            let investment = p.investmentCNY.map { String(format: "%.1f", $0 / 10_000) } ?? "—"
            return """
            <tr data-ref="\(p.ref)"><td class="l">\(p.ref)</td><td class="l">\(p.name)\(p.demonstration ? HTML(" <span class=\"tag\">\(c.t("page_adoption_demo_tag"))</span>") : nil)</td>\
            <td class="l">\(domainName(p.domain, c))</td><td class="l">\(names[p.regionCode].map { c.name($0) } ?? p.regionCode)</td><td>\(p.operator.map { c.name($0) } ?? "—")</td>\
            <td class="l">\(p.leadOrg)</td><td data-status="\(p.status.rawValue)">\(statusName(p.status, c))</td><td>\(investment)</td>\
            <td>\(ShanghaiCalendar.dateString(a.projects[p.ref]!.since))</td></tr>
            """
        }
        return """
        <div class="scroll"><table id="projects"><thead><tr><th class="l">\(c.t("page_adoption_ref"))</th><th class="l">\(c.t("page_adoption_name"))</th>\
        <th class="l">\(c.t("page_adoption_domain"))</th><th class="l">\(c.t("page_region"))</th><th>\(c.t("page_operator"))</th>\
        <th class="l">\(c.t("page_adoption_lead"))</th><th>\(c.t("page_adoption_status"))</th><th>\(c.t("page_adoption_investment"))</th>\
        <th>\(c.t("page_adoption_since"))</th></tr></thead><tbody>\(rows.isEmpty ? Dashboard.noneRow(9, c) : rows.joined())</tbody></table></div>\
        \(all.count > shown.count ? Dashboard.more(all.count, shown: shown.count, c) : nil)
        """
    }

    /// The form that records a project or a change of one (for the accounts that keep projects).
    static func form(_ m: Model, _ c: PageContext) -> HTML {
        guard m.records else { return "" }
        func option(_ value: String, _ label: String, _ selected: Bool = false) -> HTML {
            "<option value=\"\(value)\"\(selected ? HTML(" selected") : "")>\(label)</option>"
        }
        let regions = m.view.regions.filter { m.fixedRegion == nil || $0.code == m.fixedRegion }
            .map { option($0.code, c.name($0), $0.code == (m.fixedRegion ?? m.region?.code)) }
        let own = c.principal?.role == .operator ? c.principal?.operator : nil
        let operators = (own == nil ? [option("", "—")] : []) + Operator.allCases.filter { own == nil || $0 == own }.map { option($0.rawValue, c.name($0), $0 == own) }
        let domains = ApplicationProject.Domain.allCases.map { option($0.rawValue, domainName($0, c)) }
        let statuses = ApplicationProject.Status.allCases.map { option($0.rawValue, statusName($0, c)) }
        return """
        <h2>\(c.t("page_adoption_record"))</h2><form method="post" action="\(Route.adoptionAction.pattern)" class="panel" id="application-form">\(c.formFields)\
        <label>\(c.t("page_adoption_ref")) <input name="project_ref" required maxlength="64" size="12"></label> \
        <label>\(c.t("page_adoption_name")) <input name="name" required maxlength="200" size="28"></label> \
        <label>\(c.t("page_adoption_domain")) <select name="domain">\(domains)</select></label> \
        <label>\(c.t("page_region")) <select name="region_code">\(regions)</select></label> \
        <label>\(c.t("page_operator")) <select name="operator">\(operators)</select></label> \
        <label>\(c.t("page_adoption_lead")) <input name="lead_org" required maxlength="200" size="20"></label> \
        <label>\(c.t("page_adoption_status")) <select name="status">\(statuses)</select></label> \
        <label>\(c.t("page_adoption_investment_yuan")) <input name="investment_cny" inputmode="decimal" size="12"></label> \
        <label><input type="checkbox" name="demonstration" value="1"> \(c.t("page_adoption_demo_tag"))</label> \
        <label>\(c.t("page_adoption_status_date")) <input name="status_date" type="date"></label> \
        <button class="btn" type="submit">\(c.t("page_adoption_record_button"))</button>\
        <p class="muted small">\(c.t("page_adoption_record_note"))</p></form>
        """
    }
}
