import Hummingbird
import RolloutCore

/// Server-rendered HTML: a shared frame, escaping of every value, the error page.
enum HTMLPage {
    /// Escapes text for HTML content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
        header{background:#0b3d6e;color:#fff;padding:10px 20px}header h1{margin:0;font-size:20px}
        nav{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin-top:6px;font-size:14px}nav a{color:#cfe3ff}
        nav form{margin:0;display:flex;gap:6px;align-items:center}nav input{font-size:13px}nav form.who{margin-left:auto}
        .signin{max-width:360px;margin:30px auto;background:#fff;padding:16px 20px;border-radius:6px;box-shadow:0 1px 2px #0002}
        .signin input{width:100%;font-size:15px;padding:6px;box-sizing:border-box}.signin label{display:block;margin:10px 0}
        .live{font-size:12px;color:#9fd3a8}.live.off{color:#c9ced6}
        main{padding:14px 20px;max-width:1240px;margin:auto}
        h2{font-size:17px;margin:20px 0 8px;border-left:4px solid #0b5cad;padding-left:8px}
        .cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border-radius:6px;padding:10px 14px;min-width:150px;flex:1;box-shadow:0 1px 2px #0002}
        .card b{display:block;font-size:24px}.muted{color:#5b6b7b;font-size:13px}.small{font-size:12px}
        .grid{display:grid;grid-template-columns:3fr 2fr;gap:14px}.panel{background:#fff;border-radius:6px;padding:10px;box-shadow:0 1px 2px #0002}
        svg{max-width:100%;height:auto;display:block}svg text{font-family:inherit}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:5px 7px;border-bottom:1px solid #e3e8ee;text-align:right;vertical-align:top}
        th{background:#eef2f7;font-weight:600}td.l,th.l{text-align:left}.lag{color:#b3261e;font-weight:bold}.ok{color:#1a7f37}
        .bar{background:#e3e8ee;border-radius:3px;height:8px;min-width:60px}.bar i{display:block;height:8px;border-radius:3px;background:#0b5cad}
        .tag{display:inline-block;border-radius:3px;padding:0 5px;font-size:12px;background:#e3e8ee}.tag.escalated{background:#fde2e1;color:#8c1d18}
        .notice{background:#e6f4ea;border:1px solid #a8d5b5;padding:8px 12px;border-radius:6px}
        .btn{display:inline-block;background:#0b5cad;color:#fff;border:0;border-radius:4px;padding:4px 10px;font-size:13px;text-decoration:none;cursor:pointer}
        a{color:#0b5cad}.scroll{overflow-x:auto}textarea{width:100%;max-width:560px}
        @media (max-width:820px){.grid{grid-template-columns:1fr}}
        @media (max-width:600px){main{padding:8px}.card{min-width:130px}.card b{font-size:20px}th,td{padding:4px;font-size:12px}.hide-s{display:none}}
        """

    /// A whole page around a body: the title, the navigation (with the date picker and the
    /// language switch when the page has a context), and the live-update script.
    static func frame(title: String, context c: PageContext?, path: String, body: String, language: Language? = nil) -> String {
        let lang = c?.language ?? language ?? .zh
        var nav = ""
        if let c {
            let other: Language = lang == .zh ? .en : .zh
            let operators = Operator.allCases.map { "<a href=\"\(c.link(Paths.operator($0)))\">\(c.name($0))</a>" }.joined(separator: " ")
            nav = """
            <nav><a href="\(c.link(Paths.overview))">\(c.t("page_overview"))</a> \(operators)
            <form method="get" action="\(escape(path))"><label>\(c.t("page_as_of")) <input type="date" name="as_of" value="\(c.day)"></label>
            <input type="hidden" name="lang" value="\(lang.rawValue)"><button type="submit">\(c.t("page_show"))</button></form>
            <a href="\(c.link(path, language: other))">\(c.t("page_other_language"))</a>
            <span id="live" class="live off" data-label="\(c.t("page_live"))" data-updated="\(c.t("page_live_updated", ["value": "{time}"]))">●</span>
            \(account(c))</nav>
            """
        }
        return """
        <!doctype html>
        <html lang="\(lang == .zh ? "zh-CN" : "en")">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><link rel="icon" href="data:,"><style>\(style)</style>
        \(c == nil ? "" : "<script src=\"\(Paths.liveScript)\" defer></script>")</head>
        <body><header><h1>\(escape(title))</h1>\(nav)</header><main id="page">\(c.map { TableDownloads.annotate(body, context: $0) } ?? body)</main></body></html>
        """
    }

    /// The signed-in account in the header: its name and role (a link to its page) and the sign-out button.
    static func account(_ c: PageContext) -> String {
        guard let p = c.principal else { return "" }
        let quota = Access.allows(p.role, .moveQuota) ? "<a href=\"\(c.link(Paths.quota))\" id=\"nav-quota\">\(c.t("page_quota"))</a>" : ""
        let bulletins = Access.allows(p.role, .readFigures) ? "<a href=\"\(c.link(Paths.bulletins))\" id=\"nav-bulletins\">\(c.t("page_bulletins"))</a>" : ""
        let supervision = Access.allows(p.role, .readFigures) ? "<a href=\"\(c.link(Paths.supervision))\" id=\"nav-supervision\">\(c.t("page_supervision"))</a>" : ""
        let dispatch = Access.allows(p.role, .readRecords) ? "<a href=\"\(c.link(Paths.dispatch))\" id=\"nav-dispatch\">\(c.t("page_dispatch"))</a>" : ""
        let sharing = Access.allows(p.role, .shareResources) ? "<a href=\"\(c.link(Paths.sharing))\" id=\"nav-sharing\">\(c.t("page_sharing"))</a>" : ""
        return bulletins + supervision + dispatch + quota + sharing + """
        <form method="post" action="\(Paths.signOut)" class="who"><a href="\(c.link(Paths.account(p.account)))" id="who">\(escape(p.account))</a>
        <span class="small">\(c.t("page_role_\(p.role.rawValue)"))</span>\(c.csrfField)<input type="hidden" name="lang" value="\(c.language.rawValue)">
        <button type="submit" id="signout">\(c.t("page_signout"))</button></form>
        """
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The error page, in the user's language.
    static func error(_ e: RolloutError, _ language: Language) -> Response {
        let body = "<p class=\"lag\">\(escape(e.message(language)))</p><p><a href=\"/?lang=\(language.rawValue)\">\(escape(Catalogue.text("page_back", language)))</a></p>"
        return html(frame(title: Catalogue.text("page_error_title", language), context: nil, path: "/", body: body, language: language),
                    status: JSONResponse.status(e))
    }
}
