import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// Network-wide dispatching (全网调度): the page shows the routing table (the city office edits it
/// there) and what waits on each unit. The API reads and sets the rules and the units' loads.
enum DispatchPage {
    struct RuleForm: Decodable { var category: String?; var unit: String?; var sla_days: String?; var lang: String? }
    struct RuleBody: Decodable {
        var category: String; var unit: String; var slaDays: Int
        enum CodingKeys: String, CodingKey { case category, unit, slaDays = "sla_days" }
    }
    /// The routing table as the API gives it.
    struct RuleView: Encodable { var category: String; var unit: String; var slaDays: Int }

    struct Model {
        var table: Dispatch.Table
        var loads: [UnitLoad]
        /// Whether the table is editable: the city office, at the present.
        var editable: Bool
        var done: Bool
        var error: RolloutError?
    }

    static func rule(category: String?, unit: String?, slaDays: Int?) throws -> Dispatch.Rule {
        guard let c = category.flatMap(ObstacleCategory.init(codeOrName:)) else { throw RolloutError("unknown_category", ["value": category ?? ""]) }
        guard let days = slaDays else { throw RolloutError("dispatch_bad_sla", ["value": ""]) }
        return Dispatch.Rule(category: c, unit: unit ?? "", slaDays: days)
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.dispatch) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.dispatchRule) { request, context in
            let form = try await request.form(RuleForm.self, upTo: 16 * 1024)
            return try await FormSubmission.handle(perform: {
                let days = form.sla_days.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                if days == nil { throw RolloutError("dispatch_bad_sla", ["value": form.sla_days ?? ""]) }
                _ = try await service.setDispatchRule(try rule(category: form.category, unit: form.unit, slaDays: days), by: try context.requirePrincipal())
                return "\(Route.dispatch.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiDispatchRules) { request, _ in
            try JSONResponse.ok(views(try await service.dispatchTable(asOf: request.query("as_of"), knownAt: request.query("known_at"))))
        }
        router.on(.apiDispatchRule) { request, context in
            let body = try await request.json(RuleBody.self, upTo: 16 * 1024)
            let table = try await service.setDispatchRule(try rule(category: body.category, unit: body.unit, slaDays: body.slaDays),
                                                          by: try context.requirePrincipal())
            return try JSONResponse.ok(views(table))
        }
        router.on(.apiUnits) { request, _ in
            try JSONResponse.ok(try await service.unitLoads(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.on(.apiUnitObstacles) { request, context in
            let page = try request.query("page").map { try APIRoutes.bounded($0, 1...1_000_000) } ?? 1
            let perPage = try request.query("per_page").map { try APIRoutes.bounded($0, 1...1000) } ?? 100
            return try JSONResponse.ok(try await service.unitObstacles(try context.parameters.require("unit"), asOf: request.query("as_of"),
                                                                       knownAt: request.query("known_at"), page: page, perPage: perPage))
        }
    }

    static func views(_ table: Dispatch.Table) -> [RuleView] {
        table.ordered.map { RuleView(category: $0.category.rawValue, unit: $0.unit, slaDays: $0.slaDays) }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let m = Model(table: try await service.dispatchTable(at: c.moment), loads: try await service.unitLoads(at: c.moment),
                      // The form edits the table as it stands now; a past moment shows it read-only.
                      editable: (c.principal.map { Access.allows($0.role, .editRouting) } ?? false) && c.moment.knownAt == nil && c.asOf == nil,
                      done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let loads = m.loads.sorted(by: { ($0.waiting, $1.unit) > ($1.waiting, $0.unit) }).map { l -> HTML in
            """
            <tr data-unit="\(l.unit)"><td class="l"><a href="\(c.link(Route.unit.path(l.unit)))">\(Dispatch.unitName(l.unit, c.language))</a></td>\
            <td>\(l.waiting)</td><td\(l.overdue > 0 ? Dashboard.lag : nil)>\(l.overdue)</td><td>\(l.onHold)</td><td>\(l.oldestDays)</td></tr>
            """
        }
        let rules = m.table.ordered.map { r -> HTML in
            let category = r.category.rawValue
            guard m.editable else {
                return "<tr data-category=\"\(category)\"><td class=\"l\">\(c.name(r.category))</td><td class=\"l\">\(Dispatch.unitName(r.unit, c.language))</td><td>\(r.slaDays)</td></tr>"
            }
            let options = ([Dispatch.siteOperator] + Dispatch.units).map { u -> HTML in
                "<option value=\"\(u)\"\(u == r.unit ? HTML(" selected") : "")>\(Dispatch.unitName(u, c.language))</option>"
            }
            return """
            <tr data-category="\(category)"><td class="l">\(c.name(r.category))</td>\
            <td class="l"><select name="unit" form="rule-\(category)" aria-label="\(c.t("page_unit")) · \(c.name(r.category))">\(options)</select></td>\
            <td><input name="sla_days" size="3" value="\(r.slaDays)" form="rule-\(category)" aria-label="\(c.t("page_dispatch_sla")) · \(c.name(r.category))"></td>\
            <td><form method="post" action="\(Route.dispatchRule.pattern)" id="rule-\(category)">\(c.formFields)<input type="hidden" name="category" value="\(category)">
            <button class="btn" type="submit">\(c.t("page_dispatch_set"))</button></form></td></tr>
            """
        }
        let body: HTML = """
        <p class="muted">\(c.t("page_dispatch_intro"))</p>\(m.done ? Dashboard.notice(c.t("page_dispatch_done"), id: "done") : nil)\
        \(Dashboard.error(m.error, id: "dispatch-error", c))\
        <h2>\(c.t("page_units"))</h2><div class="scroll"><table id="unit-loads"><thead><tr><th class="l">\(c.t("page_unit"))</th>\
        <th>\(c.t("page_unit_waiting"))</th><th>\(c.t("page_unit_overdue"))</th><th>\(c.t("page_unit_on_hold"))</th><th>\(c.t("page_unit_oldest"))</th>\
        </tr></thead><tbody>\(loads)</tbody></table></div>\
        <h2>\(c.t("page_dispatch_table"))</h2><div class="scroll"><table id="dispatch-rules"><thead><tr><th class="l">\(c.t("page_category"))</th>\
        <th class="l">\(c.t("page_unit"))</th><th>\(c.t("page_dispatch_sla"))</th>\(m.editable ? HTML("<th></th>") : nil)</tr></thead><tbody>\
        \(rules)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_dispatch", c.language), context: c, path: Route.dispatch.pattern, body: body)
    }
}
