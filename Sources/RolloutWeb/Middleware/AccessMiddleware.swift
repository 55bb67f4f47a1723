import MultipartKit
import Foundation
import Hummingbird
import Logging
import RolloutAccess
import RolloutCore
import RolloutTexts

/// The one gate every request passes: it finds who is asking (a bearer token, or the account of
/// the session cookie), checks the route's need in the route table (``Route``) against the account's role,
/// checks the form token of every change made with a session cookie, and hands the principal to
/// the handler. Which records an account may change is checked further down, by the services.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = RolloutContext
    let accounts: AccountService

    /// The longest form body read to find its token.
    static let maxForm = 64 * 1024
    /// The most a form with files is read to find its token (the body limit cuts it off before).
    static let maxMultipart = 1 << 30

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let path = request.uri.path
        // A path the router does not know (endpointPath unset) needs a sign-in like any page: who
        // is not signed in learns nothing about which addresses exist.
        let need: Need
        if let endpoint = context.endpointPath {
            guard let listed = Route.find(method: request.method, endpoint: endpoint)?.need else {
                context.logger.error("route without a policy", metadata: ["route": "\(request.method) \(endpoint)"])
                throw RolloutError("forbidden", kind: .forbidden, ["role": "—"])
            }
            need = listed
        } else {
            need = .signedIn
        }

        var bySession = false
        // Open routes ask nobody who they are (the sign-in page only its session).
        let authenticate = need != .open || path == Route.signIn.pattern
        if !authenticate {
        } else if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw RolloutError("bad_token", kind: .unauthenticated) }
            context.principal = try await accounts.principal(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces))
        } else if let session = context.sessions.session {
            if let principal = try await accounts.principal(sessionAccount: session.account) {
                context.principal = principal
                context.csrf = session.csrf
                bySession = true
            } else {
                // The account was disabled: the session ends with it.
                context.sessions.clearSession()
            }
        }

        if let principal = context.principal { context.facts.set(account: principal.account) }
        if need != .open {
            guard let principal = context.principal else {
                if Route.isAPI(path) { throw RolloutError("signin_required", kind: .unauthenticated) }
                let back = path + (request.uri.query.map { "?\($0)" } ?? "")
                return Response(status: .seeOther, headers: [
                    .location: "\(Route.signIn.pattern)?next=\(Route.encode(back))&lang=\(request.language.rawValue)",
                ])
            }
            guard Access.allows(principal.role, need) else {
                throw RolloutError("forbidden", kind: .forbidden, ["role": Catalogue.text("page_role_\(principal.role.rawValue)", request.language)])
            }
        }

        if bySession, ![.get, .head, .options].contains(request.method) {
            let sent: String?
            if let header = request.headers[.init("X-CSRF-Token")!] {
                sent = header
            } else if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let buffer = try await request.body.collect(upTo: Self.maxForm)
                request.body = .init(buffer: buffer)
                sent = (try? URLEncodedFormDecoder().decode(FormToken.self, from: String(buffer: buffer)))?.csrf
            } else if let boundary = Request.boundary(request.headers[.contentType]) {
                // A form with files (already capped by the body limit): its token is one of its parts.
                let buffer = try await request.body.collect(upTo: Self.maxMultipart)
                request.body = .init(buffer: buffer)
                sent = (try? FormDataDecoder().decode(FormToken.self, from: buffer, boundary: boundary))?.csrf
            } else {
                sent = nil
            }
            guard let sent, let expected = context.csrf, AccountService.constantTimeEqual(sent, expected) else {
                throw RolloutError("csrf_failed", kind: .forbidden)
            }
        }
        return try await next(request, context)
    }
}

/// The form token of a form body (the other fields are the handler's).
struct FormToken: Decodable { var csrf: String? }
