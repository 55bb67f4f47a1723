import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Listed supervision (挂牌督办): the page shows the rule, the proposals read from the last
/// bulletins, the regions listed (deadline, rectification, reviews, overdue) and those delisted;
/// the city office lists, reviews, delists and sets the rule there or through the API.
enum SupervisionPage {
    struct Step: Decodable {
        var action: String?
        var region: String?
        var deadline: String?
        var rectification: String?
        var note: String?
        var reason: String?
        var share: String?
        var consecutive: String?
        var lang: String?
    }
    struct RuleBody: Decodable { var share: Double; var consecutive: Int }

    struct Model {
        var view: SupervisionView
        var names: [String: Region]
        /// Whether the account lists, reviews and delists (the forms are shown).
        var office: Bool
        var done: Bool
        var error: RolloutError?
    }

    /// The end of a day written `YYYY-MM-DD` (a deadline is the whole day).
    static func deadline(_ text: String?) throws -> Instant? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let day = ShanghaiCalendar.parseDay(text.trimmingCharacters(in: .whitespaces)) else { throw RolloutError("bad_date", ["value": text]) }
        return ShanghaiCalendar.start(of: day + 1)
    }

    static func step(_ s: Step) throws -> Supervision.Step {
        switch s.action ?? "" {
        case "list":
            guard let d = try deadline(s.deadline) else { throw RolloutError("bad_date", ["value": s.deadline ?? ""]) }
            return .listed(deadline: d, rectification: s.rectification ?? "")
        case "review": return .reviewed(note: s.note ?? "", deadline: try deadline(s.deadline))
        case "delist": return .delisted(reason: s.reason ?? "")
        default: throw RolloutError("supervision_bad_action", ["value": s.action ?? ""])
        }
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.supervision) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.supervisionStep) { request, context in
            let form = try await request.form(Step.self)
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .notFound], perform: {
                let principal = try context.requirePrincipal()
                if form.action == "rule" {
                    guard let share = Double(form.share ?? ""), let n = Int(form.consecutive ?? "") else {
                        throw RolloutError("supervision_bad_share", ["value": form.share ?? ""])
                    }
                    try await service.setSupervisionRule(Supervision.Rule(share: share, consecutive: n), by: principal)
                } else {
                    _ = try await service.supervise(region: form.region ?? "", step: try step(form), by: principal)
                }
                return "\(Route.supervision.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiSupervision) { request, _ in
            try JSONResponse.ok(try await service.supervision(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.on(.apiSupervisionRule) { request, context in
            let body = try await request.json(RuleBody.self, upTo: 16 * 1024)
            try await service.setSupervisionRule(Supervision.Rule(share: body.share, consecutive: body.consecutive), by: try context.requirePrincipal())
            return try JSONResponse.ok(try await service.supervision().rule)
        }
        router.on(.apiSupervisionStep) { request, context in
            let body = try await request.json(Step.self)
            let region = try context.parameters.require("region")
            return try JSONResponse.ok(try await service.supervise(region: region, step: try step(body), by: try context.requirePrincipal()))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let m = Model(view: try await service.supervision(asOf: c.asOf, knownAt: c.knownAt),
                      names: try await service.regionsByCode(),
                      office: c.principal.map { Access.allows($0.role, .supervise) } ?? false, done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}
