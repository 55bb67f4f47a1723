import Foundation
import Hummingbird
import RolloutAccess
import RolloutCore
import RolloutStorage

/// The accounts: one account's page (its role and scope, its tokens, and what it did: the log is
/// the audit trail), the administrator's list, and the API's `me` and account list.
enum AccountRoutes {
    /// Events shown on an account's page.
    static let actionsShown = 100

    struct AccountJSON: Encodable {
        var name: String, role: String, region: String?, `operator`: String?, owner: String?, displayName: String
        var createdAt: String, disabledAt: String?
        init(_ a: Account) {
            name = a.name; role = a.role.rawValue; region = a.region; self.operator = a.operator?.rawValue; owner = a.owner
            displayName = a.displayName; createdAt = a.createdAt.description; disabledAt = a.disabledAt?.description
        }
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get(RouterPath(Paths.accounts)) { request, context in
            let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            let accounts = try await service.store.accounts()
            let regions = try await service.store.regions()
            var body = "<div class=\"scroll\"><table id=\"accounts\"><thead><tr><th class=\"l\">\(c.t("page_account_name"))</th><th class=\"l\">\(c.t("page_role"))</th>"
            body += "<th class=\"l\">\(c.t("page_scope"))</th><th class=\"l\">\(c.t("page_created"))</th><th class=\"l\">\(c.t("page_disabled"))</th></tr></thead><tbody>"
            for a in accounts {
                body += "<tr><td class=\"l\"><a href=\"\(c.link(Paths.account(a.name)))\">\(HTMLPage.escape(a.name))</a> \(HTMLPage.escape(a.displayName))</td>"
                body += "<td class=\"l\">\(c.t("page_role_\(a.role.rawValue)"))</td><td class=\"l\">\(scope(a, c, regions))</td>"
                body += "<td class=\"l\">\(a.createdAt.description)</td><td class=\"l\">\(a.disabledAt?.description ?? "")</td></tr>"
            }
            body += "</tbody></table></div>"
            return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_accounts", c.language), context: c, path: Paths.accounts, body: body))
        }
        router.get("/accounts/:name") { request, context in
            let principal = try context.requirePrincipal()
            let name = try context.parameters.require("name")
            guard Access.maySeeAccount(name, principal) else { throw RolloutError("forbidden_account", kind: .forbidden) }
            guard let account = try await service.store.account(named: name)?.account else {
                throw RolloutError("unknown_account", kind: .notFound, ["value": name])
            }
            let (stored, moment) = try await service.moment(asOf: nil, knownAt: nil)
            let c = PageContext(request: request, context: context, stored: stored, moment: moment)
            let regions = try await service.store.regions()
            var body = "<table id=\"account\"><tbody>"
            body += "<tr><th class=\"l\">\(c.t("page_account_name"))</th><td class=\"l\">\(HTMLPage.escape(account.name)) \(HTMLPage.escape(account.displayName))</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_role"))</th><td class=\"l\">\(c.t("page_role_\(account.role.rawValue)"))</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_scope"))</th><td class=\"l\">\(scope(account, c, regions))</td></tr>"
            body += "<tr><th class=\"l\">\(c.t("page_created"))</th><td class=\"l\">\(account.createdAt.description)</td></tr>"
            if let d = account.disabledAt { body += "<tr><th class=\"l\">\(c.t("page_disabled"))</th><td class=\"l\">\(d.description)</td></tr>" }
            body += "</tbody></table>"
            let tokens = try await service.store.tokens(account: name)
            if !tokens.isEmpty {
                body += "<h2>\(c.t("page_tokens"))</h2><div class=\"scroll\"><table id=\"tokens\"><thead><tr><th class=\"l\">\(c.t("page_token_id"))</th>"
                body += "<th class=\"l\">\(c.t("page_label"))</th><th class=\"l\">\(c.t("page_created"))</th><th class=\"l\">\(c.t("page_last_used"))</th><th class=\"l\">\(c.t("page_revoked"))</th></tr></thead><tbody>"
                for t in tokens {
                    body += "<tr><td class=\"l\">\(HTMLPage.escape(t.id))</td><td class=\"l\">\(HTMLPage.escape(t.label))</td><td class=\"l\">\(t.createdAt.description)</td>"
                    body += "<td class=\"l\">\(t.lastUsedAt?.description ?? "")</td><td class=\"l\">\(t.revokedAt?.description ?? "")</td></tr>"
                }
                body += "</tbody></table></div>"
            }
            let events = try await service.store.events(byActor: name, limit: actionsShown)
            body += "<h2>\(c.t("page_actions", ["value": "\(actionsShown)"]))</h2>"
            if events.isEmpty {
                body += "<p class=\"muted\">\(c.t("page_no_actions"))</p>"
            } else {
                body += "<div class=\"scroll\"><table id=\"actions\"><thead><tr><th>#</th><th class=\"l\">\(c.t("page_event_kind"))</th><th class=\"l\">\(c.t("page_entity"))</th>"
                body += "<th class=\"l\">\(c.t("page_occurred"))</th><th class=\"l\">\(c.t("page_recorded"))</th><th class=\"l\">\(c.t("page_via_token"))</th></tr></thead><tbody>"
                for e in events {
                    body += "<tr><td>\(e.seq)</td><td class=\"l\">\(HTMLPage.escape(e.event.body.kind))</td><td class=\"l\">\(entityLink(e.event.body, c))</td>"
                    body += "<td class=\"l\">\(e.event.occurredAt.description)</td><td class=\"l\">\(e.event.recordedAt.description)</td>"
                    body += "<td class=\"l\">\(HTMLPage.escape(e.event.via ?? ""))</td></tr>"
                }
                body += "</tbody></table></div>"
            }
            return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_account_title", c.language, ["value": account.name]), context: c,
                                                path: Paths.account(name), body: body))
        }
        router.get("/api/v1/me") { _, context in
            let principal = try context.requirePrincipal()
            guard let account = try await service.store.account(named: principal.account)?.account else {
                throw RolloutError("signin_required", kind: .unauthenticated)
            }
            struct Me: Encodable { var account: AccountJSON; var token: String? }
            return try JSONResponse.ok(Me(account: AccountJSON(account), token: principal.token))
        }
        router.get("/api/v1/accounts") { _, _ in
            try JSONResponse.ok(try await service.store.accounts().map(AccountJSON.init))
        }
    }

    /// What an account is tied to, as text.
    static func scope(_ a: Account, _ c: PageContext, _ regions: [Region]) -> String {
        if let r = a.region { return regions.first { $0.code == r }.map { c.name($0) } ?? HTMLPage.escape(r) }
        if let op = a.operator { return c.name(op) }
        if let o = a.owner { return HTMLPage.escape(o) }
        return "—"
    }

    /// The record an event is about, linked to its page when it has one.
    static func entityLink(_ body: EventBody, _ c: PageContext) -> String {
        if let site = body.site { return "<a href=\"\(c.link(Paths.site(site.operator.rawValue, site.code)))\">\(HTMLPage.escape(body.entity))</a>" }
        return HTMLPage.escape(body.entity)
    }
}
