import Hummingbird

/// Puts the browser's own defences on every answer: a Content-Security-Policy that allows no
/// inline script (pages load only `/assets/live.js`) and no framing, no MIME sniffing, and no
/// referrer sent to other sites.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    /// Scripts only from Rollout itself; styles inline (the stored bulletins carry theirs);
    /// images from Rollout or data: URLs (the icon); no plugins, no framing, forms post to Rollout.
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A route with a stricter policy of its own (a stored bulletin: no script at all) keeps it.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.policy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        return response
    }
}
