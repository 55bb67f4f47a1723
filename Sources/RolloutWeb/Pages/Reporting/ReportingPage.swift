import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Reporting discipline (按时报送): the page lists every organisation that must report with its
/// cadence, its last report, the periods it missed and its run of misses; the city office sets the
/// cadences and loads the official calendar there or through the API.
enum ReportingPage {
    struct Form: Decodable {
        var action: String?
        var operators: String?
        var tower: String?
        var districts: String?
        var escalate_after: String?
        var year: String?
        var calendar: String?
        var lang: String?
    }
    struct RuleBody: Decodable { var operators: String; var tower: String; var districts: String; var escalate_after: Int }

    struct Model {
        var view: ReportingView
        var names: [String: Region]
        /// Whether the account sets the rule and loads the calendar (the forms are shown).
        var office: Bool
        var done: Bool
        var error: RolloutError?
    }

    /// A cadence as written in a form or the API.
    static func cadence(_ text: String?) throws -> Reporting.Cadence {
        guard let c = Reporting.Cadence(rawValue: text ?? "") else { throw RolloutError("reporting_bad_cadence", ["value": text ?? ""]) }
        return c
    }

    /// The days asked (`days`, 30 unless given).
    static func days(_ request: Request) throws -> Int {
        guard let text = request.query("days") else { return 30 }
        guard let n = Int(text) else { throw RolloutError("reporting_bad_days", ["value": text]) }
        return n
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.reporting) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.reportingChange) { request, context in
            let form = try await request.form(Form.self, upTo: 256 * 1024)
            return try await FormSubmission.handle(perform: {
                let principal = try context.requirePrincipal()
                switch form.action ?? "" {
                case "rule":
                    guard let n = Int(form.escalate_after ?? "") else { throw RolloutError("reporting_bad_escalate_after", ["value": form.escalate_after ?? ""]) }
                    try await service.setReportingRule(Reporting.Rule(operators: try cadence(form.operators), tower: try cadence(form.tower),
                                                                      districts: try cadence(form.districts), escalateAfter: n), by: principal)
                case "calendar":
                    guard let year = Int(form.year ?? "") else { throw RolloutError("calendar_bad_year", ["value": form.year ?? ""]) }
                    _ = try await service.loadWorkingCalendar(year: year, text: form.calendar ?? "", by: principal)
                default: throw RolloutError("reporting_bad_action", ["value": form.action ?? ""])
                }
                return "\(Route.reporting.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiReporting) { request, _ in
            try JSONResponse.ok(try await service.reporting(asOf: request.query("as_of"), knownAt: request.query("known_at"), days: try days(request)).organisations)
        }
        router.on(.apiReportingRule) { request, context in
            let body = try await request.json(RuleBody.self, upTo: 16 * 1024)
            let rule = try await service.setReportingRule(Reporting.Rule(operators: try cadence(body.operators), tower: try cadence(body.tower),
                                                                         districts: try cadence(body.districts), escalateAfter: body.escalate_after),
                                                          by: try context.requirePrincipal())
            return try JSONResponse.ok(rule)
        }
        router.on(.apiReportingCalendar) { request, context in
            guard let year = Int(try context.parameters.require("year")) else {
                throw RolloutError("calendar_bad_year", ["value": context.parameters.get("year") ?? ""])
            }
            let text = String(buffer: try await request.body.collect(upTo: 256 * 1024))
            return try JSONResponse.ok(try await service.loadWorkingCalendar(year: year, text: text, by: try context.requirePrincipal()).json)
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let m = Model(view: try await service.reporting(asOf: c.asOf, knownAt: c.knownAt, days: try days(request)),
                      names: try await service.regionsByCode(),
                      office: c.principal.map { Access.allows($0.role, .setReporting) } ?? false, done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}

extension WorkingCalendar.Year {
    /// As the API answers a load: the year and its dates written `YYYY-MM-DD`.
    struct JSON: Encodable { var year: Int; var holidays: [String]; var workdays: [String] }
    var json: JSON { JSON(year: year, holidays: holidays.map(ShanghaiCalendar.dateString), workdays: workdays.map(ShanghaiCalendar.dateString)) }
}
