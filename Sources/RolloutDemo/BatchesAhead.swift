import Foundation
import RolloutCore

/// Makes the demo's batches one ahead of the loader: while batch i is written to the database,
/// batch i+1 is made on another core. Measured at scale 1 (release): 31.6 s of generation, was
/// 32.5 s (the store's bulk load, which then also made each batch's rows ahead, brought it to 13–15 s).
final class BatchesAhead: @unchecked Sendable {
    private let make: @Sendable (Int) -> [NewEvent]?
    private let lock = NSLock()
    private var pending: [Int: Task<[NewEvent]?, Never>] = [:]

    /// Batches made by `make` (nil: no more), which must be safe to call from any thread.
    init(_ make: @escaping @Sendable (Int) -> [NewEvent]?) { self.make = make }

    /// Batch `i`, made now unless it was started already; batch i+1 is started at once, to be made
    /// while batch i is written.
    func batch(_ i: Int) async -> [NewEvent]? {
        let current: Task<[NewEvent]?, Never> = lock.withLock {
            let task = pending.removeValue(forKey: i) ?? start(i)
            if pending[i + 1] == nil { pending[i + 1] = start(i + 1) }
            return task
        }
        return await current.value
    }

    private func start(_ i: Int) -> Task<[NewEvent]?, Never> {
        let make = self.make
        return Task.detached(priority: .userInitiated) { make(i) }
    }
}
