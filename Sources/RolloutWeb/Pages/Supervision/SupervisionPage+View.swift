import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension SupervisionPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view
        func name(_ code: String) -> String { m.names[code].map { c.name($0) } ?? code }
        func day(_ t: Instant) -> String { ShanghaiCalendar.dateString(t.adding(seconds: -1)) }
        let action = Route.supervisionStep.pattern
        let ruleForm: HTML? = !m.office ? nil : """
            <form method="post" action="\(action)" class="panel">\(c.formFields)<input type="hidden" name="action" value="rule">
            <label>\(c.t("page_supervision_share")) <input name="share" size="4" value="\(v.rule.share)"></label>
            <label>\(c.t("page_supervision_consecutive")) <input name="consecutive" size="3" value="\(v.rule.consecutive)"></label>
            <button class="btn" type="submit">\(c.t("page_supervision_set_rule"))</button></form>
            """
        let inTwoWeeks = ShanghaiCalendar.dateString(c.moment.asOf.before.adding(days: 14))
        let proposals: HTML
        if v.bulletinsRead.count < v.rule.consecutive {
            proposals = "<h2>\(c.t("page_supervision_proposals", ["value": "—"]))</h2><p class=\"muted\">\(c.t("page_supervision_no_bulletins"))</p>"
        } else {
            let rows = v.proposals.map { code -> HTML in
                let form: HTML? = !m.office ? nil : """
                    <form method="post" action="\(action)">\(c.formFields)<input type="hidden" name="action" value="list"><input type="hidden" name="region" value="\(code)">
                    <label>\(c.t("page_supervision_deadline")) <input type="date" name="deadline" value="\(inTwoWeeks)"></label>
                    <label>\(c.t("page_supervision_rectification")) <input name="rectification" size="30" maxlength="1000" required></label>
                    <button class="btn" type="submit">\(c.t("page_supervision_list"))</button></form>
                    """
                return "<tr data-region=\"\(code)\"><td class=\"l\">\(name(code))</td><td class=\"l\">\(form)</td></tr>"
            }
            proposals = """
            <h2>\(c.t("page_supervision_proposals", ["value": v.bulletinsRead.joined(separator: "、")]))</h2>\
            \(v.proposals.isEmpty ? HTML("<p class=\"muted\">\(c.t("bulletin_none"))</p>") : nil)\
            <div class="scroll"><table id="supervision-proposals"><tbody>\(rows)</tbody></table></div>
            """
        }
        let active = v.listings.filter(\.isActive), past = v.listings.filter { !$0.isActive }
        let listed = active.map { l -> HTML in
            let overdue: HTML? = l.isOverdue(at: c.moment.asOf.before) ? " <b class=\"lag\">\(c.t("page_supervision_overdue"))</b>" : nil
            let reviews = l.reviews.map { r -> HTML in "<br><span class=\"small\">\(c.t("page_supervision_reviews")) \(day(r.at.adding(seconds: 1)))：\(r.note)</span>" }
            let region: HTML = "<input type=\"hidden\" name=\"region\" value=\"\(l.region)\">"
            let forms: HTML? = !m.office ? nil : """
                <form method="post" action="\(action)">\(c.formFields)\(region)<input type="hidden" name="action" value="review">
                <input name="note" size="20" maxlength="1000" placeholder="\(c.t("page_supervision_note"))" aria-label="\(c.t("page_supervision_note"))" required>
                <input type="date" name="deadline" title="\(c.t("page_supervision_new_deadline"))"><button class="btn" type="submit">\(c.t("page_supervision_review"))</button></form>
                <form method="post" action="\(action)">\(c.formFields)\(region)<input type="hidden" name="action" value="delist">
                <input name="reason" size="20" maxlength="1000" placeholder="\(c.t("page_supervision_reason"))" aria-label="\(c.t("page_supervision_reason"))" required>
                <button class="btn" type="submit">\(c.t("page_supervision_delist"))</button></form>
                """
            return """
            <tr data-region="\(l.region)"><td class="l"><a href="\(c.link(Route.region.path(l.region)))">\(name(l.region))</a></td>\
            <td class="l">\(c.t("page_supervision_listed_at")) \(day(l.listedAt.adding(seconds: 1)))<br>\(c.t("page_supervision_deadline")) \(day(l.deadline))\(overdue)</td>\
            <td class="l">\(l.rectification)\(reviews)</td><td class="l">\(forms)</td></tr>
            """
        }
        let history: HTML? = past.isEmpty ? nil : """
            <h2>\(c.t("page_supervision_history"))</h2><div class="scroll"><table id="supervision-past"><tbody>\
            \(past.map { l -> HTML in
                """
                <tr><td class="l">\(name(l.region))</td><td class="l">\(day(l.listedAt.adding(seconds: 1))) – \(l.delistedAt.map { day($0.adding(seconds: 1)) } ?? "")</td>\
                <td class="l">\(l.delistReason ?? "")</td></tr>
                """
            })</tbody></table></div>
            """
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_supervision_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "supervision-error", c))\
        <p class="muted" id="rule">\(c.t("page_supervision_rule", ["share": c.percent(v.rule.share), "consecutive": "\(v.rule.consecutive)"]))</p>\
        \(ruleForm)\(proposals)<h2>\(c.t("page_supervision_current"))</h2>\
        \(active.isEmpty ? HTML("<p class=\"muted\">\(c.t("bulletin_none"))</p>") : nil)\
        <div class="scroll"><table id="supervision-listed"><tbody>\(listed)</tbody></table></div>\(history)
        """
        return HTMLPage.frame(title: Catalogue.text("page_supervision", c.language), context: c, path: Route.supervision.pattern, body: body)
    }
}
