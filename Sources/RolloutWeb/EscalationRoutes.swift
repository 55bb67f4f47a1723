import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Escalating an obstacle to the city: from the district page, a click on "escalate" opens the
/// confirmation (with an optional reason), a second click records the event and returns to the
/// district page. The API does the same in one request.
enum EscalationRoutes {
    /// The longest form body read.
    static let maxBody = 64 * 1024

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get("/obstacles/:org/:ref/escalate") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            let o = try await service.obstacle(org: org, ref: ref)
            guard Access.mayEscalate(region: o.regionCode, try context.requirePrincipal()) else {
                throw RolloutError("forbidden_obstacle", kind: .forbidden, ["value": context.principal?.region ?? "—"])
            }
            let back = safeBack(request.query("back"))
            let path = Paths.escalate(org: org, ref: ref)
            var body = "<table><tbody>"
            body += "<tr><th class=\"l\">\(c.t("page_category"))</th><td class=\"l\">\(Dashboard.categoryName(o.category, c))</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_description"))</th><td class=\"l\">\(HTMLPage.escape(o.description))</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_age_days"))</th><td class=\"l\">\(o.ageDays)</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_status"))</th><td class=\"l\">\(c.t("page_status_\(o.status)"))</td></tr></tbody></table>"
            body += """
            <form method="post" action="\(HTMLPage.escape(path))">
            \(c.csrfField)<input type="hidden" name="back" value="\(HTMLPage.escape(back))"><input type="hidden" name="lang" value="\(c.language.rawValue)">
            <p><label>\(c.t("page_escalate_reason"))<br><textarea name="reason" rows="3" maxlength="500"></textarea></label></p>
            <p><button class="btn" type="submit" id="confirm">\(c.t("page_escalate_confirm"))</button>
            <a href="\(c.link(back))">\(c.t("page_cancel"))</a></p></form>
            """
            return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_escalate_title", c.language, ["value": ref]), context: c,
                                                path: path, body: body))
        }
        router.post("/obstacles/:org/:ref/escalate") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let form = try await form(request)
            try await service.escalate(org: org, ref: ref, reason: form.reason ?? "", by: try context.requirePrincipal())
            let back = safeBack(form.back)
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            let location = "\(back)?lang=\(lang.rawValue)&escalated=\(Paths.encode(ref))"
            return Response(status: .seeOther, headers: [.location: location])
        }
        router.post("/api/v1/obstacles/:org/:ref/escalate") { request, context in
            let org = try context.parameters.require("org"), ref = try context.parameters.require("ref")
            let buffer = try await request.body.collect(upTo: maxBody)
            var reason: String? = nil
            if buffer.readableBytes > 0 {
                guard let body = try? JSONDecoder().decode(APIBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
                reason = body.reason
            }
            try await service.escalate(org: org, ref: ref, reason: reason ?? "", by: try context.requirePrincipal())
            return try JSONResponse.ok(try await service.obstacle(org: org, ref: ref))
        }
    }

    /// Only a path of this site is a place to go back to (never another host).
    static func safeBack(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"),
              back.allSatisfy({ !$0.isWhitespace }) else { return Paths.overview }
        return back.split(separator: "?").first.map(String.init) ?? Paths.overview
    }

    /// The JSON body of the API's escalation.
    struct APIBody: Decodable { var reason: String? }

    /// The fields of the escalation form (`application/x-www-form-urlencoded`).
    struct Form: Decodable { var reason: String?; var back: String?; var lang: String? }

    static func form(_ request: Request) async throws -> Form {
        let buffer = try await request.body.collect(upTo: maxBody)
        do { return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) } catch {
            throw RolloutError("bad_form_body")
        }
    }
}
