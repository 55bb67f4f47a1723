import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Moving quota between regions (the city office): the page shows each region's target against its
/// forecast, the proposed moves with their effect, and a form to move; the API does the same.
enum QuotaPage {
    struct MoveBody: Decodable { var from: String; var to: String; var `operator`: String?; var sites: Int; var reason: String }
    struct Form: Decodable { var from: String?; var to: String?; var `operator`: String?; var sites: String?; var reason: String?; var lang: String? }
    struct ProposalsJSON: Encodable { var proposals: [QuotaAdvisor.Proposal]; var effect: QuotaAdvisor.Effect }
    struct MovedJSON: Encodable { var targets: [TargetSetting] }

    struct Model {
        var regions: [RegionFigures]
        var names: [String: Region]
        var proposals: [QuotaAdvisor.Proposal]
        var effect: QuotaAdvisor.Effect
        /// What the form shows: a proposal's values, or what was sent.
        var form: Form
        var moved: String?
        var error: RolloutError?
    }

    static func move(_ from: String?, _ to: String?, _ op: String?, _ sites: String?, _ reason: String?) throws -> QuotaMove {
        var o: Operator? = nil
        if let op, !op.isEmpty {
            guard let parsed = Operator(codeOrName: op) else { throw RolloutError("unknown_operator", ["value": op]) }
            o = parsed
        }
        guard let text = sites?.trimmingCharacters(in: .whitespaces), let n = Int(text) else { throw RolloutError("quota_bad_count", ["value": sites ?? ""]) }
        return QuotaMove(from: from ?? "", to: to ?? "", operator: o, sites: n, reason: reason ?? "")
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.quota) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.on(.quotaMove) { request, context in
            let form = try await request.form(Form.self)
            return try await FormSubmission.handle(fixable: [.invalid, .notFound], perform: {
                let m = try move(form.from, form.to, form.operator, form.sites, form.reason)
                _ = try await service.moveQuota(m, by: try context.requirePrincipal())
                return "\(Route.quota.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&moved=\(m.sites)"
            }, again: { e in
                // The form again, with what was typed and what is wrong.
                try await page(request, context, service: service, error: e, status: .badRequest, form: form)
            })
        }
        router.on(.apiQuotaProposals) { request, _ in
            let (proposals, effect) = try await service.quotaProposals(asOf: request.query("as_of"))
            return try JSONResponse.ok(ProposalsJSON(proposals: proposals, effect: effect))
        }
        router.on(.apiQuotaMove) { request, context in
            let body = try await request.json(MoveBody.self)
            let m = try move(body.from, body.to, body.operator, "\(body.sites)", body.reason)
            return try JSONResponse.ok(MovedJSON(targets: try await service.moveQuota(m, by: try context.requirePrincipal())))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status, form: Form? = nil) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service, moment: false)
        let (proposals, effect) = try await service.quotaProposals()
        let shown = form ?? Form(from: request.query("from"), to: request.query("to"), sites: request.query("sites"))
        let m = Model(regions: try await service.regions(), names: try await service.regionsByCode(),
                      proposals: proposals, effect: effect, form: shown, moved: request.query("moved"), error: error)
        return HTMLPage.html(view(m, context: c), status: status)
    }
}
