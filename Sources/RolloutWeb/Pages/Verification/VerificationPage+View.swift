import Foundation
import RolloutApplication
import RolloutCore

extension VerificationPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view.verification
        let current = v.current.filter { m.region == nil || m.view.regionOf[$0.site] == m.region }
        var counts: [Verification.State: Int] = [:]
        for o in current { counts[o.state, default: 0] += 1 }
        let cards: [HTML] = [
            AdoptionPage.card("card-verified-count", c.t("page_verification_verified_count"), "\(current.filter { $0.state.countsVerified }.count)",
                              c.t("page_verification_verified_note")),
        ] + Verification.State.allCases.map { s in
            AdoptionPage.card("card-\(s.rawValue)", c.t("verification_state_\(s.rawValue)"), "\(counts[s] ?? 0)")
        }
        let queue = v.queue.filter { m.region == nil || m.view.regionOf[$0.site] == m.region }
        let rows = queue.prefix(shown).map { o in row(o, m, c) }
        let ruleText: HTML = v.rule.map { r in
            """
            <p id="rule-in-force" class="small">\(c.t(r.required ? "page_verification_rule_on" : "page_verification_rule_off", [
                "since": (m.view.verification.requiredSince ?? m.view.verification.ruleSince).map(ShanghaiCalendar.dateString) ?? "—", "distance": String(format: "%.0f", r.checks.maxDistanceMetres),
                "hours": String(format: "%.0f", Double(r.checks.toleranceSeconds) / 3600), "rate": String(format: "%.1f", r.spotCheckRate * 100)]))</p>
            """
        } ?? "<p id=\"rule-in-force\" class=\"small\">\(c.t("page_verification_rule_none"))</p>"
        let basis: HTML? = v.rule.map { r in "<p id=\"rank-basis\" class=\"small\">\(c.t("page_rank_basis_\(r.rankVerified ? "verified" : "reported")"))</p>" }
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_verification_done"), id: "done") : nil)\(Dashboard.error(m.error, id: "verification-error", c))<p class="muted">\(c.t("page_verification_intro"))</p>\(ruleText)\(basis)\
        <div class="cards" id="verification-cards">\(cards)</div>\
        <h2>\(c.t("page_verification_queue"))\(m.region.map { " · \($0)" } ?? "")</h2>\
        <div class="scroll"><table id="queue"><thead><tr><th class="l">\(c.t("page_safety_site_code"))</th><th class="l">\(c.t("page_region"))</th>\
        <th>\(c.t("page_verification_reported_at"))</th><th class="l">\(c.t("page_verification_photos"))</th><th class="l">\(c.t("page_safety_actions"))</th></tr></thead>\
        <tbody>\(rows.isEmpty ? Dashboard.noneRow(5, c) : rows.joined())</tbody></table></div>\
        \(queue.count > shown ? Dashboard.more(queue.count, shown: shown, c) : nil)\
        \(QueueMap.html(Array(queue.prefix(shown)), view: m.view, outlines: m.outlines, region: m.region, context: c).map { HTML("<h2>\(c.t("page_verification_map"))</h2>\($0)") })\
        \(tallies(VerificationTally(v, regionOf: m.view.regionOf), m, c))\(bulkForm(queue, m, c))\(ruleForm(m, c))
        """
        return HTMLPage.frame(title: c.t("page_verification"), context: c, path: Route.verification.pattern, body: body)
    }

    /// An opening in the queue: the site, its photos (previews, the failed checks, where and when), the buttons.
    static func row(_ o: Verification.Opening, _ m: Model, _ c: PageContext) -> HTML {
        let k = o.site
        let region = m.view.regionOf[k] ?? ""
        let photos = o.photos.map { EvidenceFigure.html($0, details: true, c) }
        let mayDecide = m.principal.map { p in Access.allows(p.role, .verify) && (p.role != .district || p.region == region) } ?? false
        let actions: HTML = mayDecide ? """
            <form method="post" action="\(Route.verificationAction.pattern)" class="inline">\(c.formFields)\
            <input type="hidden" name="operator" value="\(k.operator.rawValue)"><input type="hidden" name="site_code" value="\(k.code)">\
            <button type="submit" name="action" value="verified">\(c.t("page_verification_verify"))</button></form> \
            <form method="post" action="\(Route.verificationAction.pattern)" class="inline">\(c.formFields)\
            <input type="hidden" name="operator" value="\(k.operator.rawValue)"><input type="hidden" name="site_code" value="\(k.code)">\
            <label>\(c.t("page_verification_reason")) <input name="reason" required maxlength="500" size="12"></label> \
            <button type="submit" name="action" value="rejected">\(c.t("page_verification_reject"))</button></form>
            """ : "—"
        return """
        <tr data-site="\(k.operator.rawValue)/\(k.code)"><td class="l"><a href="\(c.link(Route.site.path(k.operator.rawValue, k.code)))">\(k.operator.rawValue)/\(k.code)</a>\
        \(o.drawn ? HTML(" <span class=\"tag\">\(c.t("page_verification_drawn"))</span>") : nil)</td><td class="l">\(region)</td>\
        <td>\(ShanghaiCalendar.iso8601(o.recordedAt))</td><td class="l">\(photos)</td><td class="l">\(actions)</td></tr>
        """
    }

    /// The openings that needed evidence by operator and by region: how many, the shares accepted,
    /// verified (accepted + verified by a person) and rejected, the queue, and the median days
    /// from a report to a person's decision.
    static func tallies(_ t: VerificationTally, _ m: Model, _ c: PageContext) -> HTML? {
        guard t.city.openings > 0 else { return nil }
        func row(_ key: String, _ name: HTML, _ l: VerificationTally.Line) -> HTML {
            """
            <tr data-key="\(key)"><td class="l">\(name)</td><td>\(l.openings)</td><td>\(c.percent(l.share(.accepted)))</td>\
            <td>\(c.percent(l.verifiedShare))</td><td>\(c.percent(l.share(.rejected)))</td><td>\(l.count(.inQueue))</td>\
            <td>\(l.count(.awaitingEvidence))</td><td>\(c.decimal(l.medianDaysToDecision))</td></tr>
            """
        }
        let head: HTML = """
            <th>\(c.t("page_verification_openings"))</th><th>\(c.t("verification_state_accepted"))</th>\
            <th>\(c.t("page_verification_verified_share"))</th><th>\(c.t("verification_state_rejected"))</th><th>\(c.t("verification_state_in_queue"))</th>\
            <th>\(c.t("verification_state_awaiting_evidence"))</th><th>\(c.t("page_verification_median_days"))</th>
            """
        let operators = Operator.network.filter { t.operators[$0.rawValue] != nil }.map { op in row(op.rawValue, "\(c.name(op))", t.operator(op.rawValue)) }
        let regions = t.regions.keys.sorted().filter { m.region == nil || $0 == m.region }.map { code in
            row(code, "<a href=\"\(c.link(Route.verification.pattern, [("region", code)]))\">\(m.regions[code].map { c.name($0) } ?? code)</a>", t.region(code))
        }
        return """
        <h2>\(c.t("page_verification_by_operator"))</h2><div class="scroll"><table id="verification-operators"><thead><tr>\
        <th class="l">\(c.t("page_operator"))</th>\(head)</tr></thead><tbody>\(operators)\(row("city", "\(c.t("page_verification_all"))", t.city))</tbody></table></div>\
        <h2>\(c.t("page_verification_by_region"))</h2><div class="scroll"><table id="verification-regions"><thead><tr>\
        <th class="l">\(c.t("page_region"))</th>\(head)</tr></thead><tbody>\(regions)</tbody></table></div>\
        <p class="muted small">\(c.t("page_verification_tally_note"))</p>
        """
    }

    /// Deciding at once on every opening one account reported in a period (each still one event).
    static func bulkForm(_ queue: [Verification.Opening], _ m: Model, _ c: PageContext) -> HTML? {
        guard let p = m.principal, Access.allows(p.role, .verify), !queue.isEmpty else { return nil }
        let reporters = Set(queue.map(\.reportedBy)).sorted().map { r -> HTML in "<option value=\"\(r)\">\(r)</option>" }
        let first = queue.map(\.recordedAt).min().map(ShanghaiCalendar.dateString) ?? ""
        let next = queue.map(\.recordedAt).max().map { ShanghaiCalendar.dateString(ShanghaiCalendar.day(of: $0) + 1) } ?? ""
        return """
        <h2>\(c.t("page_verification_bulk"))</h2><form method="post" action="\(Route.verificationAction.pattern)" id="bulk-form">\(c.formFields)\
        <label>\(c.t("page_verification_reporter")) <select name="reporter">\(reporters)</select></label> \
        <label>\(c.t("page_verification_from")) <input type="date" name="from" required value="\(first)"></label> \
        <label>\(c.t("page_verification_until")) <input type="date" name="until" required value="\(next)"></label> \
        <label>\(c.t("page_verification_reason")) <input name="reason" maxlength="500" size="12"></label> \
        <button type="submit" name="action" value="bulk_verified">\(c.t("page_verification_verify"))</button> \
        <button type="submit" name="action" value="bulk_rejected">\(c.t("page_verification_reject"))</button></form>
        """
    }

    /// The city office's form for the rule.
    static func ruleForm(_ m: Model, _ c: PageContext) -> HTML? {
        guard let p = m.principal, Access.allows(p.role, .setEvidence) else { return nil }
        let r = m.view.verification.rule ?? EvidenceRule(required: false)
        return """
        <h2>\(c.t("page_verification_rule"))</h2><form method="post" action="\(Route.verificationAction.pattern)" id="rule-form">\(c.formFields)\
        <input type="hidden" name="action" value="rule">\
        <label class="check"><input type="checkbox" name="required"\(r.required ? " checked" : "")> \(c.t("page_verification_required"))</label> \
        <label>\(c.t("page_verification_distance")) <input name="max_distance_m" type="number" min="10" max="10000" value="\(String(format: "%.0f", r.checks.maxDistanceMetres))"></label> \
        <label>\(c.t("page_verification_tolerance")) <input name="tolerance_hours" type="number" min="0" max="168" value="\(r.checks.toleranceSeconds / 3600)"></label> \
        <label>\(c.t("page_verification_rate")) <input name="spot_check_rate" type="number" min="0" max="50" step="0.5" value="\(String(format: "%.1f", r.spotCheckRate * 100))"></label> \
        <label class="check"><input type="checkbox" name="rank_verified"\(r.rankVerified ? " checked" : "")> \(c.t("page_verification_rank_verified"))</label> \
        <button type="submit">\(c.t("page_dispatch_set"))</button></form>
        """
    }
}
