import Hummingbird
import Logging
import RolloutCore
import RolloutStorage

/// Builds the router: the API, the pages and the error handling, over one campaign service.
public func buildRouter(service: CampaignService) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    let cache = ResponseCache()
    APIRoutes.add(to: router, service: service, cache: cache)
    ImportRoutes.add(to: router, service: service)
    LiveRoutes.add(to: router, service: service)
    OverviewPage.add(to: router, service: service, cache: cache)
    RegionPage.add(to: router, service: service, cache: cache)
    OperatorPage.add(to: router, service: service, cache: cache)
    SiteDetailPage.add(to: router, service: service, cache: cache)
    EscalationRoutes.add(to: router, service: service)
    return router
}

/// Builds the application serving the router on an address.
public func buildApplication(service: CampaignService, host: String, port: Int,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    // The server watches the log, so its caches know the log's version without asking the database.
    service.store.watchChanges()
    var logger = Logger(label: "rollout")
    logger.logLevel = .warning
    return Application(router: buildRouter(service: service),
                       configuration: .init(address: .hostname(host, port: port), serverName: "Rollout"),
                       onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
                       logger: logger)
}
