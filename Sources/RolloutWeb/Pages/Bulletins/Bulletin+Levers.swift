import Foundation
import RolloutApplication
import RolloutCore

extension Bulletin {
    /// Section 十一: safety at the cut-off: the city's findings, the regions with findings, the
    /// overdue fixes and the stopped sites (its numbers are the safety page's for the same moment).
    static func safety(_ m: BulletinContent, _ c: PageContext) -> HTML {
        guard let v = m.safety else { return "<p>\(t("bulletin_none"))</p>" }
        let tallies = v.tallies
        let city = tallies.city
        let sites = v.sites.values.reduce(0, +)
        let line = t("bulletin_safety_line", ["findings": "\(city.findings)", "major": "\(city.major)", "unresolved": "\(city.unresolved)",
                                              "overdue": "\(city.overdue)", "stopped": "\(city.stopped)",
                                              "per100": city.per100(sites: sites).map { String(format: "%.2f", $0) } ?? "—"])
        let rows = v.regions.compactMap { r -> HTML? in
            guard let x = tallies.regions[r.code], x.findings > 0 else { return nil }
            return """
            <tr><td class="l">\(r.nameZh)</td><td>\(x.findings)</td><td>\(x.major)</td>\
            <td>\(x.per100(sites: v.sites[r.code] ?? 0).map { String(format: "%.2f", $0) } ?? "—")</td><td>\(x.unresolved)</td><td>\(x.overdue)</td><td>\(x.stopped)</td></tr>
            """
        }
        let table: HTML? = rows.isEmpty ? nil : """
            <table id="bulletin-safety"><thead><tr><th class="l">\(t("page_region"))</th><th>\(t("page_safety_findings"))</th><th>\(t("page_safety_major_head"))</th>\
            <th>\(t("page_safety_per100"))</th><th>\(t("page_safety_unresolved"))</th><th>\(t("page_safety_overdue"))</th><th>\(t("page_safety_stopped"))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        return "<p id=\"safety\">\(line)</p>\(table)"
    }

    /// Section 十二: 5G adoption at the cut-off: the city's subscribers, growth, penetration and projects.
    static func adoption(_ m: BulletinContent, _ c: PageContext) -> HTML {
        guard let v = m.adoption else { return "<p>\(t("bulletin_none"))</p>" }
        let l = v.city
        guard let month = l.month else {
            return "<p id=\"adoption\">\(t("bulletin_adoption_projects", ["total": "\(l.applications)", "operating": "\(l.inOperation)"]))</p>"
        }
        let line = t("bulletin_adoption_line", ["month": month.description, "value": l.subscribers.map(MonthlyChart.grouped) ?? "—",
                                                "growth": l.growth.map { String(format: "%.1f%%", $0 * 100) } ?? "—",
                                                "penetration": l.penetration.map { String(format: "%.1f%%", $0) } ?? "—"])
        return "<p id=\"adoption\">\(line)\(t("bulletin_adoption_projects", ["total": "\(l.applications)", "operating": "\(l.inOperation)"]))</p>"
    }
}
