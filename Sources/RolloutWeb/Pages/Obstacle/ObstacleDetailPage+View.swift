import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension ObstacleDetailPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let o = m.row
        let path = Route.obstacle.path(o.org, o.ref)
        func row(_ key: String, _ value: HTML, id: String? = nil) -> HTML {
            let idAttribute: HTML? = id.map { " id=\"\($0)\"" }
            return "<tr><th class=\"l\">\(c.t(key))</th><td class=\"l\"\(idAttribute)>\(value)</td></tr>"
        }
        let site: HTML = o.siteCode.map { Dashboard.siteLink(operator: o.operator ?? "", code: $0, c) } ?? "—"
        let unit: HTML = o.unit.map { "<a href=\"\(c.link(Route.unit.path($0)))\">\(Dispatch.unitName($0, c.language))</a>" } ?? "—"
        let actions: HTML? = c.principal.flatMap { m.present ? self.actions(o, path: path, principal: $0, defaultUnit: m.defaultUnit, c) : nil }
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_dispatch_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "obstacle-error", c))\
        <table id="obstacle"><tbody>\
        \(row("page_status", "<span class=\"tag \(o.status)\">\(c.t("page_status_\(o.status)"))</span>", id: "obstacle-status"))\
        \(row("page_category", "\(Dashboard.categoryName(o.category, c))"))\
        \(row("page_region", Dashboard.regionLink(o.regionCode, m.regions, c)))\(row("page_site", site))\
        \(row("page_description", "\(o.description)"))\
        \(row("page_responsible", "\(o.responsible ?? Catalogue.text("page_unassigned", c.language))"))\
        \(row("page_unit", unit, id: "obstacle-unit"))\(row("page_age_days", "\(o.ageDays)"))\
        \(row("page_clock", Dashboard.clock(o, c), id: "obstacle-clock"))</tbody></table>\(history(m.state, at: c.moment, c))\(actions)
        """
        return HTMLPage.frame(title: Catalogue.text("page_obstacle_title", c.language, ["value": o.ref]), context: c, path: path, body: body)
    }

    /// What happened to the obstacle by the moment, in field-time order.
    static func history(_ state: ObstacleState, at moment: ReadMoment, _ c: PageContext) -> HTML {
        let known = state.marks.filter { m in moment.asOf.includes(m.at) && (moment.knownAt.map { $0.includes(m.recordedAt) } ?? true) }
        func noted(_ text: String, _ note: String) -> String { note.isEmpty ? text : text + "：" + note }
        let rows = known.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map { $0.element }.map { m -> HTML in
            let what: String = switch m.what {
            case .resolved: c.t("page_step_resolved")
            case .escalated(let reason): m.actor == CampaignService.systemActor ? c.t("page_step_auto_escalated") : c.t("page_step_escalated", ["value": reason])
            case .step(.dispatched(let unit, let note)): noted(c.t("page_step_dispatched", ["value": Dispatch.unitName(unit, c.language)]), note)
            case .step(.paused(let reason)): c.t("page_step_paused", ["value": reason])
            case .step(.resumed(let note)): noted(c.t("page_step_resumed"), note)
            case .step(.reopened(let reason)): c.t("page_step_reopened", ["value": reason])
            }
            return "<tr><td class=\"l\">\(m.at)</td><td class=\"l\">\(m.recordedAt)</td><td class=\"l\">\(what)</td><td class=\"l\">\(m.actor)</td></tr>"
        }
        return """
        <h2>\(c.t("page_history"))</h2><div class="scroll"><table id="obstacle-history"><thead><tr><th class="l">\(c.t("page_occurred"))</th>\
        <th class="l">\(c.t("page_recorded"))</th><th class="l"></th><th class="l">\(c.t("page_step_actor"))</th></tr></thead><tbody>\
        <tr><td class="l">\(state.openedAt)</td><td class="l">\(state.openedRecordedAt)</td><td class="l">\(c.t("page_step_opened"))</td>\
        <td class="l">\(state.opening.org)</td></tr>\(rows)</tbody></table></div>
        """
    }

    /// The forms of the actions the account may take now.
    static func actions(_ o: ObstacleRow, path: String, principal p: Principal, defaultUnit: String, _ c: PageContext) -> HTML? {
        let may = { (a: ObstacleAction) in Access.mayHandle(a, region: o.regionCode, org: o.org, unit: o.unit, p) }
        func form(_ a: ObstacleAction, fields: HTML, required: Bool) -> HTML {
            """
            <form method="post" action="\(path)/action" id="form-\(a.rawValue)">\(c.formFields)<input type="hidden" name="action" value="\(a.rawValue)">\(fields)
            <input name="text" size="28" maxlength="\(ObstacleWorkflow.maxText)" placeholder="\(c.t("page_action_note"))" aria-label="\(c.t("page_action_note"))"\
            \(required ? HTML(" required") : "")>
            <button class="btn" type="submit">\(c.t("page_action_\(a.rawValue)"))</button></form>
            """
        }
        var forms: [HTML] = []
        let resolved = o.status == "resolved"
        if !resolved && may(.dispatch) {
            let options = Dispatch.units.filter { $0 != o.unit }.map { u -> HTML in
                let marked = u == defaultUnit
                return """
                <option value="\(u)"\(marked ? HTML(" selected") : "")>\(Dispatch.unitName(u, c.language))\
                \(marked ? " · " + c.t("page_action_default_unit") : "")</option>
                """
            }
            forms.append(form(.dispatch, fields: "<select name=\"unit\" aria-label=\"\(c.t("page_unit"))\">\(options)</select>", required: false))
        }
        if !resolved && o.waitingSince == nil && may(.pause) { forms.append(form(.pause, fields: "", required: true)) }
        if o.waitingSince != nil && may(.resume) { forms.append(form(.resume, fields: "", required: false)) }
        if !resolved && may(.resolve) { forms.append(form(.resolve, fields: "", required: false)) }
        if resolved && may(.reopen) { forms.append(form(.reopen, fields: "", required: true)) }
        if !resolved && o.escalatedAt == nil && Access.mayEscalate(region: o.regionCode, p) {
            forms.append("<p><a class=\"btn\" id=\"escalate\" href=\"\(c.link(Route.escalation.path(o.org, o.ref), [("back", path)]))\">\(c.t("page_escalate"))</a></p>")
        }
        guard !forms.isEmpty else { return nil }
        return "<h2>\(c.t("page_obstacle_actions"))</h2><div class=\"panel\" id=\"obstacle-actions\">\(forms)</div>"
    }
}
