import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Listed supervision (挂牌督办): `/supervision` shows the rule, the proposals read from the last
/// bulletins, the regions listed (deadline, rectification, reviews, overdue) and those delisted;
/// the city office lists, reviews, delists and sets the rule there or through the API.
enum SupervisionRoutes {
    struct Step: Decodable {
        var action: String?
        var region: String?
        var deadline: String?
        var rectification: String?
        var note: String?
        var reason: String?
        var share: String?
        var consecutive: String?
        var lang: String?
    }
    struct RuleBody: Decodable { var share: Double; var consecutive: Int }

    /// The end of a day written `YYYY-MM-DD` (a deadline is the whole day).
    static func deadline(_ text: String?) throws -> Instant? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let day = ShanghaiCalendar.parseDay(text.trimmingCharacters(in: .whitespaces)) else { throw RolloutError("bad_date", ["value": text]) }
        return ShanghaiCalendar.start(of: day + 1)
    }

    static func step(_ s: Step) throws -> Supervision.Step {
        switch s.action ?? "" {
        case "list":
            guard let d = try deadline(s.deadline) else { throw RolloutError("bad_date", ["value": s.deadline ?? ""]) }
            return .listed(deadline: d, rectification: s.rectification ?? "")
        case "review": return .reviewed(note: s.note ?? "", deadline: try deadline(s.deadline))
        case "delist": return .delisted(reason: s.reason ?? "")
        default: throw RolloutError("supervision_bad_action", ["value": s.action ?? ""])
        }
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.get(RouterPath(Paths.supervision)) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.post(RouterPath(Paths.supervision)) { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(Step.self, from: String(buffer: buffer)) else { throw RolloutError("bad_form_body") }
            let lang = form.lang.map { Language(preferring: $0) } ?? request.language
            do {
                let principal = try context.requirePrincipal()
                if form.action == "rule" {
                    guard let share = Double(form.share ?? ""), let n = Int(form.consecutive ?? "") else {
                        throw RolloutError("supervision_bad_share", ["value": form.share ?? ""])
                    }
                    try await service.setSupervisionRule(Supervision.Rule(share: share, consecutive: n), by: principal)
                } else {
                    _ = try await service.supervise(region: form.region ?? "", step: try step(form), by: principal)
                }
                return Response(status: .seeOther, headers: [.location: "\(Paths.supervision)?lang=\(lang.rawValue)&done=1"])
            } catch let e as RolloutError where [.invalid, .conflict, .notFound].contains(e.kind) {
                return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
            }
        }
        router.get("/api/v1/supervision") { request, _ in
            try JSONResponse.ok(try await service.supervision(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.post("/api/v1/supervision/rule") { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024)
            guard let body = try? JSONDecoder().decode(RuleBody.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            try await service.setSupervisionRule(Supervision.Rule(share: body.share, consecutive: body.consecutive), by: try context.requirePrincipal())
            return try JSONResponse.ok(try await service.supervision().rule)
        }
        router.post("/api/v1/supervision/:region") { request, context in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(Step.self, from: Data(buffer: buffer)) else { throw RolloutError("bad_json_body") }
            let region = try context.parameters.require("region")
            return try JSONResponse.ok(try await service.supervise(region: region, step: try step(body), by: try context.requirePrincipal()))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     status: HTTPResponse.Status) async throws -> Response {
        let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
        let c = PageContext(request: request, context: context, stored: stored, moment: moment)
        let view = try await service.supervision(asOf: request.query("as_of"), knownAt: request.query("known_at"))
        let names = Dictionary(uniqueKeysWithValues: try await service.store.regions().map { ($0.code, $0) })
        func name(_ code: String) -> String { names[code].map { c.name($0) } ?? HTMLPage.escape(code) }
        func day(_ t: Instant) -> String { ShanghaiCalendar.dateString(t.adding(seconds: -1)) }
        let office = c.principal.map { Access.allows($0.role, .supervise) } ?? false
        let hidden = "\(c.csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(c.language.rawValue)\">"
        var body = ""
        if request.query("done") != nil { body += "<p class=\"notice\" id=\"done\">\(c.t("page_supervision_done"))</p>" }
        if let error { body += "<p class=\"lag\" id=\"supervision-error\">\(HTMLPage.escape(error.message(c.language)))</p>" }
        body += "<p class=\"muted\" id=\"rule\">\(c.t("page_supervision_rule", ["share": c.percent(view.rule.share), "consecutive": "\(view.rule.consecutive)"]))</p>"
        if office {
            body += """
            <form method="post" action="\(Paths.supervision)" class="panel">\(hidden)<input type="hidden" name="action" value="rule">
            <label>\(c.t("page_supervision_share")) <input name="share" size="4" value="\(view.rule.share)"></label>
            <label>\(c.t("page_supervision_consecutive")) <input name="consecutive" size="3" value="\(view.rule.consecutive)"></label>
            <button class="btn" type="submit">\(c.t("page_supervision_set_rule"))</button></form>
            """
        }
        let tomorrow = ShanghaiCalendar.dateString(moment.asOf.before.adding(days: 14))
        if view.bulletinsRead.count < view.rule.consecutive {
            body += "<h2>\(c.t("page_supervision_proposals", ["value": "—"]))</h2><p class=\"muted\">\(c.t("page_supervision_no_bulletins"))</p>"
        } else {
            body += "<h2>\(c.t("page_supervision_proposals", ["value": view.bulletinsRead.joined(separator: "、")]))</h2>"
            if view.proposals.isEmpty { body += "<p class=\"muted\">\(c.t("bulletin_none"))</p>" }
            body += "<div class=\"scroll\"><table id=\"supervision-proposals\"><tbody>"
            for code in view.proposals {
                body += "<tr data-region=\"\(HTMLPage.escape(code))\"><td class=\"l\">\(name(code))</td><td class=\"l\">"
                if office {
                    body += """
                    <form method="post" action="\(Paths.supervision)">\(hidden)<input type="hidden" name="action" value="list"><input type="hidden" name="region" value="\(HTMLPage.escape(code))">
                    <label>\(c.t("page_supervision_deadline")) <input type="date" name="deadline" value="\(tomorrow)"></label>
                    <label>\(c.t("page_supervision_rectification")) <input name="rectification" size="30" maxlength="1000" required></label>
                    <button class="btn" type="submit">\(c.t("page_supervision_list"))</button></form>
                    """
                }
                body += "</td></tr>"
            }
            body += "</tbody></table></div>"
        }
        let active = view.listings.filter(\.isActive), past = view.listings.filter { !$0.isActive }
        body += "<h2>\(c.t("page_supervision_current"))</h2>"
        if active.isEmpty { body += "<p class=\"muted\">\(c.t("bulletin_none"))</p>" }
        body += "<div class=\"scroll\"><table id=\"supervision-listed\"><tbody>"
        for l in active {
            let overdue = l.isOverdue(at: moment.asOf.before) ? " <b class=\"lag\">\(c.t("page_supervision_overdue"))</b>" : ""
            body += "<tr data-region=\"\(HTMLPage.escape(l.region))\"><td class=\"l\"><a href=\"\(c.link(Paths.region(l.region)))\">\(name(l.region))</a></td>"
            body += "<td class=\"l\">\(c.t("page_supervision_listed_at")) \(day(l.listedAt.adding(seconds: 1)))<br>\(c.t("page_supervision_deadline")) \(day(l.deadline))\(overdue)</td>"
            body += "<td class=\"l\">\(HTMLPage.escape(l.rectification))"
            for r in l.reviews { body += "<br><span class=\"small\">\(c.t("page_supervision_reviews")) \(day(r.at.adding(seconds: 1)))：\(HTMLPage.escape(r.note))</span>" }
            body += "</td><td class=\"l\">"
            if office {
                let region = "<input type=\"hidden\" name=\"region\" value=\"\(HTMLPage.escape(l.region))\">"
                body += """
                <form method="post" action="\(Paths.supervision)">\(hidden)\(region)<input type="hidden" name="action" value="review">
                <input name="note" size="20" maxlength="1000" placeholder="\(c.t("page_supervision_note"))" required>
                <input type="date" name="deadline" title="\(c.t("page_supervision_new_deadline"))"><button class="btn" type="submit">\(c.t("page_supervision_review"))</button></form>
                <form method="post" action="\(Paths.supervision)">\(hidden)\(region)<input type="hidden" name="action" value="delist">
                <input name="reason" size="20" maxlength="1000" placeholder="\(c.t("page_supervision_reason"))" required>
                <button class="btn" type="submit">\(c.t("page_supervision_delist"))</button></form>
                """
            }
            body += "</td></tr>"
        }
        body += "</tbody></table></div>"
        if !past.isEmpty {
            body += "<h2>\(c.t("page_supervision_history"))</h2><div class=\"scroll\"><table id=\"supervision-past\"><tbody>"
            for l in past {
                body += "<tr><td class=\"l\">\(name(l.region))</td><td class=\"l\">\(day(l.listedAt.adding(seconds: 1))) – \(l.delistedAt.map { day($0.adding(seconds: 1)) } ?? "")</td>"
                body += "<td class=\"l\">\(HTMLPage.escape(l.delistReason ?? ""))</td></tr>"
            }
            body += "</tbody></table></div>"
        }
        return HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_supervision", c.language), context: c, path: Paths.supervision, body: body),
                             status: status)
    }
}
