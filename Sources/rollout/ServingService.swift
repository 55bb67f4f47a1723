import Hummingbird
import NIOConcurrencyHelpers
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutWeb
import ServiceLifecycle

/// `rollout serve` as a service of the command's group, beside the database's connections: it
/// checks the database answers, migrates an older schema, then runs the server (and its own
/// services) until the group shuts down. Its error is kept for the command to print.
final class ServingService: Service, Sendable {
    let common: CommonOptions
    let store: SQLCampaignStore
    let host: String
    let port: Int
    let security: WebSecurity
    let accessLog: AccessLog
    let tls: TLSFiles?
    let services: [any Service]
    let then: @Sendable () async -> Void
    private let failed = NIOLockedValueBox<(any Error)?>(nil)

    init(common: CommonOptions, store: SQLCampaignStore, host: String, port: Int, security: WebSecurity, accessLog: AccessLog,
         tls: TLSFiles?, services: [any Service], then: @escaping @Sendable () async -> Void) {
        self.common = common; self.store = store; self.host = host; self.port = port; self.security = security
        self.accessLog = accessLog; self.tls = tls; self.services = services; self.then = then
    }

    /// What stopped the server, if it stopped with an error.
    var failure: (any Error)? { failed.withLockedValue { $0 } }

    func run() async throws {
        do {
            try await store.checkReachable()
            try await Serve.migrateIfOlder(store, common)
            ServerThreads.useEventLoopsForTasks()
            let service = CampaignService(store: store, clock: common.clock)
            _ = try await service.campaign()
            let (common, host, tls, then) = (self.common, self.host, self.tls, self.then)
            let app = try buildApplication(service: service, host: host, port: port, security: security,
                                           accessLog: accessLog, tls: tls, services: services) { bound in
                common.say(tls == nil ? "serving" : "serving_tls", ["url": "\(tls == nil ? "http" : "https")://\(host):\(bound)"])
                await then()
            }
            try await app.run()
        } catch {
            failed.withLockedValue { $0 = error }
            throw error
        }
    }
}
