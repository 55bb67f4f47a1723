import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// One obstacle: `/obstacles/{org}/{ref}` shows it as of a moment (its unit, its clock, its
/// history) with the actions the account may take on it now; the form posts to `…/action`. The
/// API reads it at `GET /api/v1/obstacles/{org}/{ref}` and takes an action at `POST …/actions`.
enum ObstacleRoutes {
    struct Form: Decodable { var action: String?; var unit: String?; var text: String?; var lang: String? }
    struct APIBody: Decodable { var action: String; var unit: String?; var text: String? }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get("/obstacles/:org/:ref") { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post("/obstacles/:org/:ref/action") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            do {
                guard let action = ObstacleAction(rawValue: form.action ?? "") else { throw RolloutError("obstacle_bad_action", ["value": form.action ?? ""]) }
                try await service.act(action, org: org, ref: ref, unit: form.unit, text: form.text ?? "", by: try context.requirePrincipal())
                return Response(status: .seeOther, headers: [.location: "\(Paths.obstacle(org: org, ref: ref))?lang=\(lang.rawValue)&done=\(action.rawValue)"])
            } catch let e as RolloutError where [.invalid, .conflict].contains(e.kind) {
                return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
            }
        }
        router.get("/api/v1/obstacles/:org/:ref") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            return try JSONResponse.ok(try await service.obstacle(org: org, ref: ref, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.post("/api/v1/obstacles/:org/:ref/actions") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(APIBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            guard let action = ObstacleAction(rawValue: body.action) else { throw RolloutError("obstacle_bad_action", ["value": body.action]) }
            return try JSONResponse.ok(try await service.act(action, org: org, ref: ref, unit: body.unit, text: body.text ?? "",
                                                             by: try context.requirePrincipal()))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status) async throws -> Response {
        let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
        let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        // One read of the state and the table: the row, the history and the forms all come from them.
        let table = try await service.store.dispatchTable(at: moment)
        guard let state = try await service.store.obstacleState(org: org, ref: ref), let o = ObstacleRow(state, at: moment, table: table) else {
            throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref])
        }
        let regions = Dictionary(uniqueKeysWithValues: try await service.store.regions().map { ($0.code, $0) })
        let path = Paths.obstacle(org: org, ref: ref)
        var body = ""
        if request.query("done") != nil { body += "<p class=\"notice\" id=\"done\">\(c.t("page_dispatch_done"))</p>" }
        if let error { body += "<p class=\"lag\" id=\"obstacle-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        let region = regions[o.regionCode].map { "<a href=\"\(c.link(Paths.region($0.code)))\">\(c.name($0))</a>" } ?? HTMLPage.escape(o.regionCode)
        let site = o.siteCode.map { "<a href=\"\(c.link(Paths.site(o.operator ?? "", $0)))\">\(HTMLPage.escape(o.operator ?? "")) \(HTMLPage.escape($0))</a>" } ?? "—"
        func row(_ key: String, _ value: String, id: String? = nil) -> String {
            "<tr><th class=\"l\">\(c.t(key))</th><td class=\"l\"\(id.map { " id=\"\($0)\"" } ?? "")>\(value)</td></tr>"
        }
        body += "<table id=\"obstacle\"><tbody>"
        body += row("page_status", "<span class=\"tag \(o.status)\">\(c.t("page_status_\(o.status)"))</span>", id: "obstacle-status")
        body += row("page_category", Dashboard.categoryName(o.category, c))
        body += row("page_region", region) + row("page_site", site)
        body += row("page_description", HTMLPage.escape(o.description))
        body += row("page_responsible", HTMLPage.escape(o.responsible ?? Catalogue.text("page_unassigned", c.language)))
        body += row("page_unit", o.unit.map { "<a href=\"\(c.link(Paths.unit($0)))\">\(HTMLPage.escape(Dispatch.unitName($0, c.language)))</a>" } ?? "—", id: "obstacle-unit")
        body += row("page_age_days", "\(o.ageDays)")
        body += row("page_clock", Dashboard.clock(o, c), id: "obstacle-clock")
        body += "</tbody></table>"
        body += history(state, at: moment, c)
        if let p = c.principal, moment.knownAt == nil, request.query("as_of") == nil {
            body += actions(o, path: path, principal: p, defaultUnit: table.unit(for: state.opening), c)
        }
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_obstacle_title", c.language, ["value": ref]), context: c, path: path, body: body),
                             status: status)
    }

    /// What happened to the obstacle by the moment, in field-time order.
    static func history(_ state: ObstacleState, at moment: ReadMoment, _ c: PageContext) -> String {
        let known = state.marks.filter { m in moment.asOf.includes(m.at) && (moment.knownAt.map { $0.includes(m.recordedAt) } ?? true) }
        var h = "<h2>\(c.t("page_history"))</h2><div class=\"scroll\"><table id=\"obstacle-history\"><thead><tr><th class=\"l\">\(c.t("page_occurred"))</th>"
            + "<th class=\"l\">\(c.t("page_recorded"))</th><th class=\"l\"></th><th class=\"l\">\(c.t("page_step_actor"))</th></tr></thead><tbody>"
        h += "<tr><td class=\"l\">\(state.openedAt)</td><td class=\"l\">\(state.openedRecordedAt)</td><td class=\"l\">\(c.t("page_step_opened"))</td><td class=\"l\">\(HTMLPage.escape(state.opening.org))</td></tr>"
        for m in known.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map({ $0.element }) {
            let what: String = switch m.what {
            case .resolved: c.t("page_step_resolved")
            case .escalated(let reason): m.actor == CampaignService.systemActor ? c.t("page_step_auto_escalated") : c.t("page_step_escalated", ["value": reason])
            case .step(.dispatched(let unit, let note)): c.t("page_step_dispatched", ["value": Dispatch.unitName(unit, c.language)]) + (note.isEmpty ? "" : "：" + HTMLPage.escape(note))
            case .step(.paused(let reason)): c.t("page_step_paused", ["value": reason])
            case .step(.resumed(let note)): c.t("page_step_resumed") + (note.isEmpty ? "" : "：" + HTMLPage.escape(note))
            case .step(.reopened(let reason)): c.t("page_step_reopened", ["value": reason])
            }
            h += "<tr><td class=\"l\">\(m.at)</td><td class=\"l\">\(m.recordedAt)</td><td class=\"l\">\(what)</td><td class=\"l\">\(HTMLPage.escape(m.actor))</td></tr>"
        }
        return h + "</tbody></table></div>"
    }

    /// The forms of the actions the account may take now.
    static func actions(_ o: ObstacleRow, path: String, principal p: Principal, defaultUnit: String, _ c: PageContext) -> String {
        let may = { (a: ObstacleAction) in Access.mayHandle(a, region: o.regionCode, org: o.org, unit: o.unit, p) }
        let hidden = "\(c.csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(c.language.rawValue)\">"
        let action = HTMLPage.escape("\(path)/action")
        func form(_ a: ObstacleAction, fields: String, required: Bool) -> String {
            """
            <form method="post" action="\(action)" id="form-\(a.rawValue)">\(hidden)<input type="hidden" name="action" value="\(a.rawValue)">\(fields)
            <input name="text" size="28" maxlength="\(ObstacleWorkflow.maxText)" placeholder="\(c.t("page_action_note"))"\(required ? " required" : "")>
            <button class="btn" type="submit">\(c.t("page_action_\(a.rawValue)"))</button></form>
            """
        }
        var forms: [String] = []
        let resolved = o.status == "resolved"
        if !resolved && may(.dispatch) {
            var select = "<select name=\"unit\">"
            for u in Dispatch.units where u != o.unit {
                select += "<option value=\"\(u)\"\(u == defaultUnit ? " selected" : "")>\(HTMLPage.escape(Dispatch.unitName(u, c.language)))\(u == defaultUnit ? " · " + c.t("page_action_default_unit") : "")</option>"
            }
            forms.append(form(.dispatch, fields: select + "</select>", required: false))
        }
        if !resolved && o.waitingSince == nil && may(.pause) { forms.append(form(.pause, fields: "", required: true)) }
        if o.waitingSince != nil && may(.resume) { forms.append(form(.resume, fields: "", required: false)) }
        if !resolved && may(.resolve) { forms.append(form(.resolve, fields: "", required: false)) }
        if resolved && may(.reopen) { forms.append(form(.reopen, fields: "", required: true)) }
        if !resolved && o.escalatedAt == nil && Access.mayEscalate(region: o.regionCode, p) {
            forms.append("<p><a class=\"btn\" id=\"escalate\" href=\"\(c.link(Paths.escalate(org: o.org, ref: o.ref), [("back", path)]))\">\(c.t("page_escalate"))</a></p>")
        }
        guard !forms.isEmpty else { return "" }
        return "<h2>\(c.t("page_obstacle_actions"))</h2><div class=\"panel\" id=\"obstacle-actions\">" + forms.joined() + "</div>"
    }
}
