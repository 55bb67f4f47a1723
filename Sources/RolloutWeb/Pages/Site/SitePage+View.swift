import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension SitePage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let d = m.detail, s = d.site
        func row(_ label: String, _ value: HTML) -> HTML { "<tr><th class=\"l\">\(label)</th><td class=\"l\">\(value)</td></tr>" }
        let op = Operator(rawValue: s.operator)
        let late: HTML? = s.late ? " <span class=\"lag\">\(c.t("page_late"))</span>" : nil
        let facts: [HTML] = [
            row(c.t("page_operator"), op.map { "<a href=\"\(c.link(Route.operatorPage.path($0.rawValue)))\">\(c.name($0))</a>" } ?? "\(s.operator)"),
            row(c.t("page_site"), "\(s.siteCode) \(s.name)"),
            row(c.t("page_region"), m.region.map { "<a href=\"\(c.link(Route.region.path($0.code)))\">\(c.name($0))</a>" } ?? "\(s.regionCode)"),
            row(c.t("page_stage"), "<b data-live=\"stage\">\(Stage(rawValue: s.stage).map { c.name($0) } ?? "")</b>\(late)"),
            row(c.t("page_kind"), "\(SiteKind(rawValue: s.kind).map { c.name($0) } ?? s.kind)"),
            row(c.t("page_band"), "\(s.band ?? "—")"),
            row(c.t("page_host"), "\(Host(rawValue: s.host).map { c.name($0) } ?? s.host)"),
            row(c.t("page_resource"), "\(s.resourceId ?? "—")"),
            row(c.t("page_coordinates"), "\(String(format: "%.5f, %.5f", s.lat, s.lon))"),
            row(c.t("page_planned_on_air"), "\(s.plannedOnAir ?? "—")"),
            row(c.t("page_reconciliation"), tower(m, context: c)),
            row(c.t("page_verification"), evidence(m, c)),
            row(c.t("page_site_contractor"), "\(s.contractor.map { HTML("<a href=\"\(c.link(Route.contractor.path($0)))\">\($0)</a>") } ?? "—")\(contractorForm(m, c))"),
        ]
        let timeline = d.timeline.map { step -> HTML in
            "<tr><td class=\"l\">\(Stage(rawValue: step.stage).map { c.name($0) } ?? "")</td><td class=\"l\">\(step.at)</td></tr>"
        }
        let log = d.events.map { e -> HTML in
            """
            <tr><td>\(e.seq)</td><td class="l">\(e.kind)</td><td class="l">\(e.stage.flatMap { Stage(rawValue: $0) }.map { c.name($0) } ?? "")</td>\
            <td class="l">\(e.occurredAt)</td><td class="l">\(e.recordedAt)</td><td class="l">\(e.actor)</td><td class="l">\(e.note ?? "")</td></tr>
            """
        }
        let body: HTML = """
        \(stopWork(m, c))<div class="grid"><div><table id="site">\(facts)</table></div><div><h2>\(c.t("page_timeline"))</h2><table id="timeline"><thead><tr>\
        <th class="l">\(c.t("page_stage"))</th><th class="l">\(c.t("page_occurred"))</th></tr></thead><tbody>\(timeline)</tbody></table></div></div>\
        <h2>\(c.t("page_log"))</h2><div class="scroll"><table id="log"><thead><tr><th>#</th><th class="l">\(c.t("page_report_kind"))</th>\
        <th class="l">\(c.t("page_stage"))</th><th class="l">\(c.t("page_occurred"))</th><th class="l">\(c.t("page_recorded"))</th>\
        <th class="l">\(c.t("page_actor"))</th><th class="l">\(c.t("page_note"))</th></tr></thead><tbody>\(log)</tbody></table></div>\
        <h2>\(c.t("page_obstacles"))</h2>\
        \(Dashboard.obstacleTable(d.obstacles, regions: m.region.map { [$0.code: $0] } ?? [:], escalate: false, back: Route.site.path(s.operator, s.siteCode), context: c))\
        \(findings(m, c))\(matches(m, context: c))
        """
        return HTMLPage.frame(title: Catalogue.text("page_site_title", c.language, ["value": "\(s.operator) \(s.siteCode)"]),
                              context: c, path: Route.site.path(s.operator, s.siteCode), body: body)
    }

    /// The opening's state, the decision's reason, and its photos' previews.
    static func evidence(_ m: Model, _ c: PageContext) -> HTML {
        guard let o = m.opening else { return "—" }
        var reason: HTML? = nil
        if case .rejected(let r)? = o.decision { reason = "：\(r)" }
        let photos = o.photos.map { EvidenceFigure.html($0, details: true, c) }
        let uploaded: HTML? = m.uploaded.map { n in "<p class=\"notice\" id=\"uploaded\">\(c.t("page_evidence_uploaded")) (\(n))</p>" }
        return """
        <div id="evidence">\(uploaded)\(Dashboard.error(m.error, id: "evidence-error", c))\
        <span id="verification-state" data-state="\(o.state.rawValue)">\(c.t("verification_state_\(o.state.rawValue)"))\(reason)</span>\
        \(photos)\(uploadForm(m, c))</div>
        """
    }

    /// The resources near a planned site, each with the request form for the accounts that may ask.
    static func matches(_ m: Model, context c: PageContext) -> HTML {
        guard let matches = m.matches, matches.needsLocation else { return "" }
        let s = m.detail.site
        let heading: HTML = "<h2>\(c.t("page_matches", ["value": String(format: "%.0f", matches.radiusM)]))</h2>"
        if matches.candidates.isEmpty { return "\(heading)<p class=\"muted\">\(c.t("page_none"))</p>" }
        let mayRequest = c.principal.map { $0.role == .cityOffice || ($0.role == .operator && $0.operator?.rawValue == s.operator) } ?? false
        let rows = matches.candidates.map { x -> HTML in
            let form: HTML? = !mayRequest ? nil : """
                <form method="post" action="\(Route.sharingAction.pattern)">\(c.formFields)
                <input type="hidden" name="action" value="request"><input type="hidden" name="operator" value="\(s.operator)">
                <input type="hidden" name="site_code" value="\(s.siteCode)"><input type="hidden" name="owner" value="\(x.resource.owner)">
                <input type="hidden" name="resource_id" value="\(x.resource.resourceId)"><button class="btn" type="submit">\(c.t("page_request"))</button></form>
                """
            return """
            <tr><td>\(Int(x.distanceM.rounded()))</td><td class="l">\(c.name(x.resource.kind))</td>\
            <td class="l">\(x.resource.owner)</td><td class="l">\(x.resource.resourceId)</td><td class="l">\(form)</td></tr>
            """
        }
        return """
        \(heading)<div class="scroll"><table id="matches"><thead><tr><th>\(c.t("page_distance"))</th><th class="l">\(c.t("page_host"))</th>\
        <th class="l">\(c.t("page_owner"))</th><th class="l">\(c.t("page_resource"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    /// The site's pairing with China Tower's records and its mismatches, linking to the queue.
    static func tower(_ m: Model, context c: PageContext) -> HTML {
        guard let r = m.reconciliation else { return "—" }
        let s = m.detail.site
        let link = { (k: SiteKey) -> HTML in "<a href=\"\(c.link(Route.site.path(k.operator.rawValue, k.code)))\">\(k.code)</a>" }
        var parts: [HTML] = []
        if let p = r.pair {
            parts.append("\(link(p.towerSite)) \(c.t(p.named ? "page_reconciliation_named" : "page_reconciliation_near", ["value": "\(Int(p.distance.rounded()))"]))")
        } else if !r.candidates.isEmpty {
            parts.append("\(c.t("page_reconciliation_ambiguous")): \(r.candidates.map(link).joined(separator: " · "))")
        } else if !r.operatorSites.isEmpty {
            parts.append("\(r.operatorSites.map { k -> HTML in "\(c.name(k.operator)) \(link(k))" }.joined(separator: " · "))")
        } else if s.operator != Operator.tower.rawValue, let h = RolloutCore.Host(rawValue: s.host), !Reconciliation.expectsTower(h) {
            parts.append("\(c.t("page_reconciliation_not_expected"))")
        }
        for e in r.entries {
            parts.append("""
            <a href="\(c.link(Route.reconciliation.pattern, [("region", s.regionCode), ("status", "all")]))">\(c.t("reconciliation_kind_\(e.mismatch.kind.rawValue)"))</a> \
            (\(c.t("reconciliation_status_\(e.status.rawValue)")))
            """)
        }
        return parts.isEmpty ? "—" : parts.joined(separator: "<br>")
    }
}

extension SitePage {
    /// The stop-work flag (停工) of a major safety finding not yet closed.
    static func stopWork(_ m: Model, _ c: PageContext) -> HTML {
        guard let f = m.stoppedBy else { return "" }
        return "<div class=\"notice lag\" id=\"stop-work\"><b>\(c.t("page_safety_stop_work"))</b> \(c.t("page_site_stopped", ["value": f.inspectionRef, "category": SafetyPage.categoryName(f.category, c)]))</div>"
    }

    /// The site's safety findings, oldest first.
    static func findings(_ m: Model, _ c: PageContext) -> HTML {
        guard !m.findings.isEmpty else { return "" }
        let rows = m.findings.map { s -> HTML in
            """
            <tr><td class="l">\(ShanghaiCalendar.dateString(s.inspectedAt))</td><td class="l">\(s.finding.inspectionRef)</td>\
            <td class="l">\(SafetyPage.categoryName(s.finding.category, c))</td><td>\(c.t("safety_severity_\(s.finding.severity.rawValue)"))</td>\
            <td class="l">\(s.finding.text)</td><td class="l">\(s.finding.contractor ?? "—")</td><td>\(c.t("safety_status_\(s.status.rawValue)"))</td></tr>
            """
        }
        return """
        <h2>\(c.t("page_safety"))</h2><div class="scroll"><table id="site-findings"><thead><tr><th class="l">\(c.t("page_safety_inspected_at"))</th>\
        <th class="l">\(c.t("page_safety_inspection"))</th><th class="l">\(c.t("page_safety_category"))</th><th>\(c.t("page_safety_severity"))</th>\
        <th class="l">\(c.t("page_safety_finding"))</th><th class="l">\(c.t("page_safety_contractor"))</th><th>\(c.t("page_safety_status"))</th></tr></thead>\
        <tbody>\(rows)</tbody></table></div>
        """
    }

    /// The form that names the site's contractor (the city office, the site's operator).
    static func contractorForm(_ m: Model, _ c: PageContext) -> HTML? {
        let s = m.detail.site
        guard let p = c.principal, let op = Operator(rawValue: s.operator),
              p.role == .cityOffice || (p.role == .operator && p.operator == op) else { return nil }
        return """
             <form method="post" action="\(Route.siteContractor.path(s.operator, s.siteCode))" class="inline" id="contractor-form">\(c.formFields)\
            <label>\(c.t("page_site_set_contractor")) <input name="contractor" required maxlength="200" size="16" value="\(s.contractor ?? "")"></label> \
            <button class="btn" type="submit">OK</button></form>
            """
    }
}
