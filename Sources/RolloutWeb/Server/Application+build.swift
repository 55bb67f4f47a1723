import Hummingbird
import HummingbirdAuth
import HummingbirdHTTP2
import Logging
import RolloutAccess
import RolloutApplication
import RolloutCore
import RolloutStorage
import ServiceLifecycle

/// How the web layer signs people in.
public struct WebSecurity: Sendable {
    /// Mark cookies `Secure` (set this when Rollout is served behind TLS).
    public var secureCookies: Bool
    /// bcrypt's cost for passwords set through the server.
    public var bcryptCost: UInt8
    /// The bounds on request bodies, bulk files and event streams.
    public var limits: Limits
    /// The proxies (nginx, haproxy) whose `X-Forwarded-For` names the client, for the sign-in
    /// limits and the request log; nobody's by default.
    public var trustedProxies: Set<String>

    /// By default: plain cookies, bcrypt cost 12, the standard limits, no trusted proxy.
    public init(secureCookies: Bool = false, bcryptCost: UInt8 = 12, limits: Limits = .standard, trustedProxies: Set<String> = []) {
        self.secureCookies = secureCookies; self.bcryptCost = bcryptCost; self.limits = limits; self.trustedProxies = trustedProxies
    }
}

/// Builds the router: metrics, error handling, sessions and the access gate around the API and
/// the pages, over one campaign service.
public func buildRouter(service: CampaignService, security: WebSecurity = .init(), accessLog: AccessLog = .off) -> Router<RolloutContext> {
    buildRouter(service: service, security: security, streams: StreamQuota(perAccount: security.limits.eventStreamsPerAccount), accessLog: accessLog)
}

/// The same, with the event streams' quota given (tests fill it to see the route refuse).
func buildRouter(service: CampaignService, security: WebSecurity, streams: StreamQuota, accessLog: AccessLog = .off) -> Router<RolloutContext> {
    Telemetry.start(service)
    let accounts = service.accountService(cost: security.bcryptCost)
    let router = Router(context: RolloutContext.self)
    // A span per request (route, method, status) when a tracer is set up (rollout serve with an
    // OTLP endpoint); without one, Swift Distributed Tracing's no-op tracer.
    router.add(middleware: TracingMiddleware())
    router.add(middleware: RequestLogMiddleware(log: accessLog, trustedProxies: security.trustedProxies))
    router.add(middleware: RequestMetrics())
    router.add(middleware: SecurityHeaders())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(limits: security.limits))
    router.add(middleware: SessionMiddleware(
        storage: SessionPersistDriver(accounts: accounts),
        configuration: .init(sessionCookieParameters: .init(name: SignInPage.sessionCookie, path: "/", secure: security.secureCookies,
                                                            sameSite: .lax),
                             keyPrefix: SignInPage.sessionKeyPrefix, defaultSessionExpiration: SignInPage.sessionLifetime)))
    router.add(middleware: AccessMiddleware(accounts: accounts))
    router.add(middleware: TableDownloadMiddleware())
    let cache = ResponseCache()
    APIRoutes.add(to: router, service: service, cache: cache)
    APIRoutes.addMatches(to: router, service: service)
    ImportRoutes.add(to: router, service: service, limits: security.limits)
    LiveRoutes.add(to: router, service: service, streams: streams)
    OverviewPage.add(to: router, service: service, cache: cache)
    RegionPage.add(to: router, service: service, cache: cache)
    OperatorPage.add(to: router, service: service, cache: cache)
    SitePage.add(to: router, service: service, cache: cache)
    SitePage.addUpload(to: router, service: service, limits: security.limits)
    EscalationPage.add(to: router, service: service)
    ObstacleDetailPage.add(to: router, service: service)
    DispatchPage.add(to: router, service: service)
    UnitPage.add(to: router, service: service)
    SignInPage.add(to: router, accounts: accounts, secureCookies: security.secureCookies)
    AccountsPage.add(to: router, service: service, accounts: accounts)
    QuotaPage.add(to: router, service: service)
    BulletinsPage.add(to: router, service: service)
    SupervisionPage.add(to: router, service: service)
    ReportingPage.add(to: router, service: service)
    ReconciliationPage.add(to: router, service: service)
    NotificationsPage.add(to: router, service: service)
    ScorecardPage.add(to: router, service: service)
    AdoptionPage.add(to: router, service: service)
    PlanPage.add(to: router, service: service)
    SafetyPage.add(to: router, service: service)
    ContractorPage.add(to: router, service: service)
    EvidenceRoutes.add(to: router, service: service, limits: security.limits)
    VerificationPage.add(to: router, service: service)
    SharingPage.add(to: router, service: service)
    ForecastPage.add(to: router, service: service, cache: cache)
    OpenAPIRoutes.add(to: router)
    Telemetry.add(to: router, service: service)
    return router
}

/// Builds the application serving the router on an address; it also clears expired sessions.
/// With `tls`, it serves HTTPS only, HTTP/2 to browsers that offer it (ALPN) and HTTP/1.1 to the rest.
public func buildApplication(service: CampaignService, host: String, port: Int, security: WebSecurity = .init(),
                             accessLog: AccessLog = .off, tls: TLSFiles? = nil, services: [any Service] = [],
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    // The server watches the log, so its caches know the log's version without asking the database.
    service.watchChanges()
    // What verification is folded from is read while the server starts, not by its first page.
    Task.detached(priority: .utility) { try? await service.prepareReads() }
    var logger = Logger(label: "rollout")
    logger.logLevel = .warning
    var app = Application(router: buildRouter(service: service, security: security, accessLog: accessLog),
                          server: try tls.map { try .http2Upgrade(tlsConfiguration: $0.configuration) } ?? .http1(),
                          configuration: .init(address: .hostname(host, port: port), serverName: "Rollout"),
                          onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
                          logger: logger)
    app.addServices(SessionPersistDriver(accounts: service.accountService(cost: security.bcryptCost)), OverdueSweeper(service: service))
    for extra in services { app.addServices(extra) }
    return app
}
