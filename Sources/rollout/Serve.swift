import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutNotify
import RolloutWeb
import ServiceLifecycle

/// `rollout serve`: the dashboard and the API on the chosen database.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the dashboard and the API.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure (when served behind TLS; implied by --tls-cert).") var secureCookies = false
    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS (HTTP/2 and HTTP/1.1) with this PEM certificate chain; needs --tls-key.") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert (unencrypted).") var tlsKey: String?
    @Option(name: .customLong("access-log"), help: "The request log: json (one line per request on standard output, the default) or off.")
    var accessLog: AccessLogFormat = .json
    @Option(name: .customLong("trusted-proxy"), help: "A proxy's address whose X-Forwarded-For names the client (repeat for several; e.g. 127.0.0.1 behind haproxy on the same machine).")
    var trustedProxies: [String] = []
    @Option(name: .customLong("otlp-endpoint"), help: "Export traces over OTLP/HTTP to this URL (e.g. http://127.0.0.1:4318/v1/traces); or set OTEL_EXPORTER_OTLP_ENDPOINT. Off by default.")
    var otlpEndpoint: String?
    @OptionGroup(title: "Limits") var limitOptions: LimitOptions
    @OptionGroup(title: "Notifications") var notify: NotifyOptions

    func run() async throws {
        try await common.run {
            let limits = try limitOptions.limits()
            guard (tlsCert == nil) == (tlsKey == nil) else { throw RolloutError("tls_needs_both") }
            // Checked before the database is opened: a wrong key changes nothing.
            let tls = try tlsCert.map { try TLSFiles(certificate: $0, key: tlsKey ?? "") }
            let smtp = try notify.smtpSettings()
            let tracing = try TraceExport.start(endpoint: otlpEndpoint)
            // Opened without running its connections: the service group below runs them.
            let store = try await SQLCampaignStore.open(try common.url(), create: false, runsOwnConnections: false)
            try await Serve.serve(store: store, host: host, port: port,
                                  security: .init(secureCookies: secureCookies || tls != nil, limits: limits, trustedProxies: Set(trustedProxies)),
                                  accessLog: accessLog == .json ? .standardOutput : .off, tls: tls, services: tracing.map { [$0] } ?? [],
                                  publicURL: notify.publicURL, smtp: smtp, common: common)
        }
    }

    /// Brings an older schema forward (saying from which version to which); a newer one is refused
    /// before anything is touched.
    static func migrateIfOlder(_ store: SQLCampaignStore, _ common: CommonOptions) async throws {
        let found = try await store.schemaVersion()
        if found > 0 && found < SQLCampaignStore.latestSchemaVersion {
            common.say("schema_migrating", ["found": "\(found)", "known": "\(SQLCampaignStore.latestSchemaVersion)"])
            common.say("migrated", ["value": "\(try await store.migrate(now: common.clock.now()))"])
        }
        try await store.checkSchema()
    }

    /// Serves a store until the process is stopped; `then` runs once the server listens. One service
    /// group runs the store's PostgreSQL connections (when the group is to run them) and the server,
    /// so a signal stops the server first and the connections last; the store is closed after.
    static func serve(store: SQLCampaignStore, host: String, port: Int, security: WebSecurity = .init(),
                      accessLog: AccessLog = .off, tls: TLSFiles? = nil, services: [any Service] = [],
                      publicURL: String? = nil, smtp: SMTPSettings? = nil, common: CommonOptions,
                      then: @escaping @Sendable () async -> Void = {}) async throws {
        // Every instance delivers the outbox; the claims keep two from sending one message.
        let webhooks = WebhookSender.makeClient()
        let base = publicURL ?? "\(tls == nil ? "http" : "https")://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        let delivery = DeliveryService(deliverer: Deliverer(store: store, webhooks: WebhookSender(client: webhooks), smtp: smtp.map(SMTPClient.init),
                                                            baseURL: base, clock: common.clock))
        let serving = ServingService(common: common, store: store, host: host, port: port, security: security,
                                     accessLog: accessLog, tls: tls, services: services + [delivery], then: then)
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let connections = store.connectionService { members.append(.init(service: connections)) }
        members.append(.init(service: serving, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: members, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: Logger(label: "rollout")))
        do {
            try await group.run()
        } catch {
            try? await webhooks.shutdown()
            try? await store.close()
            throw serving.failure ?? error
        }
        try? await webhooks.shutdown()
        try? await store.close()
        if let failure = serving.failure { throw failure }
    }
}

/// The request log's format on the command line.
enum AccessLogFormat: String, ExpressibleByArgument, CaseIterable { case json, off }
