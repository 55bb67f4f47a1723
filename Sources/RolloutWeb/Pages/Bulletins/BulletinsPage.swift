import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// The bulletins: the list (and, for the city office, the button that issues one), and the stored
/// bytes of each, identical on every read. The HTML lists overdue obstacles, so it is for accounts
/// that read records (``Route/apiBulletin``); an account of figures only gets the CSV, its tables.
enum BulletinsPage {
    struct Form: Decodable { var as_of: String?; var lang: String? }

    struct Model {
        var bulletins: [BulletinInfo]
        /// The default cut-off of a new one (the last whole day); nil when the account may not issue.
        var issueDay: String?
        var issued: String?
        var error: RolloutError?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.bulletins) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.bulletinIssue) { request, context in
            let form = try await request.form(Form.self, upTo: 16 * 1024)
            return try await FormSubmission.handle(perform: {
                let info = try await Bulletin.issue(day: form.as_of ?? "", service: service, by: try context.requirePrincipal())
                return "\(Route.bulletins.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&issued=\(info.id)"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiBulletins) { _, _ in
            try JSONResponse.ok(try await service.bulletins())
        }
        router.on(.apiBulletinIssue) { request, context in
            try JSONResponse.ok(try await Bulletin.issue(day: request.query("as_of") ?? "", service: service, by: try context.requirePrincipal()))
        }
        router.on(.apiBulletin) { _, context in
            let b = try await stored(context, service)
            return document(b.html, sha256: b.info.sha256, type: "text/html; charset=utf-8")
        }
        router.on(.apiBulletinCSV) { _, context in
            let b = try await stored(context, service)
            return document(b.csv, sha256: b.info.csvSha256, type: "text/csv; charset=utf-8")
        }
    }

    static func stored(_ context: RolloutContext, _ service: CampaignService) async throws -> StoredBulletin {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), let b = try await service.bulletin(id: id) else {
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

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service, moment: false)
        let issuer = c.principal.map { Access.allows($0.role, .issueBulletin) } ?? false
        let m = Model(bulletins: try await service.bulletins(),
                      issueDay: issuer ? ShanghaiCalendar.dateString(c.stored.now(service.clock).adding(days: -1)) : nil,
                      issued: request.query("issued"), error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let form: HTML? = m.issueDay.map { day in
            """
            <form method="post" action="\(Route.bulletinIssue.pattern)" class="panel" id="bulletin-form">\(c.formFields)
            <label>\(c.t("page_bulletin_cutoff")) <input type="date" name="as_of" value="\(day)"></label>
            <button class="btn" type="submit" id="issue">\(c.t("page_bulletin_issue"))</button></form>
            """
        }
        // The HTML names overdue obstacles (site-level records): linked for the accounts that read them.
        let html = c.readsRecords
        let list: HTML = m.bulletins.isEmpty ? "<p class=\"muted\">\(c.t("page_none_yet"))</p>" : """
            <div class="scroll"><table id="bulletins"><thead><tr><th>\(c.t("page_bulletin_number"))</th><th class="l">\(c.t("page_bulletin_cutoff"))</th>\
            <th class="l">\(c.t("page_bulletin_issued_at"))</th><th class="l">\(c.t("page_bulletin_by"))</th><th class="l">SHA-256</th><th></th></tr></thead><tbody>\
            \(m.bulletins.map { b -> HTML in
                """
                <tr><td>\(b.id)</td><td class="l">\(ShanghaiCalendar.dateString(b.cutoff.adding(seconds: -1)))</td><td class="l">\(b.issuedAt.description)</td>\
                <td class="l">\(b.actor)</td><td class="l small"><code>\(b.sha256.prefix(16))…</code></td>\
                <td class="l">\(html ? HTML("<a href=\"\(Route.apiBulletin.path("\(b.id)"))\">HTML</a> ") : nil)\
                <a href="\(Route.apiBulletinCSV.path("\(b.id)"))">CSV</a></td></tr>
                """
            })</tbody></table></div>
            """
        let body: HTML = """
        \(m.issued.map { Dashboard.notice(c.t("page_bulletin_done", ["value": $0]), id: "issued") })\
        \(Dashboard.error(m.error, id: "bulletin-error", c))\(form)\(list)
        """
        return HTMLPage.frame(title: Catalogue.text("page_bulletins", c.language), context: c, path: Route.bulletins.pattern, body: body)
    }
}
