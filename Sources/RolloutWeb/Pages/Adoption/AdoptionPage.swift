import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// 5G adoption (5G应用与用户): subscribers and traffic month by month, the application projects by
/// domain and status, each region's line, as of any moment; the organisations that keep projects
/// record them there or through the API.
enum AdoptionPage {
    /// An application project as a form or the API writes it (every field text, checked here).
    struct Input: Decodable {
        var project_ref: String?, name: String?, domain: String?, region_code: String?, `operator`: String?, lead_org: String?
        var status: String?, investment_cny: String?, demonstration: String?, status_date: String?
        var lang: String?

        /// The project the fields give; a clear error for each field that is wrong.
        func project() throws -> ApplicationProject {
            func text(_ v: String?) -> String { (v ?? "").trimmedSpaces }
            guard let domain = ApplicationProject.Domain(codeOrName: text(domain)) else { throw RolloutError("unknown_domain", ["value": String(text(domain).prefix(40))]) }
            guard let status = ApplicationProject.Status(codeOrName: text(status)) else { throw RolloutError("unknown_status", ["value": String(text(status).prefix(40))]) }
            var op: Operator? = nil
            if !text(self.operator).isEmpty {
                guard let o = Operator(codeOrName: text(self.operator)) else { throw RolloutError("unknown_operator", ["value": String(text(self.operator).prefix(40))]) }
                op = o
            }
            var investment: Double? = nil
            if !text(investment_cny).isEmpty {
                guard let i = Double(text(investment_cny)) else { throw RolloutError("application_bad_investment", ["value": String(text(investment_cny).prefix(40))]) }
                investment = i
            }
            let flag = text(demonstration).lowercased()
            guard ["", "0", "1", "true", "false", "yes", "no", "on", "是", "否"].contains(flag) else { throw RolloutError("bad_flag", ["value": String(flag.prefix(20))]) }
            return ApplicationProject(ref: text(project_ref), name: text(name), domain: domain, regionCode: text(region_code), operator: op,
                                      leadOrg: text(lead_org), status: status, investmentCNY: investment,
                                      demonstration: ["1", "true", "yes", "on", "是"].contains(flag))
        }
    }

    struct Model {
        var view: AdoptionView
        /// The region the page is narrowed to, if any.
        var region: Region?
        /// Whether the account records projects (the form is shown), and the one region it may name (a district).
        var records: Bool
        var fixedRegion: String?
        var done: Bool
        var error: RolloutError?
    }

    /// The most projects listed on the page (the export has them all).
    static let projectLimit = 300

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.adoption) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.adoptionAction) { request, context in
            let form = try await request.form(Input.self, upTo: 32 * 1024)
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden], perform: {
                try await service.recordApplication(try form.project(), statusDate: form.status_date, by: try context.requirePrincipal())
                return "\(Route.adoption.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiAdoption) { request, _ in
            let view = try await service.adoption(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            return try JSONResponse.ok(AdoptionJSON(view, region: request.query("region")))
        }
        router.on(.apiApplications) { request, _ in
            let view = try await service.adoption(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let region = request.query("region")
            return try JSONResponse.ok(view.adoption.currentProjects.filter { region == nil || $0.regionCode == region }
                .map { ApplicationJSON($0, since: view.adoption.projects[$0.ref]!.since) })
        }
        router.on(.apiApplicationsRecord) { request, context in
            let input = try await request.json(Input.self, upTo: 32 * 1024)
            let changed = try await service.recordApplication(try input.project(), statusDate: input.status_date, by: try context.requirePrincipal())
            return try JSONResponse.ok(["changed": changed])
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let view = try await service.adoption(c.stored.campaign, at: c.moment)
        var region: Region? = nil
        if let code = request.query("region"), !code.isEmpty {
            guard let r = view.regions.first(where: { $0.code == code }) else { throw RolloutError("unknown_region", kind: .notFound, ["value": code]) }
            region = r
        }
        let records = c.principal.map { Access.allows($0.role, .recordAdoption) } ?? false
        let m = Model(view: view, region: region, records: records, fixedRegion: c.principal?.role == .district ? c.principal?.region : nil,
                      done: request.query("done") != nil, error: error)
        return HTMLPage.html(self.view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}
