import Hummingbird
import NIOCore
import HummingbirdAuth
import RolloutCore

/// What a web session keeps: the account, and the token every form of the session must carry.
public struct WebSession: Codable, Sendable, Equatable {
    public var account: String
    public var csrf: String
    public var signedInAt: Int64
}

/// The request context of every route: the session (if any), the principal the request acts for
/// once ``AccessMiddleware`` has checked it, and the caller's address (for sign-in limits).
public struct RolloutContext: RequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<WebSession>
    /// Who the request acts for (nil on open routes without a sign-in).
    public var principal: Principal?
    /// The session's form token, when the request came with a session.
    public var csrf: String?
    public var remoteAddress: String?
    /// The connection (an event stream watches it, to end as soon as the browser lets go).
    public let channel: any Channel
    /// The request's id and account, as the log line written on its way out reports them.
    public let facts = RequestFacts()

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
