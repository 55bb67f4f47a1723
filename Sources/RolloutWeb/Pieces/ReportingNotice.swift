import RolloutApplication
import RolloutCore
import RolloutStorage

/// The flag of organisations not reporting on time (未按时报送): each with its run of missed working
/// days or weeks, marked when escalated, linking to the reporting page.
enum ReportingNotice {
    /// An organisation's name in the page's language: an operator's (China Tower's) own, or its district's.
    static func name(_ org: Reporting.Organisation, regions: [String: Region], _ c: PageContext) -> String {
        switch org.kind {
        case .operator, .tower: Operator(rawValue: org.code).map { c.name($0) } ?? org.code
        case .district: regions[org.code].map { c.name($0) } ?? org.code
        }
    }

    /// Each organisation with its run of misses, marked when escalated, as one line of text.
    static func list(_ late: [Reporting.Status], regions: [String: Region], _ c: PageContext) -> String {
        late.map { s -> String in
            let run = c.t(s.cadence == .week ? "page_reporting_run_weeks" : "page_reporting_run_days", ["value": "\(s.consecutiveMisses)"])
            return name(s.organisation, regions: regions, c) + run + (s.escalated ? c.t("page_reporting_escalated_mark") : "")
        }.joined(separator: c.language == .zh ? "、" : "; ")
    }

    /// The notice, or nothing when everyone shown reports on time.
    static func html(_ late: [Reporting.Status], regions: [String: Region], _ c: PageContext) -> HTML? {
        guard !late.isEmpty else { return nil }
        return """
        <p class="notice" id="reporting-late"><a href="\(c.link(Route.reporting.pattern))">\(c.t("page_reporting_missing"))</a>\
        \(c.language == .zh ? "：" : ": ")\(list(late, regions: regions, c))</p>
        """
    }
}
