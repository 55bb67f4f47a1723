import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore

/// The verification queue (核验队列): the openings waiting for a person, oldest first, with their
/// photos' previews, the checks they failed and where they were taken; the buttons to verify or
/// reject (a district its region's, a verifier or the city office any); the counts by state; and
/// the city office's evidence rule.
enum VerificationPage {
    /// A form: `action` = `verified` or `rejected` (with `operator`, `site_code`, `reason`), or `rule`.
    struct Form: Decodable {
        var action: String?, `operator`: String?, site_code: String?, reason: String?, reporter: String?, from: String?, until: String?
        var required: String?, max_distance_m: String?, tolerance_hours: String?, spot_check_rate: String?, rank_verified: String?
        var lang: String?
    }

    struct Model {
        var view: VerificationView
        var principal: Principal?
        /// The region the queue is narrowed to (a district's own by default).
        var region: String?
        var done: Bool
        var error: RolloutError?
        /// The region outlines, for the queue's map.
        var outlines: [String: Outline] = [:]
        /// The campaign's regions, by code.
        var regions: [String: Region] = [:]
    }

    /// The most openings the page lists (each photo as its 320-pixel preview, not the original).
    static let shown = 50

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.verification) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.verificationAction) { request, context in
            let form = try await request.form(Form.self, upTo: 16 * 1024)
            let principal = try context.requirePrincipal()
            let back = "\(Route.verification.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden, .notFound], perform: {
                switch form.action ?? "" {
                case "rule":
                    func number(_ s: String?) -> Double? { s.flatMap { Double($0.trimmedSpaces) } }
                    let rule = EvidenceRule(required: form.required == "on", maxDistanceMetres: number(form.max_distance_m),
                                            toleranceHours: number(form.tolerance_hours), spotCheckRate: number(form.spot_check_rate).map { $0 / 100 },
                                            rankVerified: form.rank_verified == "on")
                    try await service.setEvidenceRule(rule, by: principal)
                case "verified", "rejected":
                    guard let op = Operator(codeOrName: form.operator ?? "") else { throw RolloutError("unknown_operator", ["value": form.operator ?? ""]) }
                    let site = SiteKey(operator: op, code: form.site_code ?? "")
                    try await service.decide(site: site, try EvidenceRoutes.decision(form.action ?? "", reason: form.reason, note: nil), by: principal)
                case "bulk_verified", "bulk_rejected":
                    let decision = try EvidenceRoutes.decision(String((form.action ?? "").dropFirst(5)), reason: form.reason, note: nil)
                    try await service.decideAll(reportedBy: form.reporter ?? "", from: try EvidenceRoutes.bound(form.from ?? ""),
                                                until: try EvidenceRoutes.bound(form.until ?? ""), decision, by: principal)
                default:
                    throw RolloutError("bad_decision", ["value": String((form.action ?? "").prefix(40))])
                }
                return back
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let view = try await service.verification(at: c.moment)
        var region = request.query("region").flatMap { $0.isEmpty ? nil : $0 }
        if region == nil, c.principal?.role == .district { region = c.principal?.region }
        if let region { try await service.checkRegion(region) }
        let m = Model(view: view, principal: c.principal, region: region, done: request.query("done") != nil, error: error,
                      outlines: try await Dashboard.outlines(service), regions: try await service.regionsByCode())
        return HTMLPage.html(self.view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}
