import Foundation
import Hummingbird
import RolloutCore
import RolloutImport
import RolloutStorage
import RolloutFiles

/// Co-build and share: an owner registers an offer on `/sharing` (one row of the `resources`
/// import, with all its checks: the region's outline, the kinds, the owner's own name); an operator
/// asks for an offer from its site's page; the owner answers on `/sharing`; the API does both.
enum SharingRoutes {
    struct Form: Decodable {
        var action: String?; var `operator`: String?; var site_code: String?; var owner: String?; var resource_id: String?
        var note: String?; var id: String?; var reason: String?; var lang: String?
        var kind: String?; var region_code: String?; var lat: String?; var lon: String?; var height_m: String?
    }

    /// The kinds of infrastructure an owner can offer.
    static let offerKinds: [RolloutCore.Host] = [.existingTower, .powerTower, .streetLamp, .trafficPole, .policePole, .rooftop]
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
                case "offer":
                    let errors = try await offer(form, principal: principal, service: service)
                    if !errors.isEmpty {
                        return try await page(request, context, service: service, error: nil, offerErrors: errors, status: .unprocessableContent)
                    }
                    return Response(status: .seeOther, headers: [.location: "\(Paths.sharing)?lang=\(lang.rawValue)&offered=1"])
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

    /// Registers an offer as one row of a `resources` file: the importer's checks and messages, the
    /// owner's scope; returns the row's errors (nothing written then).
    static func offer(_ form: Form, principal: Principal, service: CampaignService) async throws -> [ImportError] {
        guard Access.mayImport("resources", principal) else {
            throw RolloutError("forbidden_import", kind: .forbidden, ["role": principal.role.rawValue, "value": "resources"])
        }
        let owner = principal.role == .resourceOwner ? (principal.owner ?? "") : (form.owner ?? "")
        let fields = [form.resource_id, owner, form.kind, form.region_code, form.lat, form.lon, form.height_m].map { field in
            "\"" + (field ?? "").trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let text = "resource_id,owner,kind,region_code,lat,lon,height_m\r\n" + fields.joined(separator: ",") + "\r\n"
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.file("offer.csv")
        let handle = try file.openForWriting()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        let report = try await Importer.run(.resources, file: file.url, store: service.store, now: try await service.campaign().now(),
                                            actor: principal.account, scope: principal, dryRun: false)
        return report.errors
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     offerErrors: [ImportError] = [], status: HTTPResponse.Status) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let principal = try context.requirePrincipal()
        let requests = try await service.requests(for: principal)
        let hidden = "\(c.csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(c.language.rawValue)\">"
        var body = ""
        if request.query("done") != nil { body += "<p class=\"notice\" id=\"done\">\(c.t("page_request_done"))</p>" }
        if let error { body += "<p class=\"lag\" id=\"sharing-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        if Access.mayImport("resources", principal) {
            body += try await offerSection(request, principal: principal, errors: offerErrors, service: service, moment: moment, hidden: hidden, c)
        }
        body += "<h2>\(c.t("page_requests"))</h2>"
        if requests.isEmpty { body += "<p class=\"muted\">\(c.t("page_none_yet"))</p>" }
        body += "<div class=\"scroll\"><table id=\"requests\"><tbody>"
        for r in requests {
            let q = r.request
            // The site a request names is the reader's (its own site, or the one its offer is asked
            // for); its page is linked for the accounts that read site records.
            let site = "\(HTMLPage.escape(q.site.operator.rawValue)) \(HTMLPage.escape(q.site.code))"
            let siteCell = c.readsRecords ? "<a href=\"\(c.link(Paths.site(q.site.operator.rawValue, q.site.code)))\">\(site)</a>" : site
            body += "<tr data-request=\"\(HTMLPage.escape(q.id))\"><td class=\"l\">\(siteCell)</td>"
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

    /// The offer form (the owner's name fixed for an owner) and the owner's offers.
    static func offerSection(_ request: Request, principal: Principal, errors: [ImportError], service: CampaignService, moment: ReadMoment,
                             hidden: String, _ c: PageContext) async throws -> String {
        var h = "<h2>\(c.t("page_offer"))</h2>"
        if request.query("offered") != nil { h += "<p class=\"notice\" id=\"offered\">\(c.t("page_request_done"))</p>" }
        if !errors.isEmpty {
            h += "<ul class=\"lag\" id=\"offer-errors\">" + errors.map { "<li>\(HTMLPage.escape($0.column)): \(HTMLPage.escape($0.message(c.language)))</li>" }.joined() + "</ul>"
        }
        let regions = try await service.store.regions()
        let owner = principal.role == .resourceOwner
            ? "<input type=\"hidden\" name=\"owner\" value=\"\(HTMLPage.escape(principal.owner ?? ""))\"><b>\(HTMLPage.escape(principal.owner ?? ""))</b>"
            : "<label>\(c.t("page_offer_owner")) <input name=\"owner\" size=\"16\" maxlength=\"200\" required></label>"
        h += """
        <form method="post" action="\(Paths.sharing)" class="panel" id="offer-form">\(hidden)<input type="hidden" name="action" value="offer">\(owner)
        <label>\(c.t("page_offer_id")) <input name="resource_id" size="12" maxlength="100" required></label>
        <label>\(c.t("page_offer_kind")) <select name="kind">\(offerKinds.map { "<option value=\"\($0.rawValue)\">\(c.name($0))</option>" }.joined())</select></label>
        <label>\(c.t("page_region")) <select name="region_code">\(regions.map { "<option value=\"\(HTMLPage.escape($0.code))\">\(c.name($0))</option>" }.joined())</select></label>
        <label>\(c.t("page_offer_lat")) <input name="lat" size="9" inputmode="decimal" required></label>
        <label>\(c.t("page_offer_lon")) <input name="lon" size="9" inputmode="decimal" required></label>
        <label>\(c.t("page_offer_height")) <input name="height_m" size="5" inputmode="decimal"></label>
        <button class="btn" type="submit">\(c.t("page_offer_submit"))</button></form>
        """
        guard let mine = principal.owner, principal.role == .resourceOwner else { return h }
        let offers = try await service.store.resources(at: moment).filter { $0.owner == mine }.sorted { $0.resourceId < $1.resourceId }
        h += "<div class=\"scroll\"><table id=\"offers\"><tbody>"
        for o in offers.prefix(500) {
            h += "<tr><td class=\"l\">\(HTMLPage.escape(o.resourceId))</td><td class=\"l\">\(c.name(o.kind))</td><td class=\"l\">\(HTMLPage.escape(o.regionCode))</td>"
            h += "<td>\(String(format: "%.5f, %.5f", o.lat, o.lon))</td><td>\(o.heightM.map { String(format: "%.0f m", $0) } ?? "")</td></tr>"
        }
        if offers.isEmpty { h += "<tr><td class=\"l\">\(c.t("page_none_yet"))</td></tr>" }
        return h + "</tbody></table></div>"
    }
}
