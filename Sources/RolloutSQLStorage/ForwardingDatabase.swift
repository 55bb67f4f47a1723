import Logging
import NIOCore
import SQLKit

/// A transaction's database that is SQLKit's own (`base`) plus the engine's bulk writes: everything
/// but those is passed to `base`.
protocol ForwardingDatabase: SQLDatabase {
    /// SQLKit's database of the transaction.
    var base: any SQLDatabase { get }
}

extension ForwardingDatabase {
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await base.execute(sql: query, onRow)
    }
}
