import Foundation
import RolloutApplication
import RolloutCore
import RolloutImport
import RolloutStorage
import RolloutTexts

/// The reads the dashboard's pages share, and the pieces of HTML more than one page shows.
enum Dashboard {
    /// The campaign's region outlines, parsed (the parse is kept by ``OutlineCache``).
    static func outlines(_ service: CampaignService) async throws -> [String: Outline] {
        try OutlineCache.shared.outlines(try await service.outlines())
    }

    /// The same moment a week earlier.
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

    /// The mark of a region under listed supervision.
    static func listedTag(_ c: PageContext) -> HTML {
        " <a class=\"tag escalated\" href=\"\(c.link(Route.supervision.pattern))\">\(c.t("page_supervision_listed"))</a>"
    }

    /// The burn-up chart of a series.
    static func chart(_ series: [DayProgress], target: Int?, milestones: [MilestoneFigure] = [], forecast: Forecast,
                      context c: PageContext) -> HTML {
        let campaign = c.stored.campaign
        let due = milestones.first(where: \.inForce).flatMap { ShanghaiCalendar.parseDay($0.due) }
        return BurnUpChart.render(series: series, target: target, milestones: milestones, start: ShanghaiCalendar.day(of: campaign.start),
                                  deadline: due ?? ShanghaiCalendar.day(of: campaign.deadline.adding(seconds: -1)),
                                  asOfDay: ShanghaiCalendar.day(of: c.moment.asOf.before.adding(seconds: -1)),
                                  forecast: forecast.path, context: c)
    }

    /// The forecast card: expected by the deadline, its band, the chance and the expected day.
    static func forecastCard(_ f: Forecast, progress: Int, target: Int?, region: String? = nil, context c: PageContext) -> HTML {
        var lines: [String] = []
        if let low = f.expectedLow, let high = f.expectedHigh { lines.append(c.t("page_forecast_range", ["low": "\(low)", "high": "\(high)"])) }
        if let p = f.probabilityByDeadline { lines.append(c.t("page_probability", ["value": String(format: "%.0f%%", p * 100)])) }
        if let target, target > 0 {
            if progress >= target { lines.append(c.t("page_reached")) }
            else if let d = f.expectedCompletionDate { lines.append(c.t("page_expected_date", ["value": d])) }
            else { lines.append(c.t("page_not_expected")) }
        }
        if let reason = f.reason { lines.append(c.t("forecast_reason_" + reason)) }
        let cls: HTML = f.onTrack == false ? " class=\"lag\"" : f.onTrack == true ? " class=\"ok\"" : ""
        return """
        <div class="card"><span class="muted">\(c.t("page_forecast"))</span><b data-live="forecast"\(cls)>\(f.expectedAtDeadline)</b>\
        <span class="muted">\(lines.map { HTML("\($0)") }.joined(separator: "<br>"))</span>\
        <a class="small" id="track-record" href="\(c.link(Route.forecast.pattern, region.map { [("region", $0)] } ?? []))">\(c.t("page_track_record"))</a></div>
        """
    }

    /// A card with a label and a number.
    static func card(_ label: String, _ value: String, live: String, note: String = "", alarm: Bool = false) -> HTML {
        let noteHTML: HTML = note.isEmpty ? "" : "<span class=\"muted\">\(note)</span>"
        return "<div class=\"card\"><span class=\"muted\">\(label)</span><b data-live=\"\(live)\"\(alarm ? lag : "")>\(value)</b>\(noteHTML)</div>"
    }

    /// The class of a figure that lags.
    static let lag: HTML = " class=\"lag\""

    /// A completion bar.
    static func bar(_ v: Double?) -> HTML {
        let w = min(100, max(0, (v ?? 0) * 100))
        return "<div class=\"bar\"><i style=\"width:\(String(format: "%.0f", w))%;background:\(DistrictMap.colour(v))\"></i></div>"
    }

    /// A row saying the list is empty, across its columns.
    static func noneRow(_ columns: Int, _ c: PageContext) -> HTML {
        "<tr><td class=\"l\" colspan=\"\(columns)\">\(c.t("page_none"))</td></tr>"
    }

    /// Obstacles grouped (by category or responsible unit) as a table.
    static func groupTable(_ groups: [ObstacleGroup], heading: String, label: (String) -> String, context c: PageContext) -> HTML {
        let rows = groups.map { g -> HTML in
            "<tr><td class=\"l\">\(label(g.key))</td><td>\(g.count)</td><td\(g.olderThanWeek > 0 ? lag : "")>\(g.olderThanWeek)</td><td>\(g.oldestDays)</td></tr>"
        }
        return """
        <table><thead><tr><th class="l">\(heading)</th><th>\(c.t("page_count"))</th><th>\(c.t("page_older_than_week"))</th>\
        <th>\(c.t("page_oldest_days"))</th></tr></thead><tbody>\(rows)\(groups.isEmpty ? noneRow(4, c) : "")</tbody></table>
        """
    }

    /// The name of an obstacle category code.
    static func categoryName(_ code: String, _ c: PageContext) -> String {
        ObstacleCategory(rawValue: code).map { c.name($0) } ?? code
    }

    /// An obstacle's service-level clock: days left, overdue, paused, or its due day once resolved.
    static func clock(_ o: ObstacleRow, _ c: PageContext) -> HTML {
        guard let left = o.daysLeft else { return "—" }
        let due: HTML? = o.due.map { " <span class=\"small\">\(c.t("page_due")) \(String($0.prefix(10)))</span>" }
        if o.waitingSince != nil { return "<span class=\"clock paused\">\(c.t("page_clock_paused"))</span>\(due)" }
        if o.overdue { return "<span class=\"clock lag\">\(c.t("page_overdue_by", ["value": "\(max(1, -left))"]))</span>\(due)" }
        return "<span class=\"clock\">\(c.t("page_days_left", ["value": "\(left)"]))</span>\(due)"
    }

    /// A region linked to its page (its code when unknown).
    static func regionLink(_ code: String, _ regions: [String: Region], _ c: PageContext) -> HTML {
        regions[code].map { "<a href=\"\(c.link(Route.region.path($0.code)))\">\(c.name($0))</a>" } ?? "\(code)"
    }

    /// A site linked to its page.
    static func siteLink(operator op: String, code: String, _ c: PageContext) -> HTML {
        "<a href=\"\(c.link(Route.site.path(op, code)))\">\(op) \(code)</a>"
    }

    /// A list of obstacles, each linked to its page; with `escalate`, each open one gets the escalation link.
    static func obstacleTable(_ rows: [ObstacleRow], regions: [String: Region], escalate: Bool, back: String, context c: PageContext) -> HTML {
        let body = rows.map { o -> HTML in
            let site: HTML = o.siteCode.map { siteLink(operator: o.operator ?? "", code: $0, c) } ?? "—"
            let unit: HTML? = o.unit.map { " → <a href=\"\(c.link(Route.unit.path($0)))\">\(Dispatch.unitName($0, c.language))</a>" }
            let status: HTML = "<span class=\"tag \(o.status)\">\(c.t("page_status_\(o.status)"))</span>\(unit)"
            var action: HTML? = nil
            if escalate {
                action = o.status != "resolved" && o.escalatedAt == nil && c.principal.map({ Access.mayEscalate(region: o.regionCode, $0) }) == true
                    ? "<td><a class=\"btn\" href=\"\(c.link(Route.escalation.path(o.org, o.ref), [("back", back)]))\">\(c.t("page_escalate"))</a></td>"
                    : "<td></td>"
            }
            return """
            <tr data-ref="\(o.ref)"><td\(o.ageDays > 7 ? lag : "")>\(o.ageDays)</td><td class="l">\(categoryName(o.category, c))</td>\
            <td class="l">\(regionLink(o.regionCode, regions, c))</td><td class="l">\(site)</td>\
            <td class="l">\(o.responsible ?? Catalogue.text("page_unassigned", c.language))</td>\
            <td class="l"><a href="\(c.link(Route.obstacle.path(o.org, o.ref)))">\(o.description)</a></td><td class="l">\(status)</td>\
            <td class="l">\(clock(o, c))</td>\(action)</tr>
            """
        }
        return """
        <div class="scroll"><table><thead><tr><th>\(c.t("page_age_days"))</th><th class="l">\(c.t("page_category"))</th>\
        <th class="l">\(c.t("page_region"))</th><th class="l">\(c.t("page_site"))</th><th class="l">\(c.t("page_responsible"))</th>\
        <th class="l">\(c.t("page_description"))</th><th class="l">\(c.t("page_status"))</th><th class="l">\(c.t("page_clock"))</th>\
        \(escalate ? HTML("<th></th>") : "")</tr></thead><tbody>\(body)\(rows.isEmpty ? noneRow(escalate ? 9 : 8, c) : "")</tbody></table></div>
        """
    }

    /// A list of late sites.
    static func lateTable(_ late: LateSites, regions: [String: Region], context c: PageContext) -> HTML {
        let body = late.sites.map { s -> HTML in
            """
            <tr><td class="l">\(siteLink(operator: s.operator, code: s.siteCode, c)) \(s.name)</td>\
            <td class="l">\(regionLink(s.regionCode, regions, c))</td><td class="l">\(Stage(rawValue: s.stage).map { c.name($0) } ?? "")</td>\
            <td class="lag">\(s.plannedOnAir ?? "")</td></tr>
            """
        }
        let moreLine: HTML? = late.total > late.sites.count ? more(late.total, shown: late.sites.count, c) : nil
        return """
        <div class="scroll"><table><thead><tr><th class="l">\(c.t("page_site"))</th><th class="l">\(c.t("page_region"))</th>\
        <th class="l">\(c.t("page_stage"))</th><th>\(c.t("page_planned_on_air"))</th></tr></thead><tbody>\
        \(body)\(late.sites.isEmpty ? noneRow(4, c) : "")</tbody></table></div>\(moreLine)
        """
    }

    /// "Showing N of M".
    static func more(_ total: Int, shown: Int, _ c: PageContext, small: Bool = false) -> HTML {
        "<p class=\"\(small ? "muted small" : "muted")\">\(c.t("page_more", ["value": "\(total)", "shown": "\(shown)"]))</p>"
    }

    /// Where a page's lists of records stand for an account that reads figures only.
    static func figuresOnly(_ c: PageContext) -> HTML {
        "<p class=\"muted\" id=\"figures-only\">\(c.t("page_figures_only"))</p>"
    }

    /// A notice (done) or an error above a form, when there is one.
    static func notice(_ text: String?, id: String) -> HTML {
        text.map { "<p class=\"notice\" id=\"\(id)\">\($0)</p>" } ?? ""
    }

    static func error(_ e: RolloutError?, id: String, _ c: PageContext) -> HTML {
        e.map { "<p class=\"lag\" id=\"\(id)\">\($0.message(c.language))</p>" } ?? ""
    }
}
