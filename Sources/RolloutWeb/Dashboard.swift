import Foundation
import RolloutCore
import RolloutImport
import RolloutStorage

/// The reads the dashboard's pages share, and the pieces of HTML more than one page shows.
enum Dashboard {
    /// The campaign's region outlines, parsed (the parse is kept by ``OutlineCache``).
    static func outlines(_ service: CampaignService) async throws -> [String: Outline] {
        try OutlineCache.shared.outlines(try await service.outlines())
    }

    /// The same moment a week earlier.
    /// The mark of a region under listed supervision.
    static func listedTag(_ c: PageContext) -> String {
        " <a class=\"tag escalated\" href=\"\(c.link(Paths.supervision))\">\(c.t("page_supervision_listed"))</a>"
    }

    static func weekBefore(_ moment: ReadMoment) -> ReadMoment {
        moment.at(Cutoff(before: moment.asOf.before.adding(days: -7)))
    }

    /// The progress day by day, its last day set to the moment's exact figure.
    static func series(_ service: CampaignService, region: String?, operator op: Operator?, progress: Int,
                       context c: PageContext) async throws -> [DayProgress] {
        var s = try await service.progressByDay(region: region, operator: op, c.stored.campaign, at: c.moment)
        if !s.isEmpty { s[s.count - 1].progress = progress }
        return s
    }

    /// The burn-up chart of a series.
    static func chart(_ series: [DayProgress], target: Int?, forecast: Forecast, context c: PageContext) -> String {
        let campaign = c.stored.campaign
        return BurnUpChart.render(series: series, target: target, start: ShanghaiCalendar.day(of: campaign.start),
                                  deadline: ShanghaiCalendar.day(of: campaign.deadline.adding(seconds: -1)),
                                  asOfDay: ShanghaiCalendar.day(of: c.moment.asOf.before.adding(seconds: -1)),
                                  forecast: forecast.path, context: c)
    }

    /// The forecast card: expected by the deadline, its band, the chance and the expected day.
    static func forecastCard(_ f: Forecast, progress: Int, target: Int?, context c: PageContext) -> String {
        var lines: [String] = []
        if let low = f.expectedLow, let high = f.expectedHigh { lines.append(c.t("page_forecast_range", ["low": "\(low)", "high": "\(high)"])) }
        if let p = f.probabilityByDeadline { lines.append(c.t("page_probability", ["value": String(format: "%.0f%%", p * 100)])) }
        if let target, target > 0 {
            if progress >= target { lines.append(c.t("page_reached")) }
            else if let d = f.expectedCompletionDate { lines.append(c.t("page_expected_date", ["value": d])) }
            else { lines.append(c.t("page_not_expected")) }
        }
        let cls = f.onTrack == false ? " class=\"lag\"" : f.onTrack == true ? " class=\"ok\"" : ""
        return "<div class=\"card\"><span class=\"muted\">\(c.t("page_forecast"))</span><b data-live=\"forecast\"\(cls)>\(f.expectedAtDeadline)</b>"
            + "<span class=\"muted\">\(lines.joined(separator: "<br>"))</span></div>"
    }

    /// A card with a label and a number.
    static func card(_ label: String, _ value: String, live: String, note: String = "", alarm: Bool = false) -> String {
        "<div class=\"card\"><span class=\"muted\">\(label)</span><b data-live=\"\(live)\"\(alarm ? " class=\"lag\"" : "")>\(value)</b>"
            + (note.isEmpty ? "" : "<span class=\"muted\">\(note)</span>") + "</div>"
    }

    /// A completion bar.
    static func bar(_ v: Double?) -> String {
        let w = min(100, max(0, (v ?? 0) * 100))
        return "<div class=\"bar\"><i style=\"width:\(String(format: "%.0f", w))%;background:\(DistrictMap.colour(v))\"></i></div>"
    }

    /// Obstacles grouped (by category or responsible unit) as a table.
    static func groupTable(_ groups: [ObstacleGroup], heading: String, label: (String) -> String, context c: PageContext) -> String {
        var h = "<table><thead><tr><th class=\"l\">\(heading)</th><th>\(c.t("page_count"))</th><th>\(c.t("page_older_than_week"))</th><th>\(c.t("page_oldest_days"))</th></tr></thead><tbody>"
        for g in groups {
            h += "<tr><td class=\"l\">\(label(g.key))</td><td>\(g.count)</td><td\(g.olderThanWeek > 0 ? " class=\"lag\"" : "")>\(g.olderThanWeek)</td><td>\(g.oldestDays)</td></tr>"
        }
        if groups.isEmpty { h += "<tr><td class=\"l\" colspan=\"4\">\(c.t("page_none"))</td></tr>" }
        return h + "</tbody></table>"
    }

    /// The name of an obstacle category code.
    static func categoryName(_ code: String, _ c: PageContext) -> String {
        ObstacleCategory(rawValue: code).map { c.name($0) } ?? HTMLPage.escape(code)
    }

    /// An obstacle's service-level clock: days left, overdue, paused, or its due day once resolved.
    static func clock(_ o: ObstacleRow, _ c: PageContext) -> String {
        guard let left = o.daysLeft else { return "—" }
        let due = o.due.map { " <span class=\"small\">\(c.t("page_due")) \(HTMLPage.escape(String($0.prefix(10))))</span>" } ?? ""
        if o.waitingSince != nil { return "<span class=\"clock paused\">\(c.t("page_clock_paused"))</span>\(due)" }
        if o.overdue { return "<span class=\"clock lag\">\(c.t("page_overdue_by", ["value": "\(max(1, -left))"]))</span>\(due)" }
        return "<span class=\"clock\">\(c.t("page_days_left", ["value": "\(left)"]))</span>\(due)"
    }

    /// A list of obstacles, each linked to its page; with `escalate`, each open one gets the escalation link.
    static func obstacleTable(_ rows: [ObstacleRow], regions: [String: Region], escalate: Bool, back: String, context c: PageContext) -> String {
        var h = "<div class=\"scroll\"><table><thead><tr><th>\(c.t("page_age_days"))</th><th class=\"l\">\(c.t("page_category"))</th>"
            + "<th class=\"l\">\(c.t("page_region"))</th><th class=\"l\">\(c.t("page_site"))</th><th class=\"l\">\(c.t("page_responsible"))</th>"
            + "<th class=\"l\">\(c.t("page_description"))</th><th class=\"l\">\(c.t("page_status"))</th><th class=\"l\">\(c.t("page_clock"))</th>\(escalate ? "<th></th>" : "")</tr></thead><tbody>"
        for o in rows {
            let region = regions[o.regionCode].map { "<a href=\"\(c.link(Paths.region($0.code)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(o.regionCode)
            let site = o.siteCode.map { code in
                "<a href=\"\(c.link(Paths.site(o.operator ?? "", code)))\">\(HTMLPage.escape(o.operator ?? "")) \(HTMLPage.escape(code))</a>"
            } ?? "—"
            let unit = o.unit.map { " → <a href=\"\(c.link(Paths.unit($0)))\">\(HTMLPage.escape(Dispatch.unitName($0, c.language)))</a>" } ?? ""
            let status = "<span class=\"tag \(o.status)\">\(c.t("page_status_\(o.status)"))</span>\(unit)"
            h += "<tr data-ref=\"\(HTMLPage.escape(o.ref))\"><td\(o.ageDays > 7 ? " class=\"lag\"" : "")>\(o.ageDays)</td><td class=\"l\">\(categoryName(o.category, c))</td>"
            h += "<td class=\"l\">\(region)</td><td class=\"l\">\(site)</td><td class=\"l\">\(HTMLPage.escape(o.responsible ?? Catalogue.text("page_unassigned", c.language)))</td>"
            h += "<td class=\"l\"><a href=\"\(c.link(Paths.obstacle(org: o.org, ref: o.ref)))\">\(HTMLPage.escape(o.description))</a></td><td class=\"l\">\(status)</td>"
            h += "<td class=\"l\">\(clock(o, c))</td>"
            if escalate {
                h += o.status != "resolved" && o.escalatedAt == nil && c.principal.map({ Access.mayEscalate(region: o.regionCode, $0) }) == true
                    ? "<td><a class=\"btn\" href=\"\(c.link(Paths.escalate(org: o.org, ref: o.ref), [("back", back)]))\">\(c.t("page_escalate"))</a></td>"
                    : "<td></td>"
            }
            h += "</tr>"
        }
        if rows.isEmpty { h += "<tr><td class=\"l\" colspan=\"\(escalate ? 9 : 8)\">\(c.t("page_none"))</td></tr>" }
        return h + "</tbody></table></div>"
    }

    /// A list of late sites.
    static func lateTable(_ late: LateSites, regions: [String: Region], context c: PageContext) -> String {
        var h = "<div class=\"scroll\"><table><thead><tr><th class=\"l\">\(c.t("page_site"))</th><th class=\"l\">\(c.t("page_region"))</th>"
            + "<th class=\"l\">\(c.t("page_stage"))</th><th>\(c.t("page_planned_on_air"))</th></tr></thead><tbody>"
        for s in late.sites {
            let region = regions[s.regionCode].map { "<a href=\"\(c.link(Paths.region($0.code)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(s.regionCode)
            h += "<tr><td class=\"l\"><a href=\"\(c.link(Paths.site(s.operator, s.siteCode)))\">\(HTMLPage.escape(s.operator)) \(HTMLPage.escape(s.siteCode))</a> \(HTMLPage.escape(s.name))</td>"
            h += "<td class=\"l\">\(region)</td><td class=\"l\">\(Stage(rawValue: s.stage).map { c.name($0) } ?? "")</td><td class=\"lag\">\(s.plannedOnAir ?? "")</td></tr>"
        }
        if late.sites.isEmpty { h += "<tr><td class=\"l\" colspan=\"4\">\(c.t("page_none"))</td></tr>" }
        h += "</tbody></table></div>"
        if late.total > late.sites.count { h += "<p class=\"muted\">\(c.t("page_more", ["value": "\(late.total)", "shown": "\(late.sites.count)"]))</p>" }
        return h
    }

    /// Where a page's lists of records stand for an account that reads figures only.
    static func figuresOnly(_ c: PageContext) -> String {
        "<p class=\"muted\" id=\"figures-only\">\(c.t("page_figures_only"))</p>"
    }
}
