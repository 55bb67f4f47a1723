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

    /// A whole page around a body.
    static func frame(title: String, language: Language, body: String) -> String {
        """
        <!doctype html>
        <html lang="\(language == .zh ? "zh-CN" : "en")">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
        header{background:#0b3d6e;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}
        main{padding:16px 20px;max-width:1200px;margin:auto}
        .cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border-radius:6px;padding:12px 16px;min-width:150px;box-shadow:0 1px 2px #0002}
        .card b{display:block;font-size:26px}.muted{color:#5b6b7b;font-size:13px}
        table{border-collapse:collapse;width:100%;background:#fff;margin-top:16px}th,td{padding:6px 8px;border-bottom:1px solid #e3e8ee;text-align:right}
        th:nth-child(2),td:nth-child(2){text-align:left}.lag{color:#b3261e;font-weight:bold}
        form{margin:12px 0}a{color:#0b5cad}.scroll{overflow-x:auto}
        @media (max-width:600px){main{padding:10px}.card{min-width:130px;flex:1}.card b{font-size:22px}th,td{padding:4px 5px;font-size:13px}}
        </style></head>
        <body><header><h1>\(escape(title))</h1></header><main>\(body)</main></body></html>
        """
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The error page, in the user's language.
    static func error(_ e: RolloutError, _ language: Language) -> Response {
        let body = "<p class=\"lag\">\(escape(e.message(language)))</p><p><a href=\"/\">\(escape(Catalogue.text("page_back", language)))</a></p>"
        return html(frame(title: Catalogue.text("page_error_title", language), language: language, body: body),
                    status: JSONResponse.status(e))
    }
}
