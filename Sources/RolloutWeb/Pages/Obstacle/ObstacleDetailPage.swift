import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// One obstacle: its page shows it as of a moment (its unit, its clock, its history) with the
/// actions the account may take on it now; the form posts to `…/action`. The API reads it and
/// takes an action at `POST …/actions`.
enum ObstacleDetailPage {
    struct Form: Decodable { var action: String?; var unit: String?; var text: String?; var lang: String? }
    struct APIBody: Decodable { var action: String; var unit: String?; var text: String? }

    struct Model {
        var row: ObstacleRow
        var state: ObstacleState
        var regions: [String: Region]
        /// The unit the routing table sends the obstacle to.
        var defaultUnit: String
        /// Whether the page shows the present (actions are offered only then).
        var present: Bool
        var done: Bool
        var error: RolloutError?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.obstacle) { request, context in
            let c = try await PageHandler.context(request, context, service: service)
            return HTMLPage.html(view(try await query(service, request: request, context: context, error: nil, c), context: c))
        }
        router.on(.obstacleAction) { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let form = try await request.form(Form.self)
            return try await FormSubmission.handle(perform: {
                guard let action = ObstacleAction(rawValue: form.action ?? "") else { throw RolloutError("obstacle_bad_action", ["value": form.action ?? ""]) }
                try await service.act(action, org: org, ref: ref, unit: form.unit, text: form.text ?? "", by: try context.requirePrincipal())
                return "\(Route.obstacle.path(org, ref))?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=\(action.rawValue)"
            }, again: { e in
                let c = try await PageHandler.context(request, context, service: service)
                return HTMLPage.html(view(try await query(service, request: request, context: context, error: e, c), context: c), status: JSONResponse.status(e))
            })
        }
        router.on(.apiObstacle) { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            return try JSONResponse.ok(try await service.obstacle(org: org, ref: ref, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.on(.apiObstacleActions) { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let body = try await request.json(APIBody.self)
            guard let action = ObstacleAction(rawValue: body.action) else { throw RolloutError("obstacle_bad_action", ["value": body.action]) }
            return try JSONResponse.ok(try await service.act(action, org: org, ref: ref, unit: body.unit, text: body.text ?? "",
                                                             by: try context.requirePrincipal()))
        }
    }

    /// One read of the state and the table: the row, the history and the forms all come from them.
    static func query(_ service: CampaignService, request: Request, context: RolloutContext, error: RolloutError?,
                      _ c: PageContext) async throws -> Model {
        let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
        let table = try await service.dispatchTable(at: c.moment)
        guard let state = try await service.obstacleState(org: org, ref: ref), let o = ObstacleRow(state, at: c.moment, table: table) else {
            throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref])
        }
        let regions = try await service.regionsByCode()
        return Model(row: o, state: state, regions: regions, defaultUnit: table.unit(for: state.opening),
                     present: c.moment.knownAt == nil && c.asOf == nil, done: request.query("done") != nil, error: error)
    }
}
