import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension NotificationsPage {
    /// A scope's name for people: the city, a district, an operator, a unit or an owner.
    static func scopeName(_ scope: Subscription.Scope, regions: [Region], _ c: PageContext) -> String {
        switch scope {
        case .city: c.t("notify_city")
        case .region(let code): regions.first { $0.code == code }?.name(c.language) ?? code
        case .operator(let o): c.language == .zh ? o.chineseName : o.englishName
        case .unit(let u): Dispatch.unitName(u, c.language)
        case .owner(let n): n
        }
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let action = Route.notificationsAction.pattern
        let rows = m.lines.map { line -> HTML in
            let s = line.subscription
            let owner: String = s.account ?? c.t("page_subscription_org")
            let channel: String
            var addressForm: HTML = ""
            switch s.channel {
            case .webhook(let url, let format, let style, let secret):
                channel = "webhook · \(format.rawValue) · \(style.rawValue)\(secret != nil ? " · signed" : "")"
                addressForm = """
                <form method="post" action="\(action)" class="inline">\(c.formFields)<input type="hidden" name="action" value="address">\
                <input type="hidden" name="id" value="\(s.id)"><input name="url" size="28" value="" \
                aria-label="\(c.t("page_subscription_webhook")) \(s.id)" placeholder="\(url.isEmpty ? "https://" : s.maskedTarget)"><button class="btn" type="submit">\(c.t("page_subscription_set_url"))</button></form>
                """
            case .email: channel = "e-mail"
            }
            let target: HTML = s.isActive ? "\(s.maskedTarget)" : "<span class=\"lag\">\(c.t("page_subscription_off"))</span>"
            let topics = s.topics.sorted().map { c.t("topic_\($0.rawValue)") }.joined(separator: "、")
            return """
            <tr data-subscription="\(s.id)"><td>\(s.id)</td><td class="l">\(owner)</td><td class="l">\(scopeName(s.scope, regions: m.regions, c))</td>\
            <td class="l">\(topics)</td><td class="l">\(channel)</td><td class="l">\(target)\(addressForm)</td>\
            <td class="l">\(s.digest ? c.t("page_subscription_digest") : c.t("page_subscription_immediate"))</td>\
            <td class="pending">\(line.counts.pending)</td><td class="delivered">\(line.counts.delivered)</td><td class="failed">\(line.counts.failed)</td>\
            <td><form method="post" action="\(action)" class="inline">\(c.formFields)<input type="hidden" name="action" value="remove">\
            <input type="hidden" name="id" value="\(s.id)"><button class="btn" type="submit">\(c.t("page_subscription_remove"))</button></form></td></tr>
            """
        }
        let subscriptions: HTML = m.lines.isEmpty ? "<p class=\"muted\" id=\"no-subscriptions\">\(c.t("page_subscriptions_none"))</p>" : """
            <div class="scroll"><table id="subscriptions"><thead><tr><th>#</th><th class="l">\(c.t("page_subscription_owner"))</th>\
            <th class="l">\(c.t("page_subscription_scope"))</th><th class="l">\(c.t("page_subscription_topics"))</th>\
            <th class="l">\(c.t("page_subscription_channel"))</th><th class="l">\(c.t("page_subscription_target"))</th><th class="l">\(c.t("page_subscription_when"))</th>\
            <th>\(c.t("page_outbox_pending"))</th><th>\(c.t("page_outbox_delivered"))</th><th>\(c.t("page_outbox_failed"))</th><th>\(c.t("page_subscription_remove"))</th></tr></thead>\
            <tbody>\(rows)</tbody></table></div>
            """
        let scopeOptions: [HTML] = [HTML("<option value=\"self\">\(m.principal?.account ?? "")</option>")]
            + m.scopes.map { "<option value=\"\($0.text)\">\(scopeName($0, regions: m.regions, c))</option>" }
        let checks = m.topics.map { t -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"topic_\(t.rawValue)\"> \(c.t("topic_\(t.rawValue)"))</label>"
        }
        let formats = Subscription.Format.allCases.map { f -> HTML in "<option value=\"\(f.rawValue)\">\(f.rawValue)</option>" }
        let styles = Subscription.Style.allCases.map { s -> HTML in "<option value=\"\(s.rawValue)\">\(s.rawValue)</option>" }
        let form: HTML = m.topics.isEmpty ? "" : """
            <h2>\(c.t("page_subscription_new"))</h2>
            <form method="post" action="\(action)" class="panel" id="subscribe">\(c.formFields)<input type="hidden" name="action" value="subscribe">
            <label>\(c.t("page_subscription_for_org")) <select name="scope">\(scopeOptions)</select></label>
            <fieldset><legend>\(c.t("page_subscription_topics"))</legend>\(checks)</fieldset>
            <label>\(c.t("page_subscription_webhook")) <input name="webhook" size="40" placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"></label>
            <label>\(c.t("page_subscription_format")) <select name="format">\(formats)</select></label>
            <label>Markdown / text <select name="style">\(styles)</select></label>
            <label>\(c.t("page_subscription_secret")) <input name="secret" size="20" autocomplete="off"></label>
            <label>\(c.t("page_subscription_email")) <input name="email" size="28" type="email"></label>
            <label class="check"><input type="checkbox" name="digest"> \(c.t("page_subscription_digest"))</label>
            <label>zh / en <select name="language"><option value="zh"\(c.language == .zh ? HTML(" selected") : "")>中文</option>\
            <option value="en"\(c.language == .en ? HTML(" selected") : "")>English</option></select></label>
            <button class="btn" type="submit">\(c.t("page_subscription_add"))</button></form>
            """
        let messageRows = m.messages.map { msg -> HTML in
            let topics = Set(msg.facts.map(\.topic)).sorted().map { c.t("topic_\($0.rawValue)") }.joined(separator: "、")
            let state: HTML = switch msg.status {
            case .delivered: "\(c.t("page_outbox_delivered")) \(msg.deliveredAt.map(ShanghaiCalendar.iso8601) ?? "")"
            case .failed: "<b class=\"lag\">\(c.t("page_outbox_failed"))</b>"
            case .pending: "\(c.t("page_outbox_pending"))"
            }
            return """
            <tr data-message="\(msg.messageId)" data-status="\(msg.status.rawValue)"><td class="l">\(msg.messageId)</td><td>\(msg.subscription)</td>\
            <td class="l">\(msg.digestDay.map(ShanghaiCalendar.dateString) ?? "")</td><td class="l">\(topics)</td><td>\(msg.facts.count)</td>\
            <td class="l">\(state)</td><td>\(msg.attempts)</td>\
            <td class="l">\(msg.status == .pending ? ShanghaiCalendar.iso8601(msg.nextAttemptAt) : "")</td><td class="l">\(msg.lastError ?? "")</td></tr>
            """
        }
        let outbox: HTML = m.messages.isEmpty ? "<p class=\"muted\" id=\"no-messages\">\(c.t("page_outbox_none"))</p>" : """
            <div class="scroll"><table id="outbox"><thead><tr><th class="l">#</th><th>\(c.t("page_subscriptions"))</th>\
            <th class="l">\(c.t("page_subscription_digest"))</th><th class="l">\(c.t("page_subscription_topics"))</th><th>\(c.t("page_outbox_items"))</th>\
            <th class="l">\(c.t("page_outbox_status"))</th><th>\(c.t("page_outbox_attempts"))</th><th class="l">\(c.t("page_outbox_next"))</th><th class="l">\(c.t("page_outbox_error"))</th></tr></thead>\
            <tbody>\(messageRows)</tbody></table></div>
            """
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_reporting_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "notifications-error", c))\
        <p class="muted">\(c.t("page_notifications_intro"))</p>\
        <h2>\(c.t("page_subscriptions"))</h2>\(subscriptions)\(form)\
        <h2>\(c.t("page_outbox"))</h2>\(outbox)
        """
        return HTMLPage.frame(title: Catalogue.text("page_notifications", c.language), context: c, path: Route.notifications.pattern, body: body)
    }
}
