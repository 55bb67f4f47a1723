import Foundation
import RolloutApplication
import RolloutCore
import RolloutTexts

extension AdoptionPage {
    /// The colours of the operators' lines (the total is drawn in the page's ink).
    static let colours: [Operator: String] = [.cmcc: "#0b5cad", .ctcc: "#2e7d32", .cucc: "#c62828", .cbn: "#6a1b9a", .tower: "#8a6d00"]

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let a = m.view.adoption
        let code = m.region?.code
        let line = m.region.map { a.line(region: $0.code, population: $0.population) } ?? m.view.city
        let title = m.region.map { "\(c.t("page_adoption")) · \(c.name($0))" } ?? c.t("page_adoption")
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_adoption_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "adoption-error", c))\
        <p class="muted">\(c.t("page_adoption_intro", ["months": "\(Adoption.growthMonths)"]))</p>\(filter(m, c))\
        <div class="cards" id="adoption-cards">\(cards(line, c))</div>\
        <div class="grid"><div class="panel"><h2>\(c.t("page_adoption_subscribers_chart"))</h2>\(subscriberChart(a, region: code, c))</div>\
        <div class="panel"><h2>\(c.t("page_adoption_traffic_chart"))</h2>\(trafficChart(a, region: code, c))</div></div>\
        <h2>\(c.t("page_adoption_by_domain"))</h2>\(domains(a, region: code, c))\
        \(m.region == nil ? regionTable(m, c) : nil)\
        <h2>\(c.t("page_adoption_projects"))</h2>\(projects(a, region: code, names: Dictionary(uniqueKeysWithValues: m.view.regions.map { ($0.code, $0) }), c))\(form(m, c))
        """
        return HTMLPage.frame(title: title, context: c, path: Route.adoption.pattern, body: body)
    }

    static func number(_ n: Int?) -> String { n.map(MonthlyChart.grouped) ?? "—" }
    static func tb(_ x: Double?) -> String { x.map(MonthlyChart.number) ?? "—" }
    static func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0) } ?? "—" }

    static func filter(_ m: Model, _ c: PageContext) -> HTML {
        func option(_ value: String, _ label: String, _ selected: Bool) -> HTML {
            "<option value=\"\(value)\"\(selected ? HTML(" selected") : "")>\(label)</option>"
        }
        let regions = [option("", c.t("page_adoption_whole_city"), m.region == nil)] + m.view.regions.map { option($0.code, c.name($0), m.region?.code == $0.code) }
        let asOf: HTML? = c.asOf.map { "<input type=\"hidden\" name=\"as_of\" value=\"\($0)\">" }
        return """
        <form method="get" action="\(Route.adoption.pattern)" class="panel" id="filters"><input type="hidden" name="lang" value="\(c.language.rawValue)">\(asOf)\
        <label>\(c.t("page_region")) <select name="region">\(regions)</select></label> <button class="btn" type="submit">OK</button></form>
        """
    }

    static func card(_ id: String, _ label: String, _ value: String, _ note: String = "") -> HTML {
        let noteHTML: HTML? = note.isEmpty ? nil : "<span class=\"muted\">\(note)</span>"
        return "<div class=\"card\" id=\"\(id)\"><span class=\"muted\">\(label)</span><b>\(value)</b>\(noteHTML)</div>"
    }

    static func cards(_ l: Adoption.Line, _ c: PageContext) -> [HTML] {
        let month = l.month?.description ?? "—"
        return [
            card("card-subscribers", c.t("page_adoption_subscribers"), number(l.subscribers), c.t("page_adoption_in_month", ["value": month])),
            card("card-growth", c.t("page_adoption_growth", ["months": "\(Adoption.growthMonths)"]), l.growth.map { pct($0 * 100) } ?? "—",
                 l.subscribersBefore.map { c.t("page_adoption_from", ["value": number($0)]) } ?? ""),
            card("card-penetration", c.t("page_adoption_penetration"), pct(l.penetration),
                 l.population.map { c.t("page_adoption_population", ["value": number($0)]) } ?? c.t("page_adoption_no_population")),
            card("card-target", c.t("page_adoption_target"), number(l.target), l.attainment.map { c.t("page_adoption_attainment", ["value": pct($0 * 100)]) } ?? ""),
            card("card-traffic", c.t("page_adoption_traffic"), tb(l.trafficTB), c.t("page_adoption_in_month", ["value": month])),
            card("card-applications", c.t("page_adoption_in_operation"), "\(l.inOperation)",
                 c.t("page_adoption_of_projects", ["total": "\(l.applications)", "demo": "\(l.demonstrations)"])),
        ]
    }

    static func months(_ a: Adoption) -> [YearMonth] {
        let known = Set(a.months + a.trafficMonths)
        guard let first = known.min(), let last = known.max() else { return [] }
        var out: [YearMonth] = [first]
        while out.last! < last { out.append(out.last!.next) }
        return out
    }

    static func subscriberChart(_ a: Adoption, region: String?, _ c: PageContext) -> HTML {
        let ms = months(a)
        var series: [MonthlyChart.Series] = Operator.allCases.compactMap { op in
            let values = ms.map { a.subscribers($0, region: region, operator: op).map(Double.init) }
            return values.contains { $0 != nil } ? MonthlyChart.Series(name: c.name(op), colour: colours[op]!, values: values) : nil
        }
        series.append(MonthlyChart.Series(name: c.t("page_adoption_all"), colour: "#1d2733", values: ms.map { a.subscribers($0, region: region).map(Double.init) }, bold: true))
        return MonthlyChart.render(months: ms, series: series, bars: false, label: c.t("page_adoption_subscribers_chart"), id: "subscribers-chart", context: c)
    }

    static func trafficChart(_ a: Adoption, region: String?, _ c: PageContext) -> HTML {
        let ms = months(a)
        let series: [MonthlyChart.Series] = Operator.allCases.compactMap { op in
            let values = ms.map { a.traffic($0, region: region, operator: op) }
            return values.contains { $0 != nil } ? MonthlyChart.Series(name: c.name(op), colour: colours[op]!, values: values) : nil
        }
        return MonthlyChart.render(months: ms, series: series, bars: true, label: c.t("page_adoption_traffic_chart"), id: "traffic-chart", context: c)
    }

    static func domainName(_ d: ApplicationProject.Domain, _ c: PageContext) -> String { c.language == .zh ? d.chineseName : d.englishName }
    static func statusName(_ s: ApplicationProject.Status, _ c: PageContext) -> String { c.t("application_status_\(s.rawValue)") }

    static func domains(_ a: Adoption, region: String?, _ c: PageContext) -> HTML {
        let counts = a.projectsByDomain(region: region)
        let statuses = ApplicationProject.Status.allCases
        let rows = ApplicationProject.Domain.allCases.filter { counts[$0] != nil }.map { d -> HTML in
            let s = counts[d]!
            return "<tr data-domain=\"\(d.rawValue)\"><td class=\"l\">\(domainName(d, c))</td>\(statuses.map { st -> HTML in "<td data-status=\"\(st.rawValue)\">\(s[st] ?? 0)</td>" })<td><b>\(s.values.reduce(0, +))</b></td></tr>"
        }
        return """
        <div class="scroll"><table id="domains"><thead><tr><th class="l">\(c.t("page_adoption_domain"))</th>\
        \(statuses.map { s -> HTML in "<th>\(statusName(s, c))</th>" })<th>\(c.t("page_adoption_total"))</th></tr></thead>\
        <tbody>\(rows.isEmpty ? Dashboard.noneRow(statuses.count + 2, c) : rows.joined())</tbody></table></div>
        """
    }

    static func regionTable(_ m: Model, _ c: PageContext) -> HTML {
        let rows = zip(m.view.regions, m.view.lines).map { r, l -> HTML in
            """
            <tr data-region="\(r.code)"><td class="l"><a href="\(c.link(Route.adoption.pattern, [("region", r.code)]))">\(c.name(r))</a></td>\
            <td data-col="subscribers">\(number(l.subscribers))</td><td data-col="growth">\(l.growth.map { pct($0 * 100) } ?? "—")</td>\
            <td data-col="traffic">\(tb(l.trafficTB))</td><td data-col="target">\(number(l.target))</td>\
            <td data-col="attainment">\(l.attainment.map { pct($0 * 100) } ?? "—")</td><td data-col="penetration">\(pct(l.penetration))</td>\
            <td data-col="applications">\(l.applications)</td><td data-col="in_operation">\(l.inOperation)</td></tr>
            """
        }
        return """
        <h2>\(c.t("page_adoption_by_region"))</h2><div class="scroll"><table id="adoption-regions"><thead><tr><th class="l">\(c.t("page_region"))</th>\
        <th>\(c.t("page_adoption_subscribers"))</th><th>\(c.t("page_adoption_growth", ["months": "\(Adoption.growthMonths)"]))</th>\
        <th>\(c.t("page_adoption_traffic"))</th><th>\(c.t("page_adoption_target"))</th><th>\(c.t("page_adoption_attainment_head"))</th>\
        <th>\(c.t("page_adoption_penetration"))</th><th>\(c.t("page_adoption_projects"))</th><th>\(c.t("page_adoption_in_operation"))</th></tr></thead>\
        <tbody>\(rows)</tbody></table></div>
        """
    }
}
