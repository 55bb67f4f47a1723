import Foundation
import Logging
import PostgresKit
import PostgresNIO
import RolloutCore
import RolloutStorage
import SQLKit
import NIOConcurrencyHelpers
import NIOCore

/// PostgreSQL for several stateless instances sharing one database: a connection pool, one
/// transaction per write (writers take a lock on the log, so the sequence has no gaps or races),
/// repeatable-read snapshots for reads.
final class PostgresDriver: SQLDriver {
    let dialect = Dialect.postgres
    let client: PostgresClient
    /// The task running the client's background work, when the driver runs it itself (nil: a
    /// service group runs the client, see ``SQLCampaignStore/open(_:create:runsOwnConnections:)``).
    private let runner: Task<Void, Never>?
    private let logger = Logger(label: "rollout.postgres")
    private let listeners = NIOLockedValueBox<[Task<Void, Never>]>([])

    /// One connection's settings, for ``checkReachable(description:)``.
    private let checkConfiguration: PostgresConnection.Configuration

    private init(client: PostgresClient, runner: Task<Void, Never>?, checkConfiguration: PostgresConnection.Configuration) {
        self.client = client; self.runner = runner; self.checkConfiguration = checkConfiguration
    }

    static func open(host: String, port: Int, user: String, password: String?, database: String,
                     description: String, runsItself: Bool = true) async throws -> PostgresDriver {
        var config = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                  database: database, tls: .disable)
        config.options.connectTimeout = .seconds(5)
        config.options.maximumConnections = 8
        let client = PostgresClient(configuration: config, backgroundLogger: Logger(label: "rollout.postgres.pool"))
        let runner = runsItself ? Task { await client.run() } : nil
        var check = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                     database: database, tls: .disable)
        check.options.connectTimeout = .seconds(30)
        let driver = PostgresDriver(client: client, runner: runner, checkConfiguration: check)
        // A client run by a service group answers nothing before the group starts: it is checked then.
        if runsItself { try await driver.checkReachable(description: description) }
        return driver
    }

    /// Fails, with a clear message, when the server cannot be reached and let in within 30 s.
    ///
    /// One connection of its own, not a query through the pool: the pool retries a refused
    /// connection for ever, so a check through it could only race a timer, and on a starved
    /// machine the timer won while the server was there (the suite's one failure in a loaded CI).
    func checkReachable(description: String) async throws {
        do {
            let connection = try await PostgresConnection.connect(configuration: checkConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            runner?.cancel()
            throw RolloutError("database_unreachable", kind: .unavailable, ["value": description, "reason": PostgresDriver.reason(error)])
        }
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            if let channel = e.underlying as? ChannelError, case .connectTimeout = channel { return "timeout" }
            if let underlying = e.underlying { return "\(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await unwrapped {
            try await client.withTransaction(logger: logger) { connection in
                let db = PostgresSession(base: connection.sql(queryLogLevel: nil), connection: connection)
                return try await body(db)
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await unwrapped {
            try await client.withTransaction(logger: logger) { connection in
                let db = connection.sql(queryLogLevel: nil)
                try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
                return try await body(db)
            }
        }
    }

    /// The error that made a transaction fail, rather than the wrapper PostgresNIO puts around it.
    private func unwrapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as PostgresTransactionError {
            throw e.closureError ?? e.beginError ?? e.commitError ?? e
        }
    }

    /// Listens on a channel for the life of the driver, on one connection of the pool, reconnecting
    /// after a failure; `receive` gets each notification's payload.
    func listen(on channel: String, receive: @escaping @Sendable (String) -> Void) {
        let client = self.client
        let logger = self.logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            for try await n in notifications { receive(n.payload) }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    // The client was shut down (the server's service group stopping it): nothing to retry.
                    if let e = error as? PSQLError, e.code == .clientClosedConnection || e.code == .poolClosed { break }
                    logger.warning("listening for changes failed; retrying", metadata: ["error": "\(PostgresDriver.reason(error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        listeners.withLockedValue { $0.append(task) }
    }

    func close() async throws {
        for t in listeners.withLockedValue({ $0 }) { t.cancel() }
        runner?.cancel()
    }
}
