import Foundation
import RolloutApplication
import RolloutCore

extension SafetyPage {
    /// The findings still to be dealt with, the overdue first, each with the steps the account may take.
    static func findings(_ m: Model, _ c: PageContext) -> HTML {
        let v = m.view
        let open = v.safety.unresolved(at: v.at)
        let rows = open.prefix(300).map { s -> HTML in
            let f = s.finding
            let place: HTML = f.site.map { k in "<a href=\"\(c.link(Route.site.path(k.operator.rawValue, k.code)))\">\(k.operator.rawValue)/\(k.code)</a>" }
                ?? HTML("\(f.regionCode)")
            let tags: HTML = """
                \(s.overdue(at: v.at) ? HTML(" <span class=\"tag escalated\">\(c.t("page_safety_overdue_tag"))</span>") : nil)\
                \(s.escalatedAt != nil && s.status != .closed ? HTML(" <span class=\"tag escalated\" data-escalated>\(c.t("page_safety_escalated_tag"))</span>") : nil)\
                \(s.stopsWork(at: v.at) ? HTML(" <span class=\"tag escalated\">\(c.t("page_safety_stop_work"))</span>") : nil)
                """
            return """
            <tr data-ref="\(f.ref)"><td class="l">\(f.inspectionRef)</td><td class="l">\(place)</td><td class="l">\(f.contractor ?? "—")</td>\
            <td class="l">\(categoryName(f.category, c))</td><td>\(c.t("safety_severity_\(f.severity.rawValue)"))</td><td class="l">\(f.text)</td>\
            <td>\(f.responsible)</td><td>\(ShanghaiCalendar.dateString(s.deadline))</td><td data-status="\(s.status.rawValue)">\(c.t("safety_status_\(s.status.rawValue)"))\(tags)</td>\
            <td class="l">\(actions(s, m, c))</td></tr>
            """
        }
        return """
        <h2>\(c.t("page_safety_open"))</h2><div class="scroll"><table id="findings"><thead><tr><th class="l">\(c.t("page_safety_inspection"))</th>\
        <th class="l">\(c.t("page_safety_place"))</th><th class="l">\(c.t("page_safety_contractor"))</th><th class="l">\(c.t("page_safety_category"))</th>\
        <th>\(c.t("page_safety_severity"))</th><th class="l">\(c.t("page_safety_finding"))</th><th>\(c.t("page_safety_responsible"))</th>\
        <th>\(c.t("page_safety_deadline"))</th><th>\(c.t("page_safety_status"))</th><th class="l">\(c.t("page_safety_actions"))</th></tr></thead>\
        <tbody>\(rows.isEmpty ? Dashboard.noneRow(10, c) : rows.joined())</tbody></table></div>\
        \(open.count > 300 ? Dashboard.more(open.count, shown: 300, c) : nil)
        """
    }

    /// The step forms the account may use on a finding (none for the others).
    static func actions(_ s: Safety.State, _ m: Model, _ c: PageContext) -> HTML {
        guard let p = m.principal else { return "" }
        var out: [HTML] = []
        for step in ["rectified", "accepted", "reopened"] {
            let probe: SafetyFinding.Step = step == "rectified" ? .rectified(note: "x") : step == "accepted" ? .accepted(note: "x")
                : .reopened(note: "x", deadline: m.view.at.adding(days: 7))
            guard (try? Safety.check(probe, on: s, at: m.view.at, by: p)) != nil else { continue }
            let deadline: HTML? = step == "reopened"
                ? "<label>\(c.t("page_safety_deadline")) <input type=\"date\" name=\"deadline\" required></label> " : nil
            out.append("""
                <form method="post" action="\(Route.safetyAction.pattern)" class="inline">\(c.formFields)\
                <input type="hidden" name="action" value="\(step)"><input type="hidden" name="ref" value="\(s.finding.ref)">\
                <label>\(c.t("page_safety_note")) <input name="note" required maxlength="2000" size="14"></label> \(deadline)\
                <button class="btn" type="submit">\(c.t("page_safety_step_\(step)"))</button></form>
                """)
        }
        return out.joined()
    }

    /// The form that records a finding (the city office, a district).
    static func form(_ m: Model, _ c: PageContext) -> HTML {
        guard let p = m.principal, Access.mayImport("inspections", p) else { return "" }
        func option(_ value: String, _ label: String, _ selected: Bool = false) -> HTML {
            "<option value=\"\(value)\"\(selected ? HTML(" selected") : "")>\(label)</option>"
        }
        let regions = [option("", "—")] + m.view.regions.filter { p.role != .district || $0.code == p.region }.map { option($0.code, c.name($0), $0.code == p.region) }
        let operators = [option("", "—")] + Operator.allCases.map { option($0.rawValue, c.name($0)) }
        let categories = SafetyFinding.Category.allCases.map { option($0.rawValue, categoryName($0, c)) }
        let severities = SafetyFinding.Severity.allCases.map { option($0.rawValue, c.t("safety_severity_\($0.rawValue)")) }
        return """
        <h2>\(c.t("page_safety_record"))</h2><form method="post" action="\(Route.safetyAction.pattern)" class="panel" id="finding-form">\(c.formFields)\
        <input type="hidden" name="action" value="record">\
        <label>\(c.t("page_safety_inspection")) <input name="inspection_ref" required maxlength="64" size="10"></label> \
        <label>\(c.t("page_safety_inspected_at")) <input name="inspected_at" type="date"></label> \
        <label>\(c.t("page_region")) <select name="region_code">\(regions)</select></label> \
        <label>\(c.t("page_operator")) <select name="operator">\(operators)</select></label> \
        <label>\(c.t("page_safety_site_code")) <input name="site_code" maxlength="64" size="10"></label> \
        <label>\(c.t("page_safety_contractor")) <input name="contractor" maxlength="200" size="16"></label> \
        <label>\(c.t("page_safety_inspector")) <input name="inspector" required maxlength="200" size="12"></label> \
        <label>\(c.t("page_safety_category")) <select name="category">\(categories)</select></label> \
        <label>\(c.t("page_safety_severity")) <select name="severity">\(severities)</select></label> \
        <label>\(c.t("page_safety_finding")) <input name="finding" required maxlength="2000" size="28"></label> \
        <label>\(c.t("page_safety_deadline")) <input name="deadline" type="date" required></label> \
        <button class="btn" type="submit">\(c.t("page_safety_record_button"))</button>\
        <p class="muted small">\(c.t("page_safety_record_note"))</p></form>
        """
    }
}
