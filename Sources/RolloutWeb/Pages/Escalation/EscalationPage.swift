import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// Escalating an obstacle to the city: from the district page, a click on "escalate" opens the
/// confirmation (with an optional reason), a second click records the event and returns to the
/// district page. The API does the same in one request.
enum EscalationPage {
    /// The fields of the escalation form.
    struct Form: Decodable { var reason: String?; var back: String?; var lang: String? }
    /// The JSON body of the API's escalation (optional).
    struct APIBody: Decodable { var reason: String? }

    struct Model {
        var obstacle: ObstacleRow
        /// Where the confirmation returns to.
        var back: String
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.escalation) { request, context in
            let c = try await PageHandler.context(request, context, service: service, moment: false)
            let o = try await service.obstacle(org: try context.parameters.require("org"), ref: try context.parameters.require("ref"))
            guard Access.mayEscalate(region: o.regionCode, try context.requirePrincipal()) else {
                throw RolloutError("forbidden_obstacle", kind: .forbidden, ["value": context.principal?.region ?? "—"])
            }
            return HTMLPage.html(view(Model(obstacle: o, back: safeBack(request.query("back"))), context: c))
        }
        router.on(.escalate) { request, context in
            let ref = try context.parameters.require("ref")
            let form = try await request.form(Form.self)
            try await service.escalate(org: try context.parameters.require("org"), ref: ref, reason: form.reason ?? "", by: try context.requirePrincipal())
            let location = "\(safeBack(form.back))?lang=\(FormSubmission.language(form.lang, request).rawValue)&escalated=\(Route.encode(ref))"
            return Response(status: .seeOther, headers: [.location: location])
        }
        router.on(.apiEscalate) { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let body = try await request.json(APIBody.self, emptyIs: APIBody())
            try await service.escalate(org: org, ref: ref, reason: body.reason ?? "", by: try context.requirePrincipal())
            return try JSONResponse.ok(try await service.obstacle(org: org, ref: ref))
        }
    }

    /// Only a path of this site is a place to go back to (never another host).
    static func safeBack(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"),
              back.allSatisfy({ !$0.isWhitespace }) else { return Route.overview.pattern }
        return back.split(separator: "?").first.map(String.init) ?? Route.overview.pattern
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let o = m.obstacle
        let body: HTML = """
        <table><tbody>\
        <tr><th class="l">\(c.t("page_category"))</th><td class="l">\(Dashboard.categoryName(o.category, c))</td></tr>\
        <tr><th class="l">\(c.t("page_description"))</th><td class="l">\(o.description)</td></tr>\
        <tr><th class="l">\(c.t("page_age_days"))</th><td class="l">\(o.ageDays)</td></tr>\
        <tr><th class="l">\(c.t("page_status"))</th><td class="l">\(c.t("page_status_\(o.status)"))</td></tr></tbody></table>\
        <form method="post" action="\(Route.escalate.path(o.org, o.ref))">
        \(c.csrfField)<input type="hidden" name="back" value="\(m.back)"><input type="hidden" name="lang" value="\(c.language.rawValue)">
        <p><label>\(c.t("page_escalate_reason"))<br><textarea name="reason" rows="3" maxlength="500"></textarea></label></p>
        <p><button class="btn" type="submit" id="confirm">\(c.t("page_escalate_confirm"))</button>
        <a href="\(c.link(m.back))">\(c.t("page_cancel"))</a></p></form>
        """
        return HTMLPage.frame(title: Catalogue.text("page_escalate_title", c.language, ["value": o.ref]), context: c,
                              path: Route.escalation.path(o.org, o.ref), body: body)
    }
}
