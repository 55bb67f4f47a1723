import SQLKit

/// The SQL dialect differences the schema must know about.
enum Dialect: Sendable { case sqlite, postgres }

/// One database engine behind SQLKit: a transaction for writes, a consistent snapshot for reads.
protocol SQLDriver: Sendable {
    var dialect: Dialect { get }
    /// Runs `body` in one write transaction: all of it is committed, or none.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` on one consistent snapshot of the database.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes the connections.
    func close() async throws
}
