import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// What waits on one unit (a department, an operator, China Tower), the oldest first.
enum UnitPage {
    struct Model {
        var unit: String
        var list: ObstaclePage
        /// Overdue, counted over all of them, not only the rows shown.
        var overdue: Int
        var regions: [String: Region]
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.unit) { request, context in
            let c = try await PageHandler.context(request, context, service: service)
            return HTMLPage.html(view(try await query(service, unit: try context.parameters.require("unit"), context: c), context: c))
        }
    }

    static func query(_ service: CampaignService, unit: String, context c: PageContext) async throws -> Model {
        let list = try await service.unitObstacles(unit, asOf: c.asOf, knownAt: c.knownAt, perPage: 500)
        // The unit's load counts the same obstacles whose clock ran out, without listing them.
        let overdue = try await service.unitLoads(at: c.moment).first { $0.unit == unit }?.overdue ?? 0
        let regions = try await service.regionsByCode()
        return Model(unit: unit, list: list, overdue: overdue, regions: regions)
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let path = Route.unit.path(m.unit)
        let body: HTML = """
        <p class="muted">\(c.t("page_unit_intro"))</p>\
        <p id="unit-count" data-total="\(m.list.total)">\(c.t("page_unit_waiting")) <b>\(m.list.total)</b> · \(c.t("page_unit_overdue")) \
        <b class="lag" id="unit-overdue">\(m.overdue)</b></p>\
        \(Dashboard.obstacleTable(m.list.obstacles, regions: m.regions, escalate: false, back: path, context: c))\
        \(m.list.total > m.list.obstacles.count ? Dashboard.more(m.list.total, shown: m.list.obstacles.count, c) : nil)
        """
        let title = Catalogue.text("page_unit_title", c.language, ["value": Dispatch.unitName(m.unit, c.language)])
        return HTMLPage.frame(title: title, context: c, path: path, body: body)
    }
}
