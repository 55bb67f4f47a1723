import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

extension ReconciliationPage {
    static func view(_ m: Model, context c: PageContext) -> HTML {
        let v = m.view
        let open = v.entries.filter { $0.status == .open }
        let cards: [HTML] = [
            Dashboard.card(c.t("page_reconciliation_rate"), c.percent(v.city.value), live: "reconciliation_rate"),
            Dashboard.card(c.t("page_reconciliation_paired"), "\(v.pairs.count)", live: "reconciliation_paired"),
            Dashboard.card(c.t("page_reconciliation_open"), "\(open.count)", live: "reconciliation_open", alarm: !open.isEmpty),
            Dashboard.card(c.t("page_reconciliation_ambiguous"), "\(v.ambiguous.count)", live: "reconciliation_ambiguous"),
        ]
        let names = Dictionary(uniqueKeysWithValues: m.regions.map { ($0.code, $0) })
        let openByRegion = Dictionary(grouping: open, by: \.regionCode).mapValues(\.count)
        let regionRows = m.regions.compactMap { r -> HTML? in
            guard let rate = v.byRegion[r.code] else { return nil }
            return """
            <tr data-region="\(r.code)"><td class="l"><a href="\(c.link(Route.region.path(r.code)))">\(c.name(r))</a></td>\
            <td>\(rate.paired)</td><td>\(rate.agreeing)</td><td>\(c.percent(rate.value))</td><td>\(openByRegion[r.code] ?? 0)</td></tr>
            """
        }
        let operatorRows = Operator.network.compactMap { op -> HTML? in
            guard let rate = v.byOperator[op.rawValue] else { return nil }
            return "<tr data-operator=\"\(op.rawValue)\"><td class=\"l\">\(c.name(op))</td><td>\(rate.paired)</td><td>\(rate.agreeing)</td><td>\(c.percent(rate.value))</td></tr>"
        }
        let rows = m.shown.map { row($0, m, names: names, c) }
        let body: HTML = """
        \(m.done ? Dashboard.notice(c.t("page_reconciliation_saved"), id: "done") : nil)\(Dashboard.error(m.error, id: "reconciliation-error", c))\
        <div class="cards">\(cards)</div>\(thresholds(m, c))\
        <h2>\(c.t("page_reconciliation_rate"))</h2><div class="scroll"><table id="rates"><thead><tr><th class="l">\(c.t("page_region"))</th>\
        <th>\(c.t("page_reconciliation_paired"))</th><th>\(c.t("page_reconciliation_agreeing"))</th><th>\(c.t("page_reconciliation_rate"))</th><th>\(c.t("page_reconciliation_open"))</th></tr></thead>\
        <tbody>\(regionRows)\(regionRows.isEmpty ? Dashboard.noneRow(5, c) : nil)</tbody></table></div>\
        <div class="scroll"><table id="operator-rates"><thead><tr><th class="l">\(c.t("page_operator"))</th><th>\(c.t("page_reconciliation_paired"))</th>\
        <th>\(c.t("page_reconciliation_agreeing"))</th><th>\(c.t("page_reconciliation_rate"))</th></tr></thead><tbody>\(operatorRows)\(operatorRows.isEmpty ? Dashboard.noneRow(4, c) : nil)</tbody></table></div>\
        \(ambiguous(v, c))<h2>\(c.t("page_reconciliation_open"))</h2>\(filters(m, c))\
        <div class="scroll"><table id="mismatches"><thead><tr><th class="l">\(c.t("page_reconciliation_kind"))</th><th class="l">\(c.t("page_region"))</th>\
        <th class="l">\(c.t("page_site"))</th><th class="l">\(c.t("page_reconciliation_operator_side"))</th><th class="l">\(c.t("page_reconciliation_tower_side"))</th>\
        <th>\(c.t("page_reconciliation_age"))</th><th class="l">\(c.t("page_reconciliation_status"))</th></tr></thead>\
        <tbody>\(rows)\(rows.isEmpty ? Dashboard.noneRow(7, c) : nil)</tbody></table></div>\
        \(m.total > m.shown.count ? HTML("<p class=\"muted\" id=\"more\">\(c.t("page_reconciliation_more", ["total": "\(m.total)", "shown": "\(m.shown.count)"]))</p>") : nil)
        """
        return HTMLPage.frame(title: Catalogue.text("page_reconciliation", c.language), context: c, path: Route.reconciliation.pattern, body: body)
    }

    /// One mismatch: both sides, its age, and its status or the form that resolves it.
    static func row(_ e: Reconciliation.Entry, _ m: Model, names: [String: Region], _ c: PageContext) -> HTML {
        let x = e.mismatch
        let site: HTML = x.operatorSite.map { s -> HTML in
            "<a href=\"\(c.link(Route.site.path(s.operator.rawValue, s.code)))\">\(c.name(s.operator)) \(s.code)</a>"
        } ?? "—"
        let tower: HTML = x.towerSite.map { s -> HTML in
            "<a href=\"\(c.link(Route.site.path(s.operator.rawValue, s.code)))\">\(s.code)</a> \(value(x.towerValue, c))"
        } ?? "—"
        var state: HTML = "\(c.t("reconciliation_status_\(e.status.rawValue)"))"
        if let r = e.resolution, e.status == .resolved {
            state = "\(state)<br><span class=\"small\">\(c.t("page_reconciliation_resolved_by", ["actor": r.actor, "date": ShanghaiCalendar.dateString(r.at), "note": r.resolution.note]))</span>"
        } else if e.reopened {
            state = "<span class=\"lag\">\(state)</span><br><span class=\"small\">\(c.t("page_reconciliation_reopened"))</span>"
        }
        if e.status == .open && m.mayResolve(e.regionCode) && c.moment.knownAt == nil && c.asOf == nil {
            let sides = Reconciliation.Side.allCases.map { s -> HTML in "<option value=\"\(s.rawValue)\">\(c.t("reconciliation_side_\(s.rawValue)"))</option>" }
            state = """
            \(state)<form method="post" action="\(Route.reconciliationAction.pattern)" class="inline">\(c.formFields)\
            <input type="hidden" name="action" value="resolve"><input type="hidden" name="kind" value="\(x.kind.rawValue)">\
            <input type="hidden" name="operator" value="\(x.operatorSite?.operator.rawValue ?? "")"><input type="hidden" name="site_code" value="\(x.operatorSite?.code ?? "")">\
            <input type="hidden" name="tower_site_code" value="\(x.towerSite?.code ?? "")"><input type="hidden" name="back" value="\(query(m.filter))">\
            <label>\(c.t("page_reconciliation_right")) <select name="right">\(sides)</select></label> \
            <label>\(c.t("page_reconciliation_note")) <input name="note" required maxlength="500"></label> \
            <button class="btn" type="submit">\(c.t("page_reconciliation_resolve"))</button></form>
            """
        }
        return """
        <tr data-entity="\(x.entity)"><td class="l">\(c.t("reconciliation_kind_\(x.kind.rawValue)"))</td>\
        <td class="l">\(names[e.regionCode].map { c.name($0) } ?? e.regionCode)</td><td class="l">\(site)</td>\
        <td class="l">\(value(x.operatorValue, c))</td><td class="l">\(tower)</td><td>\(x.ageDays(at: m.view.at))</td><td class="l">\(state)</td></tr>
        """
    }

    /// The operator sites with two or more China Tower sites near enough and none named (the first 50).
    static func ambiguous(_ v: ReconciliationView, _ c: PageContext) -> HTML? {
        guard !v.ambiguous.isEmpty else { return nil }
        let link = { (s: SiteKey) -> HTML in "<a href=\"\(c.link(Route.site.path(s.operator.rawValue, s.code)))\">\(s.code)</a>" }
        let rows = v.ambiguous.keys.sorted { ($0.operator, $0.code) < ($1.operator, $1.code) }.prefix(50).map { k -> HTML in
            "<tr><td class=\"l\">\(c.name(k.operator)) \(link(k))</td><td class=\"l\">\((v.ambiguous[k] ?? []).map(link).joined(separator: " · "))</td></tr>"
        }
        return """
        <h2>\(c.t("page_reconciliation_ambiguous"))</h2><div class="scroll"><table id="ambiguous"><thead><tr><th class="l">\(c.t("page_site"))</th>\
        <th class="l">\(c.t("page_reconciliation_candidates"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    /// A side's value in the reader's language: a stage's or a host's name, or a position as it is.
    static func value(_ v: String?, _ c: PageContext) -> String {
        guard let v else { return "—" }
        if let s = Stage(rawValue: v) { return c.name(s) }
        if let h = RolloutCore.Host(rawValue: v) { return c.name(h) }
        return v
    }

    /// The page's address with a filter (where a form brings the reader back to).
    static func query(_ f: Filter) -> String {
        var parts: [String] = []
        if let r = f.region { parts.append("region=\(Route.encode(r))") }
        if let o = f.operator { parts.append("operator=\(o.rawValue)") }
        if let k = f.kind { parts.append("kind=\(k.rawValue)") }
        parts.append("status=\(f.status?.rawValue ?? "all")")
        return "\(Route.reconciliation.pattern)?\(parts.joined(separator: "&"))"
    }

    /// The filter form: district, operator, kind, status.
    static func filters(_ m: Model, _ c: PageContext) -> HTML {
        func option(_ value: String, _ label: String, _ selected: Bool) -> HTML {
            "<option value=\"\(value)\"\(selected ? HTML(" selected") : "")>\(label)</option>"
        }
        let regions = [option("", "—", m.filter.region == nil)] + m.regions.map { option($0.code, c.name($0), m.filter.region == $0.code) }
        let operators = [option("", "—", m.filter.operator == nil)] + Operator.allCases.map { option($0.rawValue, c.name($0), m.filter.operator == $0) }
        let kinds = [option("", "—", m.filter.kind == nil)]
            + Reconciliation.MismatchKind.allCases.map { option($0.rawValue, c.t("reconciliation_kind_\($0.rawValue)"), m.filter.kind == $0) }
        let statuses = [option("all", "—", m.filter.status == nil)]
            + Reconciliation.Status.allCases.map { option($0.rawValue, c.t("reconciliation_status_\($0.rawValue)"), m.filter.status == $0) }
        return """
        <form method="get" action="\(Route.reconciliation.pattern)" class="panel" id="filters"><input type="hidden" name="lang" value="\(c.language.rawValue)">\
        <label>\(c.t("page_region")) <select name="region">\(regions)</select></label> <label>\(c.t("page_operator")) <select name="operator">\(operators)</select></label> \
        <label>\(c.t("page_reconciliation_kind")) <select name="kind">\(kinds)</select></label> \
        <label>\(c.t("page_reconciliation_status")) <select name="status">\(statuses)</select></label> <button class="btn" type="submit">OK</button></form>
        """
    }

    /// The thresholds in force, and the form that sets them (the city office).
    static func thresholds(_ m: Model, _ c: PageContext) -> HTML {
        let t = m.view.thresholds
        let line: HTML = """
        <p class="muted" id="thresholds">\(c.t("page_reconciliation_thresholds"))\(c.language == .zh ? "：" : ": ")\(c.t("page_reconciliation_pair_metres")) \(Int(t.pairMetres)) · \
        \(c.t("page_reconciliation_gap_days")) \(t.gapDays) · \(c.t("page_reconciliation_apart_metres")) \(Int(t.apartMetres))</p>
        """
        guard m.principal?.role == .cityOffice else { return line }
        return """
        \(line)<form method="post" action="\(Route.reconciliationAction.pattern)" class="panel">\(c.formFields)<input type="hidden" name="action" value="thresholds">\
        <label>\(c.t("page_reconciliation_pair_metres")) <input name="pair_metres" size="5" value="\(Int(t.pairMetres))"></label> \
        <label>\(c.t("page_reconciliation_gap_days")) <input name="gap_days" size="4" value="\(t.gapDays)"></label> \
        <label>\(c.t("page_reconciliation_apart_metres")) <input name="apart_metres" size="5" value="\(Int(t.apartMetres))"></label> \
        <button class="btn" type="submit">\(c.t("page_reconciliation_thresholds"))</button></form>
        """
    }
}
