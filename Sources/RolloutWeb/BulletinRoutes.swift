import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// The bulletins: the list (and, for the city office, the button that issues one), and the stored
/// bytes of each, identical on every read. The HTML lists overdue obstacles, so it is for accounts
/// that read records (``RoutePolicy``); an account of figures only gets the CSV, its tables.
enum BulletinRoutes {
    struct Form: Decodable { var as_of: String?; var lang: String? }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get(RouterPath(Paths.bulletins)) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post(RouterPath(Paths.bulletins)) { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            do {
                let info = try await Bulletin.issue(day: form.as_of ?? "", service: service, by: try context.requirePrincipal())
                return Response(status: .seeOther, headers: [.location: "\(Paths.bulletins)?lang=\(lang.rawValue)&issued=\(info.id)"])
            } catch let e as RolloutError where e.kind == .invalid || e.kind == .conflict {
                return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
            }
        }
        router.get("/api/v1/bulletins") { _, _ in
            try JSONResponse.ok(try await service.store.bulletins())
        }
        router.post("/api/v1/bulletins") { request, context in
            try JSONResponse.ok(try await Bulletin.issue(day: request.query("as_of") ?? "", service: service, by: try context.requirePrincipal()))
        }
        router.get("/api/v1/bulletins/:id") { _, context in
            let b = try await stored(context, service)
            return document(b.html, sha256: b.info.sha256, type: "text/html; charset=utf-8")
        }
        router.get("/api/v1/bulletins/:id/csv") { _, context in
            let b = try await stored(context, service)
            return document(b.csv, sha256: b.info.csvSha256, type: "text/csv; charset=utf-8")
        }
    }

    static func stored(_ context: RolloutContext, _ service: CampaignService) async throws -> StoredBulletin {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), let b = try await service.store.bulletin(id: id) else {
            throw RolloutError("unknown_bulletin", kind: .notFound, ["value": text])
        }
        return b
    }

    /// Stored bytes as they are, named by their hash; nothing in them runs.
    static func document(_ text: String, sha256: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .eTag: "\"\(sha256)\"", .init("X-Content-SHA256")!: sha256,
                                        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                                        .cacheControl: "private, max-age=31536000, immutable"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        var body = ""
        if let issued = request.query("issued") { body += "<p class=\"notice\" id=\"issued\">\(c.t("page_bulletin_done", ["value": issued]))</p>" }
        if let error { body += "<p class=\"lag\" id=\"bulletin-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        if let p = c.principal, Access.allows(p.role, .issueBulletin) {
            // The default cut-off: the last whole day before now.
            let yesterday = ShanghaiCalendar.dateString(stored.now().adding(days: -1))
            body += """
            <form method="post" action="\(Paths.bulletins)" class="panel" id="bulletin-form">\(c.csrfField)<input type="hidden" name="lang" value="\(c.language.rawValue)">
            <label>\(c.t("page_bulletin_cutoff")) <input type="date" name="as_of" value="\(yesterday)"></label>
            <button class="btn" type="submit" id="issue">\(c.t("page_bulletin_issue"))</button></form>
            """
        }
        let list = try await service.store.bulletins()
        if list.isEmpty {
            body += "<p class=\"muted\">\(c.t("page_none_yet"))</p>"
        } else {
            body += "<div class=\"scroll\"><table id=\"bulletins\"><thead><tr><th>\(c.t("page_bulletin_number"))</th><th class=\"l\">\(c.t("page_bulletin_cutoff"))</th>"
            body += "<th class=\"l\">\(c.t("page_bulletin_issued_at"))</th><th class=\"l\">\(c.t("page_bulletin_by"))</th><th class=\"l\">SHA-256</th><th></th></tr></thead><tbody>"
            // The HTML names overdue obstacles (site-level records): linked for the accounts that read them.
            let html = c.readsRecords
            for b in list {
                body += "<tr><td>\(b.id)</td><td class=\"l\">\(ShanghaiCalendar.dateString(b.cutoff.adding(seconds: -1)))</td><td class=\"l\">\(b.issuedAt.description)</td>"
                body += "<td class=\"l\">\(HTMLPage.escape(b.actor))</td><td class=\"l small\"><code>\(b.sha256.prefix(16))…</code></td>"
                body += "<td class=\"l\">\(html ? "<a href=\"/api/v1/bulletins/\(b.id)\">HTML</a> " : "")<a href=\"/api/v1/bulletins/\(b.id)/csv\">CSV</a></td></tr>"
            }
            body += "</tbody></table></div>"
        }
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_bulletins", c.language), context: c, path: Paths.bulletins, body: body),
                             status: status)
    }
}
