import Foundation
import RolloutCore

/// A change committed to the log: the newest sequence number after it.
public struct StoreChange: Codable, Sendable, Equatable {
    public var lastSeq: Int64
    public init(lastSeq: Int64) { self.lastSeq = lastSeq }
}

/// Fans committed changes out to every subscriber of one process (the live pages' streams).
///
/// On SQLite the store publishes after its own commits; on PostgreSQL one LISTEN connection per
/// process publishes what every instance's commits NOTIFY, its own included.
final class ChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UUID: AsyncStream<StoreChange>.Continuation] = [:]
    private var newest: Int64?

    /// The newest sequence number published, once anything has been.
    var latest: Int64? { lock.lock(); defer { lock.unlock() }; return newest }

    /// A stream of the changes from now on; it ends when the subscriber stops iterating.
    func subscribe() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self, bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        lock.lock()
        subscribers[id] = continuation
        lock.unlock()
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.lock()
            self.subscribers[id] = nil
            self.lock.unlock()
        }
        return stream
    }

    /// Sends a change to every subscriber, unless one as new was sent already (a change can be
    /// heard twice: from this process's commit and from NOTIFY, or from the poll).
    func publish(_ change: StoreChange) {
        lock.lock()
        if let n = newest, change.lastSeq <= n { lock.unlock(); return }
        newest = change.lastSeq
        let all = Array(subscribers.values)
        lock.unlock()
        for c in all { c.yield(change) }
    }

    /// Ends every subscription (the store is closing).
    func finish() {
        lock.lock()
        let all = Array(subscribers.values)
        subscribers = [:]
        lock.unlock()
        for c in all { c.finish() }
    }
}
