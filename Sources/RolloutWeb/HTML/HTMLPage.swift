import Hummingbird
import RolloutCore
import RolloutTexts

/// The frame every page shares (the title, the navigation with the date picker and the language
/// switch, the live-update script), the HTML response, and the error page.
enum HTMLPage {
    /// A whole page around a body.
    static func frame(title: String, context c: PageContext?, path: String, body: HTML, language: Language? = nil) -> HTML {
        let lang = c?.language ?? language ?? .zh
        var nav = HTML.empty
        if let c {
            let other: Language = lang == .zh ? .en : .zh
            let operators = Operator.allCases.map { op -> HTML in "<a href=\"\(c.link(Route.operatorPage.path(op.rawValue)))\">\(c.name(op))</a>" }
            nav = """
            <nav><a href="\(c.link(Route.overview.pattern))">\(c.t("page_overview"))</a> \(operators.joined(separator: " "))
            <form method="get" action="\(path)"><label>\(c.t("page_as_of")) <input type="date" name="as_of" value="\(c.day)"></label>
            <input type="hidden" name="lang" value="\(lang.rawValue)"><button type="submit">\(c.t("page_show"))</button></form>
            <a href="\(c.link(path, language: other))">\(c.t("page_other_language"))</a>
            <span id="live" class="live off" data-label="\(c.t("page_live"))" data-updated="\(c.t("page_live_updated", ["value": "{time}"]))">●</span>
            \(account(c))</nav>
            """
        }
        let script: HTML = c == nil ? "" : "<script src=\"\(Route.liveScript.pattern)\" defer></script>"
        return """
        <!doctype html>
        <html lang="\(lang == .zh ? "zh-CN" : "en")">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title><link rel="icon" href="data:,"><style>\(WebResources.style)</style>
        \(script)</head>
        <body><header><h1>\(title)</h1>\(nav)</header><main id="page">\(c.map { TableDownloads.annotate(body, context: $0) } ?? body)</main></body></html>
        """
    }

    /// The signed-in account in the header: the pages its role opens, its name and role (a link to
    /// its page) and the sign-out button.
    static func account(_ c: PageContext) -> HTML {
        guard let p = c.principal else { return "" }
        let links: [(Need, Route, String, String)] = [
            (.readFigures, .bulletins, "nav-bulletins", "page_bulletins"), (.readFigures, .supervision, "nav-supervision", "page_supervision"),
            (.readFigures, .reporting, "nav-reporting", "page_reporting"), (.readFigures, .scorecard, "nav-scorecard", "page_scorecard"), (.readFigures, .adoption, "nav-adoption", "page_adoption"), (.readFigures, .plan, "nav-plan", "page_plan_title"), (.readFigures, .safety, "nav-safety", "page_safety"), (.readRecords, .reconciliation, "nav-reconciliation", "page_reconciliation"), (.readRecords, .verification, "nav-verification", "page_verification"),
            (.readRecords, .dispatch, "nav-dispatch", "page_dispatch"), (.moveQuota, .quota, "nav-quota", "page_quota"),
            (.shareResources, .sharing, "nav-sharing", "page_sharing"), (.signedIn, .notifications, "nav-notifications", "page_notifications"),
        ]
        let shown = links.filter { Access.allows(p.role, $0.0) }
            .map { need, route, id, key -> HTML in "<a href=\"\(c.link(route.pattern))\" id=\"\(id)\">\(c.t(key))</a>" }
        return """
        \(shown)<form method="post" action="\(Route.signOut.pattern)" class="who"><a href="\(c.link(Route.account.path(p.account)))" id="who">\(p.account)</a>
        <span class="small">\(c.t("page_role_\(p.role.rawValue)"))</span>\(c.formFields)
        <button type="submit" id="signout">\(c.t("page_signout"))</button></form>
        """
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }

    /// The error page, in the user's language.
    static func error(_ e: RolloutError, _ language: Language, requestID: String = "") -> Response {
        let reference: HTML = requestID.isEmpty ? "" : "<p class=\"request-id\">\(Catalogue.text("page_request_id", language, ["value": requestID]))</p>"
        let body: HTML = "<p class=\"lag\">\(e.message(language))</p>\(reference)<p><a href=\"/?lang=\(language.rawValue)\">\(Catalogue.text("page_back", language))</a></p>"
        return html(frame(title: Catalogue.text("page_error_title", language), context: nil, path: "/", body: body, language: language),
                    status: JSONResponse.status(e))
    }
}
