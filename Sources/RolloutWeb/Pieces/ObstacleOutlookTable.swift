import RolloutApplication
import RolloutCore

/// The district page's answer to "which obstacles does the shortfall come from": per category,
/// the obstacles open on sites, how long they have stood, how long their kind took to clear, and
/// how many are expected still open on the milestone's day (their sites cannot be built by then).
enum ObstacleOutlookTable {
    static func html(_ f: ObstacleForecast?, shortfall: Int?, context c: PageContext) -> HTML {
        guard let f else { return "" }
        guard !f.byCategory.isEmpty else {
            return "<h2>\(c.t("page_obstacle_outlook"))</h2><p class=\"muted\" id=\"obstacle-outlook-none\">\(c.t("page_obstacle_outlook_none"))</p>"
        }
        let worst = f.byCategory.first?.category
        let rows = f.byCategory.map { o -> HTML in
            let name = ObstacleCategory(rawValue: o.category).map { c.name($0) } ?? o.category
            let mark = o.category == worst && o.expectedOpenAtDeadline > 0 ? Dashboard.lag : nil
            return """
            <tr data-category="\(o.category)"><td class="l">\(name)</td><td>\(o.open)</td><td>\(c.decimal(o.medianAgeDays))</td>\
            <td>\(c.decimal(o.typicalDays))</td><td>\(o.resolvedSamples)</td><td\(mark)>\(o.expectedOpenAtDeadline)</td></tr>
            """
        }
        var gap: HTML? = nil
        if let s = shortfall, s > 0 { gap = " \(c.t("page_obstacle_outlook_shortfall", ["value": "\(s)"]))" }
        var cut: HTML? = nil
        if f.truncated { cut = "<p class=\"notice\">\(c.t("page_obstacle_outlook_truncated", ["value": "\(CampaignService.obstacleOutlookLimit)"]))</p>" }
        return """
        <h2>\(c.t("page_obstacle_outlook"))</h2><p id="obstacle-outlook-summary">\(c.t("page_obstacle_outlook_summary", ["open": "\(f.open)", "held": "\(f.expectedOpenAtDeadline)", "due": f.due]))\(gap)</p>\
        <div class="scroll"><table id="obstacle-outlook"><thead><tr><th class="l">\(c.t("page_obstacle_outlook_category"))</th>\
        <th>\(c.t("page_obstacle_outlook_open"))</th><th>\(c.t("page_obstacle_outlook_age"))</th><th>\(c.t("page_obstacle_outlook_typical"))</th>\
        <th>\(c.t("page_obstacle_outlook_samples"))</th><th>\(c.t("page_obstacle_outlook_held", ["value": f.due]))</th></tr></thead>\
        <tbody>\(rows)</tbody></table></div>\(cut)\
        <p class="muted small">\(c.t("page_obstacle_outlook_note"))</p>
        """
    }
}
