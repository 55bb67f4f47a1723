import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension AccountsPage {
    static func listView(_ m: ListModel, context c: PageContext) -> HTML {
        let rows = m.accounts.map { a -> HTML in
            """
            <tr><td class="l"><a href="\(c.link(Route.account.path(a.name)))">\(a.name)</a> \(a.displayName)</td>\
            <td class="l">\(c.t("page_role_\(a.role.rawValue)"))</td><td class="l">\(scope(a, c, m.regions))</td>\
            <td class="l">\(a.createdAt.description)</td><td class="l">\(a.disabledAt?.description ?? "")</td></tr>
            """
        }
        let body: HTML = """
        <div class="scroll"><table id="accounts"><thead><tr><th class="l">\(c.t("page_account_name"))</th><th class="l">\(c.t("page_role"))</th>\
        <th class="l">\(c.t("page_scope"))</th><th class="l">\(c.t("page_created"))</th><th class="l">\(c.t("page_disabled"))</th></tr></thead><tbody>\
        \(rows)</tbody></table></div>
        """
        return HTMLPage.frame(title: Catalogue.text("page_accounts", c.language), context: c, path: Route.accounts.pattern, body: body)
    }

    static func accountView(_ m: AccountModel, context c: PageContext) -> HTML {
        let account = m.account
        func row(_ key: String, _ value: String) -> HTML { "<tr><th class=\"l\">\(c.t(key))</th><td class=\"l\">\(value)</td></tr>" }
        let disabled: HTML? = account.disabledAt.map { row("page_disabled", $0.description) }
        let tokens: HTML? = m.tokens.isEmpty ? nil : """
            <h2>\(c.t("page_tokens"))</h2><div class="scroll"><table id="tokens"><thead><tr><th class="l">\(c.t("page_token_id"))</th>\
            <th class="l">\(c.t("page_label"))</th><th class="l">\(c.t("page_created"))</th><th class="l">\(c.t("page_last_used"))</th>\
            <th class="l">\(c.t("page_revoked"))</th></tr></thead><tbody>\
            \(m.tokens.map { t -> HTML in
                """
                <tr><td class="l">\(t.id)</td><td class="l">\(t.label)</td><td class="l">\(t.createdAt.description)</td>\
                <td class="l">\(t.lastUsedAt?.description ?? "")</td><td class="l">\(t.revokedAt?.description ?? "")</td></tr>
                """
            })</tbody></table></div>
            """
        let events: HTML = m.events.isEmpty ? "<p class=\"muted\">\(c.t("page_no_actions"))</p>" : """
            <div class="scroll"><table id="actions"><thead><tr><th>#</th><th class="l">\(c.t("page_event_kind"))</th><th class="l">\(c.t("page_entity"))</th>\
            <th class="l">\(c.t("page_occurred"))</th><th class="l">\(c.t("page_recorded"))</th><th class="l">\(c.t("page_via_token"))</th></tr></thead><tbody>\
            \(m.events.map { e -> HTML in
                """
                <tr><td>\(e.seq)</td><td class="l">\(e.event.body.kind)</td><td class="l">\(entityLink(e.event.body, c))</td>\
                <td class="l">\(e.event.occurredAt.description)</td><td class="l">\(e.event.recordedAt.description)</td>\
                <td class="l">\(e.event.via ?? "")</td></tr>
                """
            })</tbody></table></div>
            """
        let body: HTML = """
        <table id="account"><tbody>\(row("page_account_name", "\(account.name) \(account.displayName)"))\
        \(row("page_role", c.t("page_role_\(account.role.rawValue)")))\(row("page_scope", scope(account, c, m.regions)))\
        \(row("page_created", account.createdAt.description))\(disabled)</tbody></table>\
        \(tokens)<p id="account-subscriptions"><a href="\(c.link(Route.notifications.pattern))">\(c.t("page_notifications"))</a>: \
        \(c.t("page_account_subscriptions", ["value": "\(m.subscriptions.filter { $0.subscription.removedAt == nil }.count)"]))</p>\
        <h2>\(c.t("page_actions", ["value": "\(actionsShown)"]))</h2>\(events)
        """
        return HTMLPage.frame(title: Catalogue.text("page_account_title", c.language, ["value": account.name]), context: c,
                              path: Route.account.path(account.name), body: body)
    }

    /// The record an event is about, linked to its page when it has one.
    static func entityLink(_ body: EventBody, _ c: PageContext) -> HTML {
        if let site = body.site { return "<a href=\"\(c.link(Route.site.path(site.operator.rawValue, site.code)))\">\(body.entity)</a>" }
        return "\(body.entity)"
    }
}
