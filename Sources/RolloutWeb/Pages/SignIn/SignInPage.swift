import Foundation
import Hummingbird
import Metrics
import RolloutAccess
import RolloutCore
import RolloutTexts

/// Signing in and out of the web pages. The sign-in form carries a token that must equal a cookie
/// set with the form (so another site cannot sign a browser into an account of its choosing); a
/// successful sign-in always starts a new session with a new id (no fixation), and a new form token.
enum SignInPage {
    static let formCookie = "rollout_signin"
    static let sessionCookie = "rollout_session"
    static let sessionKeyPrefix = "session."
    /// How long a session lasts.
    static let sessionLifetime: Duration = .seconds(12 * 3600)

    /// The sign-in form's fields.
    struct Form: Decodable { var name: String?; var password: String?; var csrf: String?; var next: String?; var lang: String? }

    static func add(to router: Router<RolloutContext>, accounts: AccountService, secureCookies: Bool) {
        router.on(.signInPage) { request, context in
            let lang = request.language
            if context.principal != nil { return Response(status: .seeOther, headers: [.location: safeNext(request.query("next"))]) }
            return form(language: lang, next: request.query("next"), name: "", error: nil, status: .ok, secure: secureCookies)
        }
        router.on(.signIn) { request, context in
            // A body that is not a form is a sign-in with nothing filled in (a body too large is refused).
            let fields: Form
            do { fields = try await request.form(Form.self, upTo: 16 * 1024) } catch is RolloutError { fields = Form() }
            let lang = FormSubmission.language(fields.lang, request)
            let name = (fields.name ?? "").trimmingCharacters(in: .whitespaces)
            let next = fields.next.flatMap { $0.isEmpty ? nil : $0 }
            guard let sent = fields.csrf, let cookie = request.cookies[formCookie]?.value,
                  AccountService.constantTimeEqual(sent, String(cookie)) else {
                return form(language: lang, next: next, name: name, error: RolloutError("csrf_failed", kind: .forbidden), status: .forbidden,
                            secure: secureCookies)
            }
            let account: Account
            do {
                account = try await accounts.signIn(name: name, password: fields.password ?? "", address: context.remoteAddress)
            } catch let e as RolloutError {
                Counter(label: "rollout_signin_failures_total", dimensions: [("reason", e.code)]).increment()
                return form(language: lang, next: next, name: name, error: e, status: JSONResponse.status(e), secure: secureCookies)
            }
            // The session the browser came with (if any) ends; the new one has a new id.
            if let old = request.cookies[sessionCookie]?.value {
                try? await SessionPersistDriver(accounts: accounts).remove(key: sessionKeyPrefix + String(old))
            }
            context.sessions.createSession(WebSession(account: account.name, csrf: AccountService.random(bytes: 24, hex: false),
                                                      signedInAt: accounts.clock.now().seconds), expiresIn: sessionLifetime)
            Counter(label: "rollout_signins_total").increment()
            var target = next == nil && account.role == .admin ? Route.accounts.pattern : safeNext(next)
            if !target.contains("lang=") { target += (target.contains("?") ? "&" : "?") + "lang=\(lang.rawValue)" }
            var response = Response(status: .seeOther, headers: [.location: target])
            response.setCookie(Cookie(name: formCookie, value: "", maxAge: 0, path: Route.signIn.pattern, secure: secureCookies, httpOnly: true,
                                      sameSite: .strict))
            return response
        }
        router.on(.signOut) { request, context in
            context.sessions.clearSession()
            let lang = FormSubmission.language((try? await request.form(Form.self, upTo: 16 * 1024))?.lang, request)
            return Response(status: .seeOther, headers: [.location: "\(Route.signIn.pattern)?lang=\(lang.rawValue)"])
        }
    }

    /// The sign-in page, with a fresh form token in a cookie and in the form.
    static func form(language: Language, next: String?, name: String, error: RolloutError?, status: HTTPResponse.Status,
                     secure: Bool) -> Response {
        let token = AccountService.random(bytes: 24, hex: false)
        let t = { (key: String) in Catalogue.text(key, language) }
        let other: Language = language == .zh ? .en : .zh
        var query = "lang=\(other.rawValue)"
        if let next { query += "&next=\(Route.encode(next))" }
        let body: HTML = """
        <form class="signin" method="post" action="\(Route.signIn.pattern)">
        \(error.map { e -> HTML in "<p class=\"lag\" id=\"signin-error\">\(e.message(language))</p>" })
        <label>\(t("page_account_name"))<input name="name" id="name" autocomplete="username" required maxlength="64" value="\(name)"></label>
        <label>\(t("page_password"))<input name="password" id="password" type="password" autocomplete="current-password" required maxlength="200"></label>
        <input type="hidden" name="csrf" value="\(token)"><input type="hidden" name="lang" value="\(language.rawValue)">
        <input type="hidden" name="next" value="\(next.map(safeNext) ?? "")">
        <p><button class="btn" type="submit" id="signin">\(t("page_signin"))</button>
        <a href="\(Route.signIn.pattern + "?" + query)">\(t("page_other_language"))</a></p></form>
        """
        var response = HTMLPage.html(HTMLPage.frame(title: Catalogue.text("page_signin", language), context: nil, path: Route.signIn.pattern,
                                                    body: body, language: language), status: status)
        response.setCookie(Cookie(name: formCookie, value: token, maxAge: 3600, path: Route.signIn.pattern, secure: secure, httpOnly: true,
                                  sameSite: .strict))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Only a path of this site (with its query) is a place to go after signing in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count <= 2000,
              next.allSatisfy({ !$0.isWhitespace && !$0.isNewline }), !next.hasPrefix(Route.signIn.pattern) else { return Route.overview.pattern }
        return next
    }
}
