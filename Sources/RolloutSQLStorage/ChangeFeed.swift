import Foundation
import RolloutCore
import RolloutStorage
import NIOConcurrencyHelpers

/// Fans committed changes out to every subscriber of one process (the live pages' streams).
///
/// On SQLite the store publishes after its own commits; on PostgreSQL one LISTEN connection per
/// process publishes what every instance's commits NOTIFY, its own included.
final class ChangeFeed: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<StoreChange>.Continuation] = [:]
        var newest: Int64?
    }
    private let state = NIOLockedValueBox(State())

    /// The newest sequence number published, once anything has been.
    var latest: Int64? { state.withLockedValue { $0.newest } }

    /// A stream of the changes from now on; it ends when the subscriber stops iterating.
    func subscribe() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self, bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        state.withLockedValue { $0.subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.state.withLockedValue { $0.subscribers[id] = nil } }
        return stream
    }

    /// Sends a change to every subscriber, unless one as new was sent already (a change can be
    /// heard twice: from this process's commit and from NOTIFY, or from the poll).
    func publish(_ change: StoreChange) {
        let all: [AsyncStream<StoreChange>.Continuation] = state.withLockedValue { s in
            if let n = s.newest, change.lastSeq <= n { return [] }
            s.newest = change.lastSeq
            return Array(s.subscribers.values)
        }
        for c in all { c.yield(change) }
    }

    /// Ends every subscription (the store is closing).
    func finish() {
        let all = state.withLockedValue { s in
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for c in all { c.finish() }
    }
}
