import Hummingbird
import NIOCore
import HummingbirdAuth
import RolloutCore

/// What a web session keeps: the account, and the token every form of the session must carry.
public struct WebSession: Codable, Sendable, Equatable {
    /// The name of the account signed in.
    public var account: String
    /// The form token, drawn at random when the session began.
    public var csrf: String
    /// When the account signed in, in seconds since 1970.
    public var signedInAt: Int64
}

/// The request context of every route: the session (if any), the principal the request acts for
/// once ``AccessMiddleware`` has checked it, and the caller's address (for sign-in limits).
public struct RolloutContext: RequestContext, SessionRequestContext {
    /// Hummingbird's own part of the context (the request's logger, route parameters, …).
    public var coreContext: CoreRequestContextStorage
    /// The session HummingbirdAuth keeps for the request (a ``WebSession`` once signed in).
    public let sessions: SessionContext<WebSession>
    /// Who the request acts for (nil on open routes without a sign-in).
    public var principal: Principal?
    /// The session's form token, when the request came with a session.
    public var csrf: String?
    /// The caller's IP address, or the client a trusted proxy's `X-Forwarded-For` names.
    public var remoteAddress: String?
    /// The connection (an event stream watches it, to end as soon as the browser lets go).
    public let channel: any Channel
    /// The request's id and account, as the log line written on its way out reports them.
    public let facts = RequestFacts()

    /// A context for a request arriving on a connection: no session or principal yet.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remoteAddress = source.channel.remoteAddress?.ipAddress
        channel = source.channel
    }

    /// The principal of a route that needs one (the middleware has made sure there is).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw RolloutError("signin_required", kind: .unauthenticated) }
        return principal
    }
}
