import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Co-build and share requests: an operator asks for an offer from its site's page; the owner
/// answers on `/sharing`; the API does both.
enum SharingRoutes {
    struct Form: Decodable {
        var action: String?; var `operator`: String?; var site_code: String?; var owner: String?; var resource_id: String?
        var note: String?; var id: String?; var reason: String?; var lang: String?
    }
    struct RequestBody: Decodable { var `operator`: String; var site_code: String; var owner: String; var resource_id: String; var note: String? }
    struct AnswerBody: Decodable { var accepted: Bool; var reason: String? }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get(RouterPath(Paths.sharing)) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post(RouterPath(Paths.sharing)) { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            let principal = try context.requirePrincipal()
            do {
                switch form.action ?? "" {
                case "request":
                    let op = try APIRoutes.checkedOperator(form.operator ?? "")
                    let key = SiteKey(operator: op, code: form.site_code ?? "")
                    _ = try await service.requestResource(site: key, owner: form.owner ?? "", resourceId: form.resource_id ?? "",
                                                          note: form.note ?? "", by: principal)
                    return Response(status: .seeOther, headers: [.location: "\(Paths.site(op.rawValue, key.code))?lang=\(lang.rawValue)"])
                case "accept", "decline":
                    _ = try await service.answerRequest(id: form.id ?? "", accepted: form.action == "accept", reason: form.reason ?? "", by: principal)
                    return Response(status: .seeOther, headers: [.location: "\(Paths.sharing)?lang=\(lang.rawValue)&done=1"])
                default:
                    throw RolloutError("supervision_bad_action", ["value": form.action ?? ""])
                }
            } catch let e as RolloutError where [.invalid, .conflict, .notFound].contains(e.kind) {
                return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
            }
        }
        router.get("/api/v1/sharing/requests") { _, context in
            try JSONResponse.ok(try await service.requests(for: try context.requirePrincipal()))
        }
        router.post("/api/v1/sharing/requests") { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(RequestBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            let key = SiteKey(operator: try APIRoutes.checkedOperator(body.operator), code: body.site_code)
            return try JSONResponse.ok(try await service.requestResource(site: key, owner: body.owner, resourceId: body.resource_id,
                                                                        note: body.note ?? "", by: try context.requirePrincipal()))
        }
        router.post("/api/v1/sharing/requests/:id/answer") { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(AnswerBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            return try JSONResponse.ok(try await service.answerRequest(id: try context.parameters.require("id"), accepted: body.accepted,
                                                                      reason: body.reason ?? "", by: try context.requirePrincipal()))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let principal = try context.requirePrincipal()
        let requests = try await service.requests(for: principal)
        let hidden = "\(c.csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(c.language.rawValue)\">"
        var body = ""
        if request.query("done") != nil { body += "<p class=\"notice\" id=\"done\">\(c.t("page_request_done"))</p>" }
        if let error { body += "<p class=\"lag\" id=\"sharing-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        body += "<h2>\(c.t("page_requests"))</h2>"
        if requests.isEmpty { body += "<p class=\"muted\">\(c.t("page_none_yet"))</p>" }
        body += "<div class=\"scroll\"><table id=\"requests\"><tbody>"
        for r in requests {
            let q = r.request
            body += "<tr data-request=\"\(HTMLPage.escape(q.id))\"><td class=\"l\"><a href=\"\(c.link(Paths.site(q.site.operator.rawValue, q.site.code)))\">\(HTMLPage.escape(q.site.operator.rawValue)) \(HTMLPage.escape(q.site.code))</a></td>"
            body += "<td class=\"l\">\(HTMLPage.escape(q.owner)) · \(HTMLPage.escape(q.resourceId)) (\(c.name(q.host)))</td>"
            body += "<td class=\"l\">\(HTMLPage.escape(q.note))<br><span class=\"small\">\(c.t("page_requested_by")) \(HTMLPage.escape(r.requestedBy))</span></td>"
            body += "<td class=\"l\"><span class=\"tag\">\(c.t("page_request_status_\(r.status)"))</span> \(HTMLPage.escape(r.reason ?? ""))</td><td class=\"l\">"
            if r.accepted == nil && (principal.role == .cityOffice || (principal.role == .resourceOwner && principal.owner == q.owner)) {
                let id = "<input type=\"hidden\" name=\"id\" value=\"\(HTMLPage.escape(q.id))\">"
                body += """
                <form method="post" action="\(Paths.sharing)">\(hidden)\(id)<input type="hidden" name="action" value="accept"><button class="btn" type="submit">\(c.t("page_accept"))</button></form>
                <form method="post" action="\(Paths.sharing)">\(hidden)\(id)<input type="hidden" name="action" value="decline">
                <input name="reason" size="16" maxlength="500" required><button class="btn" type="submit">\(c.t("page_decline"))</button></form>
                """
            }
            body += "</td></tr>"
        }
        body += "</tbody></table></div>"
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_sharing", c.language), context: c, path: Paths.sharing, body: body),
                             status: status)
    }
}
