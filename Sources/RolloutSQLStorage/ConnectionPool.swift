import Foundation

/// Connections handed to one holder at a time, first come first served; who asks while all are
/// taken waits without blocking a thread. A pool of one is a lock.
///
/// Used to give each SQLite connection to one transaction at a time.
actor ConnectionPool<Connection: Sendable> {
    private var free: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []

    init(_ connections: [Connection]) { free = connections }

    /// Runs `body` with a connection nobody else holds meanwhile.
    func run<T: Sendable>(_ body: @Sendable (Connection) async throws -> T) async throws -> T {
        let connection = await acquire()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    private func acquire() async -> Connection {
        if let c = free.popLast() { return c }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ connection: Connection) {
        if waiters.isEmpty { free.append(connection) } else { waiters.removeFirst().resume(returning: connection) }
    }
}
