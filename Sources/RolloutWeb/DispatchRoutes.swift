import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Network-wide dispatching (全网调度): `/dispatch` shows the routing table (the city office edits
/// it there) and what waits on each unit; `/units/{unit}` lists what waits on one unit, oldest
/// first. The API: `GET|POST /api/v1/dispatch/rules`, `GET /api/v1/units`, `GET /api/v1/units/{unit}/obstacles`.
enum DispatchRoutes {
    struct RuleForm: Decodable { var category: String?; var unit: String?; var sla_days: String?; var lang: String? }
    struct RuleBody: Decodable {
        var category: String; var unit: String; var slaDays: Int
        enum CodingKeys: String, CodingKey { case category, unit, slaDays = "sla_days" }
    }

    /// The routing table as the API gives it.
    struct RuleView: Encodable { var category: String; var unit: String; var slaDays: Int }

    static func rule(category: String?, unit: String?, slaDays: Int?) throws -> Dispatch.Rule {
        guard let c = category.flatMap(ObstacleCategory.init(codeOrName:)) else { throw RolloutError("unknown_category", ["value": category ?? ""]) }
        guard let days = slaDays else { throw RolloutError("dispatch_bad_sla", ["value": ""]) }
        return Dispatch.Rule(category: c, unit: unit ?? "", slaDays: days)
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get(RouterPath(Paths.dispatch)) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post(RouterPath(Paths.dispatch)) { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(RuleForm.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            do {
                let days = form.sla_days.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                if days == nil { throw RolloutError("dispatch_bad_sla", ["value": form.sla_days ?? ""]) }
                _ = try await service.setDispatchRule(try rule(category: form.category, unit: form.unit, slaDays: days), by: try context.requirePrincipal())
                return Response(status: .seeOther, headers: [.location: "\(Paths.dispatch)?lang=\(lang.rawValue)&done=1"])
            } catch let e as RolloutError where [.invalid, .conflict].contains(e.kind) {
                return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
            }
        }
        router.get(RouterPath("/units/:unit")) { request, context in
            try await unitPage(request, context, service: service)
        }
        let api = router.group("/api/v1")
        api.get("/dispatch/rules") { request, _ in
            try JSONResponse.ok(views(try await service.dispatchTable(asOf: request.query("as_of"), knownAt: request.query("known_at"))))
        }
        api.post("/dispatch/rules") { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024)
            guard let body = try? JSONDecoder().decode(RuleBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            let table = try await service.setDispatchRule(try rule(category: body.category, unit: body.unit, slaDays: body.slaDays),
                                                          by: try context.requirePrincipal())
            return try JSONResponse.ok(views(table))
        }
        api.get("/units") { request, _ in
            try JSONResponse.ok(try await service.unitLoads(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        api.get("/units/:unit/obstacles") { request, context in
            let page = try request.query("page").map { try APIRoutes.bounded($0, 1...1_000_000) } ?? 1
            let perPage = try request.query("per_page").map { try APIRoutes.bounded($0, 1...1000) } ?? 100
            return try JSONResponse.ok(try await service.unitObstacles(try context.parameters.require("unit"), asOf: request.query("as_of"),
                                                                       knownAt: request.query("known_at"), page: page, perPage: perPage))
        }
    }

    static func views(_ table: Dispatch.Table) -> [RuleView] {
        table.ordered.map { RuleView(category: $0.category.rawValue, unit: $0.unit, slaDays: $0.slaDays) }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let table = try await service.store.dispatchTable(at: moment)
        let loads = try await service.store.unitLoads(at: moment)
        // The form edits the table as it stands now; a past moment shows it read-only.
        let office = (c.principal.map { Access.allows($0.role, .editRouting) } ?? false) && moment.knownAt == nil && request.query("as_of") == nil
        var body = "<p class=\"muted\">\(c.t("page_dispatch_intro"))</p>"
        if request.query("done") != nil { body += "<p class=\"notice\" id=\"done\">\(c.t("page_dispatch_done"))</p>" }
        if let error { body += "<p class=\"lag\" id=\"dispatch-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        body += "<h2>\(c.t("page_units"))</h2><div class=\"scroll\"><table id=\"unit-loads\"><thead><tr><th class=\"l\">\(c.t("page_unit"))</th>"
            + "<th>\(c.t("page_unit_waiting"))</th><th>\(c.t("page_unit_overdue"))</th><th>\(c.t("page_unit_on_hold"))</th><th>\(c.t("page_unit_oldest"))</th></tr></thead><tbody>"
        for l in loads.sorted(by: { ($0.waiting, $1.unit) > ($1.waiting, $0.unit) }) {
            body += "<tr data-unit=\"\(l.unit)\"><td class=\"l\"><a href=\"\(c.link(Paths.unit(l.unit)))\">\(HTMLPage.escape(Dispatch.unitName(l.unit, c.language)))</a></td>"
            body += "<td>\(l.waiting)</td><td\(l.overdue > 0 ? " class=\"lag\"" : "")>\(l.overdue)</td><td>\(l.onHold)</td><td>\(l.oldestDays)</td></tr>"
        }
        body += "</tbody></table></div>"
        body += "<h2>\(c.t("page_dispatch_table"))</h2><div class=\"scroll\"><table id=\"dispatch-rules\"><thead><tr><th class=\"l\">\(c.t("page_category"))</th>"
            + "<th class=\"l\">\(c.t("page_unit"))</th><th>\(c.t("page_dispatch_sla"))</th>\(office ? "<th></th>" : "")</tr></thead><tbody>"
        let hidden = "\(c.csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(c.language.rawValue)\">"
        for r in table.ordered {
            body += "<tr data-category=\"\(r.category.rawValue)\"><td class=\"l\">\(c.name(r.category))</td>"
            if office {
                var select = "<select name=\"unit\" form=\"rule-\(r.category.rawValue)\">"
                for u in [Dispatch.siteOperator] + Dispatch.units {
                    select += "<option value=\"\(u)\"\(u == r.unit ? " selected" : "")>\(HTMLPage.escape(Dispatch.unitName(u, c.language)))</option>"
                }
                body += "<td class=\"l\">\(select)</select></td>"
                body += "<td><input name=\"sla_days\" size=\"3\" value=\"\(r.slaDays)\" form=\"rule-\(r.category.rawValue)\"></td>"
                body += """
                <td><form method="post" action="\(Paths.dispatch)" id="rule-\(r.category.rawValue)">\(hidden)<input type="hidden" name="category" value="\(r.category.rawValue)">
                <button class="btn" type="submit">\(c.t("page_dispatch_set"))</button></form></td>
                """
            } else {
                body += "<td class=\"l\">\(HTMLPage.escape(Dispatch.unitName(r.unit, c.language)))</td><td>\(r.slaDays)</td>"
            }
            body += "</tr>"
        }
        body += "</tbody></table></div>"
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_dispatch", c.language), context: c, path: Paths.dispatch, body: body),
                             status: status)
    }

    static func unitPage(_ request: Request, _ context: RolloutContext, service: CampaignService) async throws -> Response {
        let unit = try context.parameters.require("unit")
        let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let list = try await service.unitObstacles(unit, asOf: request.query("as_of"), knownAt: request.query("known_at"), perPage: 500)
        // Counted over all of them, not only the rows shown.
        let overdue = try await service.store.obstacles(ObstacleQuery(status: .open, unit: unit, overdue: true, perPage: 1), at: moment).total
        let regions = Dictionary(uniqueKeysWithValues: try await service.store.regions().map { ($0.code, $0) })
        let path = Paths.unit(unit)
        var body = "<p class=\"muted\">\(c.t("page_unit_intro"))</p>"
        body += "<p id=\"unit-count\" data-total=\"\(list.total)\">\(c.t("page_unit_waiting")) <b>\(list.total)</b> · \(c.t("page_unit_overdue")) <b class=\"lag\" id=\"unit-overdue\">\(overdue)</b></p>"
        body += Dashboard.obstacleTable(list.obstacles, regions: regions, escalate: false, back: path, context: c)
        if list.total > list.obstacles.count { body += "<p class=\"muted\">\(c.t("page_more", ["value": "\(list.total)", "shown": "\(list.obstacles.count)"]))</p>" }
        let title = Catalogue.text("page_unit_title", c.language, ["value": Dispatch.unitName(unit, c.language)])
        return HTMLPage.html(HTMLPage.frame(title: title, context: c, path: path, body: body))
    }
}
